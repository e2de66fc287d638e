"""Sentence embeddings from static word vectors, offline, on numpy alone.

The vectors and tokenizer are the WordLlama model (256 dimensions) that the `wordllama` wheel
ships inside itself (token embeddings distilled from a large language model). A text's vector
is the sum of its tokens' vectors, L2-normalised (the mean, up to length), so paraphrases that
share no word still land close ("export to Excel times out" / "the xlsx download never finishes").

Intents read all 256 dimensions, and each sentence of a longer text apart as well (a review that
praises the app for three sentences and reports a crash in the fourth is a bug report, though its
mean vector reads as praise). Themes read the leading 128 (`theme_vectors`).

The files are read straight from the installed package, not through `WordLlama.load()`: 0.4.0
looks for its tokenizer under `tokenizer/` while the wheel puts it under `tokenizers/`, and with
no network it then tries to download it. Nothing here ever reaches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy

DIM = 256
# The model is trained so that its vectors' leading dimensions carry most of the meaning
# (Matryoshka training): themes compare seeds by the first 128, which keep paraphrases close at
# half the cost of every similarity. Intents use all 256: on text the corpus never saw (public
# app reviews and forum posts, scored by nlp.evaluate) the head alone gained 0.05-0.06 macro-F1.
THEME_DIM = 128
# A sentence ends at one of these tokens; one shorter than MIN_SENTENCE_WORDS words ("Hi.",
# "Thanks!") is no sentence of its own for the intent head.
SENTENCE_END = frozenset(".!?")
MIN_SENTENCE_WORDS = 3
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


@dataclass(frozen=True)
class Sentences:
    """Embeddings of whole texts and of the sentences of those that have several."""

    texts: numpy.ndarray  # (n, DIM) unit vectors, one per text
    sentences: numpy.ndarray  # (m, DIM) unit vectors of sentences
    owner: numpy.ndarray  # (m,) the row in `texts` each sentence belongs to
    # (m,) each sentence's (start, end) in its text's word list, so that other classifiers
    # read the same sentences
    spans: tuple[tuple[int, int], ...] = ()

    def sentence_words(self, word_lists: list[list[str]]) -> list[list[str]]:
        """The words of each sentence, in the order of `sentences`."""
        return [
            word_lists[row][a:b]
            for row, (a, b) in zip(self.owner.tolist(), self.spans, strict=True)
        ]


def theme_vectors(vectors: numpy.ndarray) -> numpy.ndarray:
    """The leading THEME_DIM dimensions of text vectors, normalised again: what themes compare."""
    return _unit(numpy.ascontiguousarray(vectors[:, :THEME_DIM]))


class Embedder:
    """Texts -> (n, 256) float32 unit vectors; build one with Embedder.load().

    A text is split on whitespace and each distinct word is tokenised once per process: a
    word's vector (the sum of its tokens') is cached, and a text's is the sum of its words',
    normalised. The cache is bounded, so memory stays flat however long the stream.
    """

    def __init__(self, table: numpy.ndarray, tokenizer: object, cache_limit: int = 200_000) -> None:
        self.table = table
        self.tokenizer = tokenizer
        self.dim = int(table.shape[1])
        self.cache_limit = cache_limit
        self._index: dict[str, int] = {}
        self._vectors = numpy.zeros((1024, self.dim), "float32")

    @classmethod
    def load(cls, package_dir: Path | None = None) -> Embedder:
        return _load(str(package_dir or _package_dir()))

    def __call__(self, texts: list[str]) -> numpy.ndarray:
        out = numpy.zeros((len(texts), self.dim), dtype="float32")
        batch = [text.split() for text in texts]
        lengths = numpy.fromiter((len(words) for words in batch), "int64", len(batch))
        if not lengths.sum():
            return out
        self._learn({word for words in batch for word in words})
        index = self._index
        flat = numpy.fromiter((index[w] for words in batch for w in words), "int64", lengths.sum())
        out[lengths > 0] = self._sum_runs(flat, lengths[lengths > 0])
        return _unit(out)

    def sentences(self, word_lists: list[list[str]]) -> Sentences:
        """Embed tokenised texts, and apart each sentence of a text that has two or more.

        A text's vector is the one `self([" ".join(words)])` gives (up to rounding); the
        sentences cost only one more sum over vectors already looked up.
        """
        # Runs of words up to a sentence end: their lengths, the text each is in, and whether it
        # is a full sentence of a text that has two or more (those are embedded apart too).
        lengths: list[int] = []
        first: list[int] = []  # index of each non-empty text's first run
        owners: list[int] = []
        kept: list[int] = []
        spans: list[tuple[int, int]] = []
        for row, words in enumerate(word_lists):
            if not words:
                continue
            first.append(len(lengths))
            if "." not in words and "!" not in words and "?" not in words:
                lengths.append(len(words))  # one run; most texts end here
                continue
            runs = _runs(words)
            full = [
                len(lengths) + i
                for i, (a, b) in enumerate(runs)
                if sum(map(str.isalnum, words[a:b])) >= MIN_SENTENCE_WORDS
            ]
            if len(full) >= 2:
                kept.extend(full)
                owners.extend([row] * len(full))
                spans.extend(runs[i - len(lengths)] for i in full)
            lengths.extend(b - a for a, b in runs)
        texts = numpy.zeros((len(word_lists), self.dim), dtype="float32")
        if not lengths:
            return Sentences(texts, texts[:0], numpy.zeros(0, "int64"))
        self._learn({word for words in word_lists for word in words})
        index = self._index
        flat = numpy.fromiter(
            (index[w] for words in word_lists for w in words), "int64", sum(lengths)
        )
        sums = self._sum_runs(flat, numpy.asarray(lengths, "int64"))
        nonempty = numpy.fromiter((bool(words) for words in word_lists), bool, len(word_lists))
        texts[nonempty] = numpy.add.reduceat(sums, numpy.asarray(first, "int64"), axis=0)
        return Sentences(
            _unit(texts),
            _unit(sums[numpy.asarray(kept, "int64")]),
            numpy.asarray(owners, "int64"),
            tuple(spans),
        )

    def _sum_runs(self, flat: numpy.ndarray, lengths: numpy.ndarray) -> numpy.ndarray:
        """Sum the cached vectors of consecutive runs of `flat` (word rows), one row per run.

        A sparse (runs x words) matrix times the vectors: several times faster than gathering
        every word's vector and summing with numpy.add.reduceat, which is slow along axis 0.
        """
        from scipy.sparse import csr_matrix

        size = len(self._index)
        indptr = numpy.concatenate([[0], numpy.cumsum(lengths)])
        runs = csr_matrix(
            (numpy.ones(len(flat), "float32"), flat, indptr), shape=(len(lengths), size)
        )
        return numpy.asarray(runs @ self._vectors[:size], dtype="float32")

    def _learn(self, words: set[str]) -> None:
        """Tokenise and cache the words not seen yet (never in the middle of a batch)."""
        new = [word for word in words if word not in self._index]
        if not new:
            return
        if len(self._index) + len(new) > self.cache_limit:
            self._index.clear()
            new = sorted(words)
        encoded = self.tokenizer.encode_batch(new, add_special_tokens=False)  # type: ignore[attr-defined]
        start = len(self._index)
        end = start + len(new)
        if end > len(self._vectors):
            grown = numpy.zeros((max(end, 2 * len(self._vectors)), self.dim), "float32")
            grown[:start] = self._vectors[:start]
            self._vectors = grown
        for row, (word, tokens) in enumerate(zip(new, encoded, strict=True), start=start):
            self._vectors[row] = self.table[tokens.ids].sum(axis=0) if tokens.ids else 0.0
            self._index[word] = row


def _runs(words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of words up to and including a sentence end, and of the rest."""
    runs = []
    start = 0
    for i, word in enumerate(words):
        if word in SENTENCE_END:
            runs.append((start, i + 1))
            start = i + 1
    if start < len(words):
        runs.append((start, len(words)))
    return runs


def _unit(vectors: numpy.ndarray) -> numpy.ndarray:
    norms = numpy.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def _package_dir() -> Path:
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the `wordllama` package is not installed: `uv sync` installs it")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=2)
def _load(package_dir: str) -> Embedder:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    root = Path(package_dir)
    weights = load_file(str(root / WEIGHTS))
    table = numpy.ascontiguousarray(next(iter(weights.values()))[:, :DIM], dtype="float32")
    tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return Embedder(table, tokenizer)
