"""Intents from sentence embeddings, blended with the bag-of-words textcat.

The bag of words knows the corpus's exact wording; the embedding head carries meaning across
wording the corpus never used ("the app shuts itself down" near "keeps crashing"). It is a
multi-label logistic regression on the text embedding (nlp/embed.py), trained in numpy by
`nlp.train` on whole texts and saved with the pipeline (`embedding_intents/head.npz`). A text of
several sentences scores each intent by its best sentence or the whole, whichever is higher: one
sentence reporting a crash makes a bug report of a review that is otherwise praise. A text's
intent score is the mean of the two classifiers' probabilities; the rule components come after.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from nlp.embed import Embedder, Sentences
from nlp.labels import INTENTS

HEAD_FILE = "head.npz"
# Unit vectors are scaled up so that a modest L2 penalty still lets the head be confident.
SCALE = 8.0
# How much of the blended intent score comes from the embedding head; the rest is the textcat.
DEFAULT_WEIGHT = 0.5


class EmbeddingIntents:
    """A spaCy component: blends the head's intent probabilities into doc.cats."""

    def __init__(self, weight: float = DEFAULT_WEIGHT) -> None:
        self.weight = weight
        self.labels: tuple[str, ...] = INTENTS
        self.W = numpy.zeros((0, len(INTENTS)), "f")
        self.b = numpy.zeros(len(INTENTS), "f")
        self._embedder: Embedder | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder.load()
        return self._embedder

    @property
    def trained(self) -> bool:
        return bool(self.W.size)

    def fit(self, vectors: numpy.ndarray, targets: numpy.ndarray, *, l2: float, steps: int) -> None:
        self.W, self.b = fit_logistic(SCALE * vectors, targets, l2=l2, steps=steps)

    def probabilities(self, vectors: numpy.ndarray) -> numpy.ndarray:
        dim = self.W.shape[0]
        if vectors.shape[1] != dim:
            # A head trained on the leading dimensions only (an older pipeline) reads just those.
            vectors = vectors[:, :dim]
            norms = numpy.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / numpy.where(norms == 0, 1.0, norms)
        logits = SCALE * vectors @ self.W + self.b
        return 1.0 / (1.0 + numpy.exp(-logits))

    def text_probabilities(self, embedded: Sentences) -> numpy.ndarray:
        """Each text's intent probabilities: the whole text's, or its best sentence's if higher."""
        probs = self.probabilities(embedded.texts)
        if len(embedded.owner):
            numpy.maximum.at(probs, embedded.owner, self.probabilities(embedded.sentences))
        return probs

    def blend(self, cats: dict[str, float], probs: numpy.ndarray) -> None:
        """Mix one text's head probabilities into its textcat scores (in place)."""
        w = self.weight
        for label, p in zip(self.labels, probs.tolist(), strict=True):
            cats[label] = (1 - w) * cats.get(label, 0.0) + w * p

    def __call__(self, doc: Doc) -> Doc:
        if self.trained and len(doc):
            probs = self.text_probabilities(self.embedder.sentences([[t.lower_ for t in doc]]))[0]
            cats = dict(doc.cats)
            self.blend(cats, probs)
            doc.cats = cats
        return doc

    def to_disk(self, path: Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        numpy.savez(path / HEAD_FILE, W=self.W, b=self.b, labels=numpy.array(self.labels))

    def from_disk(self, path: Path, *, exclude: Any = ()) -> EmbeddingIntents:
        with numpy.load(Path(path) / HEAD_FILE) as saved:
            self.W, self.b = saved["W"].astype("f"), saved["b"].astype("f")
            self.labels = tuple(str(label) for label in saved["labels"])
        return self


def embedding_text(words: Iterable[str]) -> str:
    """What is embedded: the tagger's lowercased tokens, so both tagging paths agree."""
    return " ".join(words)


def fit_logistic(
    x: numpy.ndarray, y: numpy.ndarray, *, l2: float, steps: int, rate: float = 0.05
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """One-vs-rest logistic regression by full-batch Adam; deterministic (starts at zero)."""
    n, d = x.shape
    w = numpy.zeros((d, y.shape[1]), "f")
    b = numpy.zeros(y.shape[1], "f")
    moments: list[tuple[numpy.ndarray, numpy.ndarray]] = [
        (numpy.zeros_like(w), numpy.zeros_like(w)),
        (numpy.zeros_like(b), numpy.zeros_like(b)),
    ]
    for t in range(1, steps + 1):
        grad = (1.0 / (1.0 + numpy.exp(-(x @ w + b))) - y) / n
        grads = (x.T @ grad + l2 * w, grad.sum(0))
        for (m, v), param, g in zip(moments, (w, b), grads, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            param -= rate * (m / (1 - 0.9**t)) / (numpy.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w, b


@Language.factory("loopkeeper_embedding_intents", default_config={"weight": DEFAULT_WEIGHT})
def make_embedding_intents(nlp: Language, name: str, weight: float) -> EmbeddingIntents:
    return EmbeddingIntents(weight)
