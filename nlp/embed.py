"""Sentence embeddings from static word vectors, offline, on numpy alone.

The vectors and tokenizer are the WordLlama model (256 dimensions, of which we use 128) that the `wordllama` wheel
ships inside itself (token embeddings distilled from a large language model). A text's vector
is the sum of its tokens' vectors, L2-normalised (the mean, up to length), so paraphrases that share no word still land
close ("export to Excel times out" / "the xlsx download never finishes").

The files are read straight from the installed package, not through `WordLlama.load()`: 0.4.0
looks for its tokenizer under `tokenizer/` while the wheel puts it under `tokenizers/`, and with
no network it then tries to download it. Nothing here ever reaches the network.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy

# The model is trained so that its vectors' leading dimensions carry most of the meaning
# (Matryoshka training): the first 128 of 256 keep paraphrases close at 2.5x the speed.
DIM = 128
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


class Embedder:
    """Texts -> (n, 128) float32 unit vectors; build one with Embedder.load().

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
        starts = numpy.concatenate([[0], numpy.cumsum(lengths[lengths > 0])[:-1]])
        out[lengths > 0] = numpy.add.reduceat(self._vectors[flat], starts, axis=0)
        norms = numpy.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

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
