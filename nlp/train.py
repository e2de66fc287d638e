"""Train the tagger: `uv run python -m nlp.train [CORPUS] [OUTPUT]`.

Trains three times from config.cfg with spaCy's training loop, each deterministic (seeded):
on nps+ticket evaluated on widget+note (does it generalise across source styles?), on a random
80% evaluated on the rest, and finally on everything. The corpus's "final" slice is left out of
the first two and scored once, with the by-source model. The last pipeline is saved, with the
held-out evaluations, the version and the corpus hash in its meta.json.
"""

import argparse
import io
import json
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from nlp.corpus import (
    Item,
    cats_for,
    corpus_sha256,
    read_corpus,
    split_by_source,
    split_final,
    split_random,
)
from nlp.redact import redact
from nlp.tagger import MODEL_DIR, MODELS_ROOT, TAXONOMY_DIR, Tagger
from nlp.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from nlp.components import IntentRules

CONFIG = Path(__file__).with_name("config.cfg")
CORPUS = MODELS_ROOT / "corpus" / "feedback.jsonl"
VERSION = "0.8.1"
SEED = 20261122
HELD_OUT_SOURCES = ("widget", "note")


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.rescore:
        if not args.real_text:
            raise SystemExit("--rescore needs at least one --real-text FILE")
        record_real_text(args.output, args.taxonomy, args.real_text)
        return
    items = read_corpus(args.corpus)
    taxonomy = load_taxonomy(args.taxonomy)
    evaluations: dict[str, Any] = {}
    tuning, final_slice = split_final(items)
    splits = {
        "by_source": split_by_source(tuning, HELD_OUT_SOURCES),
        "random": split_random(tuning, 0.2, args.seed),
    }
    from nlp.evaluate import evaluate

    if args.dev:
        splits = {"by_source": splits["by_source"]}
        final_slice = []
    thresholds: dict[str, float] = {}
    for name, (train_items, test_items) in splits.items():
        tagger = Tagger(fit(args.config, train_items, test_items, args.seed, thresholds), taxonomy)
        if name == "by_source":
            # Chosen on the by-source split (wording the model never saw), then used by every
            # model after it; the final slice is scored with them but never chooses them.
            thresholds = choose_thresholds(tagger, test_items)
            rules = cast("IntentRules", tagger.nlp.get_pipe("loopkeeper_intents"))
            rules.label_thresholds = thresholds
        evaluations[name] = evaluate(tagger, test_items) | {"trained_on": len(train_items)}
        print(f"{name}: intents macro F1 {evaluations[name]['intents_macro_f']}", file=sys.stderr)
        if name == "by_source" and final_slice:
            scores = evaluate(tagger, final_slice) | {"trained_on": len(train_items)}
            evaluations["final"] = scores | {
                "scored_on": date.today().isoformat(),
                "sources": sorted({item.source for item in final_slice}),
            }
    evaluations["by_source"]["held_out_sources"] = list(HELD_OUT_SOURCES)
    if args.dev:
        print(json.dumps(evaluations, indent=2))
        return
    final = fit(args.config, items, splits["random"][1], args.seed, thresholds)
    final.meta.update(
        name="loopkeeper_tagger",
        version=args.version,
        description="Loopkeeper feedback tagger: intents, sentiment, severity, product area.",
        performance=evaluations,
        corpus={
            "path": args.corpus.name,
            "sha256": corpus_sha256(args.corpus),
            "items": len(items),
        },
        evaluation_notes=EVALUATION_NOTES,
        intent_thresholds=thresholds,
    )
    _save(final, args.output)
    if args.real_text:
        evaluations["real_text"] = record_real_text(args.output, args.taxonomy, args.real_text)
    print(json.dumps(evaluations, indent=2))


def record_real_text(model_dir: Path, taxonomy: Path, paths: list[Path]) -> dict[str, Any]:
    """Score the saved pipeline, exactly as a user loads it, on labelled real feedback, and
    write the scores to its meta.json (`performance.real_text`). Run on its own (`--rescore`)
    after a change to the wording rules, which are code: the weights stay as trained."""
    saved = Tagger.load(model_dir, taxonomy_dir=taxonomy)
    scores = score_real_text(saved, paths)
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["performance"]["real_text"] = scores
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return scores


EVALUATION_NOTES = [
    "Scores are of the whole tagger (textcats plus rules) at threshold 0.5.",
    "by_source: trained on nps+ticket, tested on widget+note (final slice excluded); no corpus "
    "statement is in both groups, so it measures wording the model has not seen. The cue "
    "lists were adjusted while reading its errors, so treat it as a development score.",
    "final: items written whole in all four source styles (models/corpus/final/) before the "
    "cues and corpus of this version were tuned, never trained on, scored once with the "
    "by-source model.",
    "random: 80/20 split of the non-final items; variants of one statement land on both "
    "sides, so it shows fit more than generalisation.",
]


def score_real_text(tagger: Tagger, paths: list[Path]) -> dict[str, Any]:
    """Per-label scores of the finished tagger on each labelled file of real feedback."""
    from nlp.evaluate import evaluate_file

    scores: dict[str, Any] = {}
    for path in paths:
        result = evaluate_file(path, "text", "labels", tagger)
        scores[path.name] = {
            "items": result.items,
            "intents_macro_f": result.macro_f,
            "intents_per_label": {
                label: {"p": s.p, "r": s.r, "f": s.f, "support": s.support}
                for label, s in result.per_label.items()
            },
            "scored_on": date.today().isoformat(),
        }
        print(f"{path.name}: intents macro F1 {result.macro_f}", file=sys.stderr)
    return scores


def choose_thresholds(tagger: Tagger, items: list[Item]) -> dict[str, float]:
    """Per intent, the score bar with the best F1 on these items (0.2-0.7; ties: the lower)."""
    from nlp.labels import INTENTS

    tags = list(tagger.tag([item.text for item in items]))
    chosen: dict[str, float] = {}
    for label in INTENTS:
        gold = [label in item.intents for item in items]
        scores = [tag.intent_scores.get(label, 0.0) for tag in tags]
        best_f, best_bar = -1.0, 0.45
        for step in range(20, 71, 5):
            bar = step / 100
            tp = sum(g and s >= bar for g, s in zip(gold, scores, strict=True))
            predicted = sum(s >= bar for s in scores)
            f = 2 * tp / (predicted + sum(gold)) if predicted + sum(gold) else 0.0
            if f > best_f + 1e-9:
                best_f, best_bar = f, bar
        chosen[label] = best_bar
    return chosen


def fit(
    config_path: Path,
    train_items: list[Item],
    dev_items: list[Item],
    seed: int,
    thresholds: dict[str, float] | None = None,
) -> Any:
    """Train the textcats on train_items and add the rule components; returns the pipeline."""
    import spacy
    from spacy.tokens import DocBin
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train

    # Registers the rule factories and the sentiment scorer that config.cfg names.
    import nlp.bow
    import nlp.components
    import nlp.embedding_intents
    import nlp.scorers
    from nlp.tokenizer import RegexTokenizer

    tokenizer = RegexTokenizer(spacy.blank("en").vocab)
    with _TempDir() as tmp:
        paths = {}
        for name, part in (("train", train_items), ("dev", dev_items)):
            docs = DocBin()
            for item in part:
                doc = tokenizer(redact(item.text))
                doc.cats = cats_for(item)
                docs.add(doc)
            paths[name] = tmp / f"{name}.spacy"
            docs.to_disk(paths[name])
        config = spacy.util.load_config(
            config_path,
            overrides={
                "paths.train": str(paths["train"]),
                "paths.dev": str(paths["dev"]),
                "system.seed": seed,
            },
            interpolate=False,
        )
        pipeline = init_nlp(config)
        # The last epoch's weights, not the best on dev: the dev part is the held-out test set.
        pipeline, _ = train(pipeline, None, stdout=io.StringIO(), stderr=io.StringIO())
    _add_embedding_head(pipeline, train_items)
    for pipe in nlp.components.RULE_PIPES:
        settings = {"label_thresholds": thresholds or {}} if pipe == "loopkeeper_intents" else {}
        pipeline.add_pipe(pipe, config=settings)
    # The saved config should not point at this run's temporary files.
    pipeline.config["paths"].update(train=None, dev=None)
    return pipeline


# The head's L2 penalty and Adam steps: fixed, not searched on any held-out set.
HEAD_L2 = 1e-3
HEAD_STEPS = 400
# One hidden layer of 512 ReLU units (0.7): on the by-source split the head alone scored
# macro-F1 0.663 against the logistic regression's 0.613 (1,024 units: 0.670, twice the cost).
HEAD_HIDDEN = 512


def _add_embedding_head(pipeline: Any, train_items: list[Item]) -> None:
    """Fit the embedding intent head on the same items the textcats were trained on."""
    import numpy

    from nlp.embedding_intents import embedding_text
    from nlp.labels import INTENTS
    from nlp.tokens import words_of

    head = pipeline.add_pipe("loopkeeper_embedding_intents")
    texts = [embedding_text(words_of(redact(item.text))) for item in train_items]
    targets = numpy.array(
        [[label in item.intents for label in INTENTS] for item in train_items], "f"
    )
    head.fit(head.embedder(texts), targets, hidden=HEAD_HIDDEN, l2=HEAD_L2, steps=HEAD_STEPS)


def _save(pipeline: Any, output: Path) -> None:
    if output.exists():
        if any(output.iterdir()) and not (output / "meta.json").is_file():
            raise SystemExit(f"{output}: exists and is not a trained pipeline; not overwriting it")
        shutil.rmtree(output)
    pipeline.to_disk(output)


class _TempDir:
    def __enter__(self) -> Path:
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="loopkeeper-train-")
        return Path(self._dir.name)

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nlp.train", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "corpus", nargs="?", type=Path, default=CORPUS, help="labelled JSONL corpus"
    )
    parser.add_argument(
        "output", nargs="?", type=Path, default=MODEL_DIR, help="pipeline directory"
    )
    parser.add_argument("--config", type=Path, default=CONFIG, help="spaCy training config")
    parser.add_argument("--taxonomy", type=Path, default=TAXONOMY_DIR, help="taxonomy directory")
    parser.add_argument(
        "--dev",
        action="store_true",
        help="score the by-source split only (not the final slice) and save nothing",
    )
    parser.add_argument(
        "--real-text",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a labelled CSV of real feedback (columns `text`, `labels`) to score the saved "
        "pipeline on, on the labels it defines; scores go to meta.json `performance.real_text`. "
        "Evaluation only: never part of training. Repeatable.",
    )
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="train nothing: score the saved pipeline in OUTPUT on the --real-text files with "
        "the current rules and update its meta.json",
    )
    parser.add_argument("--version", default=VERSION, help="version written to meta.json")
    parser.add_argument(
        "--seed", type=int, default=SEED, help="random seed for training and splits"
    )
    return parser


if __name__ == "__main__":
    main()
