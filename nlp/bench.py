"""Throughput and memory of `Tagger.tag`: `uv run python -m nlp.bench --items 100000`.

Items are ~25-word texts made by joining corpus statements, each with its own ticket number so
no cache sees the same text twice; they stream from a generator, as the nightly job's do, so
peak memory shows what tagging holds, not what the input list would. Themes are included: every
item is placed in the run's theme book, as `loopkeeper tag` and the nightly do.
"""

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from nlp.corpus import read_corpus
from nlp.tagger import MODEL_DIR, Tagger
from nlp.train import CORPUS

WORDS_PER_ITEM = 25


def items(corpus: Path, count: int) -> Iterator[str]:
    texts = [" ".join(item.text.split()) for item in read_corpus(corpus)]
    for n in range(count):
        words: list[str] = []
        k = n
        while len(words) < WORDS_PER_ITEM - 1:
            words += texts[k % len(texts)].split()
            k = k * 7 + 3
        yield " ".join(words[: WORDS_PER_ITEM - 1]) + f" #{n}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nlp.bench", description=__doc__)
    parser.add_argument("--items", type=int, default=100_000, help="how many texts to tag")
    parser.add_argument("--model", type=Path, default=MODEL_DIR, help="pipeline directory")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="where texts come from")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args(argv)
    tagger = Tagger.load(args.model)
    # As the nightly and `loopkeeper tag` run it: words counted per theme, labels written once.
    tagger.live_labels = False
    rss_loaded = _peak_rss_mb()
    sample = list(items(args.corpus, 1000))
    words = sum(len(t.split()) for t in sample) / len(sample)
    start = time.perf_counter()
    tagged = sum(1 for _ in tagger.tag(items(args.corpus, args.items), args.batch_size))
    seconds = time.perf_counter() - start
    report = {
        "items": tagged,
        "mean_words": round(words, 1),
        "seconds": round(seconds, 2),
        "items_per_second": round(tagged / seconds),
        "themes": len(tagger.themes),
        "label_seconds": round(
            _timed(lambda: [tagger.theme_label(k) for k in tagger.themes.bucket_of]), 2
        ),
        "peak_rss_mb_after_load": round(rss_loaded),
        "peak_rss_mb": round(_peak_rss_mb()),
    }
    json.dump(report, sys.stdout, indent=2)
    print()


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
