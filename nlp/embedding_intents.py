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
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from nlp.bow import Features, score
from nlp.embed import Embedder, Sentences
from nlp.labels import INTENTS

HEAD_FILE = "head.npz"
# The intent textcat, whose sentence scores are raised the same way as the head's.
TEXTCAT = "textcat_multilabel"
# Unit vectors are scaled up so that a modest L2 penalty still lets the head be confident.
SCALE = 8.0
# How much of the blended intent score comes from the embedding head; the rest is the textcat.
DEFAULT_WEIGHT = 0.5


class EmbeddingIntents:
    """A spaCy component: blends the head's intent probabilities into doc.cats."""

    def __init__(self, weight: float = DEFAULT_WEIGHT, nlp: Language | None = None) -> None:
        self.weight = weight
        self._nlp = nlp
        self._features: Features | None = None
        self.labels: tuple[str, ...] = INTENTS
        # (weights, bias) per layer: ReLU between layers, a sigmoid per intent at the end.
        self.layers: list[tuple[numpy.ndarray, numpy.ndarray]] = []
        self._embedder: Embedder | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder.load()
        return self._embedder

    @property
    def textcat(self) -> tuple[Any, tuple[str, ...]] | None:
        """The pipeline's intent textcat (model, labels), which the head reads sentence by sentence."""
        if self._nlp is None or TEXTCAT not in self._nlp.pipe_names:
            return None
        pipe = self._nlp.get_pipe(TEXTCAT)
        return pipe.model, tuple(pipe.labels)  # type: ignore[attr-defined]

    def features(self, word_lists: list[list[str]]) -> Any:
        if self._features is None:
            assert self._nlp is not None
            self._features = Features(self._nlp.vocab.strings)
        return self._features(word_lists)

    @property
    def trained(self) -> bool:
        return bool(self.layers)

    def fit(
        self,
        vectors: numpy.ndarray,
        targets: numpy.ndarray,
        *,
        hidden: int,
        l2: float,
        steps: int,
        seed: int = 0,
    ) -> None:
        """A hidden layer of `hidden` units (none: a logistic regression) on scaled vectors."""
        self.layers = fit_network(
            SCALE * vectors, targets, hidden=hidden, l2=l2, steps=steps, seed=seed
        )

    def probabilities(self, vectors: numpy.ndarray) -> numpy.ndarray:
        dim = self.layers[0][0].shape[0]
        if vectors.shape[1] != dim:
            # A head trained on the leading dimensions only (an older pipeline) reads just those.
            vectors = vectors[:, :dim]
            norms = numpy.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / numpy.where(norms == 0, 1.0, norms)
        return forward(self.layers, SCALE * vectors)[-1]

    def text_probabilities(self, embedded: Sentences) -> numpy.ndarray:
        """Each text's intent probabilities: the whole text's, or its best sentence's if higher."""
        probs = self.probabilities(embedded.texts)
        if len(embedded.owner):
            best_of_sentences(probs, self.probabilities(embedded.sentences), embedded.owner)
        return probs

    def blend(self, cats: dict[str, float], probs: numpy.ndarray) -> None:
        """Mix one text's head probabilities into its textcat scores (in place)."""
        w = self.weight
        for label, p in zip(self.labels, probs.tolist(), strict=True):
            cats[label] = (1 - w) * cats.get(label, 0.0) + w * p

    def __call__(self, doc: Doc) -> Doc:
        if self.trained and len(doc):
            words = [[t.lower_ for t in doc]]
            embedded = self.embedder.sentences(words)
            probs = self.text_probabilities(embedded)[0]
            cats = dict(doc.cats)
            if self.textcat is not None and len(embedded.owner):
                # The textcat reads the same sentences (what Tagger.classify does in batches).
                model, labels = self.textcat
                whole = numpy.array([[cats.get(label, 0.0) for label in labels]], "f")
                sentences = score(model, self.features(embedded.sentence_words(words)))
                best_of_sentences(whole, numpy.asarray(sentences), embedded.owner)
                cats.update(zip(labels, whole[0].tolist(), strict=True))
            self.blend(cats, probs)
            doc.cats = cats
        return doc

    def to_disk(self, path: Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            f"{name}{i}": array
            for i, layer in enumerate(self.layers)
            for name, array in zip("Wb", layer, strict=True)
        }
        arrays["labels"] = numpy.array(self.labels)
        numpy.savez(path / HEAD_FILE, **arrays)

    def from_disk(self, path: Path, *, exclude: Any = ()) -> EmbeddingIntents:
        with numpy.load(Path(path) / HEAD_FILE) as saved:
            if "W" in saved:  # a logistic head saved before 0.7
                self.layers = [(saved["W"].astype("f"), saved["b"].astype("f"))]
            else:
                count = sum(1 for name in saved.files if name.startswith("W"))
                self.layers = [
                    (saved[f"W{i}"].astype("f"), saved[f"b{i}"].astype("f")) for i in range(count)
                ]
            self.labels = tuple(str(label) for label in saved["labels"])
        return self


def best_of_sentences(
    probs: numpy.ndarray, sentence_probs: numpy.ndarray, owner: numpy.ndarray
) -> None:
    """Raise each text's scores (in place) to its best sentence's, label by label.

    One sentence reporting a crash makes a bug report of a long review that is otherwise
    praise; on the whole text, the other sentences' words dilute it. Both classifiers (the
    head and the textcat) read a text this way, over the sentences `Embedder.sentences` keeps.
    """
    numpy.maximum.at(probs, owner, sentence_probs)


def embedding_text(words: Iterable[str]) -> str:
    """What is embedded: the tagger's lowercased tokens, so both tagging paths agree."""
    return " ".join(words)


def forward(
    layers: list[tuple[numpy.ndarray, numpy.ndarray]], x: numpy.ndarray
) -> list[numpy.ndarray]:
    """Each layer's output: ReLU after the hidden layers, a sigmoid after the last."""
    outputs = []
    for i, (w, b) in enumerate(layers):
        z = x @ w + b
        x = numpy.maximum(z, 0) if i < len(layers) - 1 else 1.0 / (1.0 + numpy.exp(-z))
        outputs.append(x)
    return outputs


def fit_network(
    x: numpy.ndarray,
    y: numpy.ndarray,
    *,
    hidden: int,
    l2: float,
    steps: int,
    rate: float = 0.01,
    seed: int = 0,
) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
    """One-vs-rest sigmoid outputs over an optional ReLU hidden layer, by full-batch Adam.

    Deterministic: the hidden layer starts from a seeded draw, the output layer at zero. With
    `hidden=0` this is a logistic regression.
    """
    rng = numpy.random.default_rng(seed)
    sizes = [x.shape[1], *([hidden] if hidden else []), y.shape[1]]
    layers = [
        (
            (rng.standard_normal((a, b)) / numpy.sqrt(a)).astype("f")
            if i < len(sizes) - 2
            else numpy.zeros((a, b), "f"),
            numpy.zeros(b, "f"),
        )
        for i, (a, b) in enumerate(pairwise(sizes))
    ]
    params = [array for layer in layers for array in layer]
    moments = [(numpy.zeros_like(p), numpy.zeros_like(p)) for p in params]
    n = len(x)
    for t in range(1, steps + 1):
        outputs = forward(layers, x)
        grad = (outputs[-1] - y) / n
        grads: list[numpy.ndarray] = []
        for i in range(len(layers) - 1, -1, -1):
            w, _ = layers[i]
            inputs = outputs[i - 1] if i else x
            grads[:0] = [inputs.T @ grad + l2 * w, grad.sum(0)]
            if i:
                grad = (grad @ w.T) * (outputs[i - 1] > 0)
        for (m, v), param, g in zip(moments, params, grads, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            param -= rate * (m / (1 - 0.9**t)) / (numpy.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return layers


@Language.factory("loopkeeper_embedding_intents", default_config={"weight": DEFAULT_WEIGHT})
def make_embedding_intents(nlp: Language, name: str, weight: float) -> EmbeddingIntents:
    return EmbeddingIntents(weight, nlp)
