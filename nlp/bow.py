"""The bag-of-words text classifier, with features the tagger can also compute without Docs.

spaCy's TextCatBOW hashes ORTH n-grams per Doc; this one hashes LOWER unigrams and bigrams
(a lowercase widget note then looks like the ticket it paraphrases) and can score plain token
lists: `Features` turns a batch of word lists into the same (keys, counts, lengths) input, in a
few numpy calls per batch instead of Doc objects, which is what lets tagging stream fast.
A key repeated within a text is the same as one key with its count: the layer is linear.
"""

from collections.abc import Sequence
from typing import Any

import numpy
import spacy
from spacy.attrs import LOWER
from spacy.strings import StringStore
from spacy.tokens import Doc
from thinc.api import Logistic, Model, NumpyOps, SparseLinear_v2, chain, softmax_activation
from thinc.types import Floats2d

OPS = NumpyOps()


@spacy.registry.architectures("loopkeeper.TextCatLowerBOW.v1")
def build_bow(
    exclusive_classes: bool, length: int, nO: int | None = None
) -> Model[list[Doc], Floats2d]:
    """Unigrams and bigrams of lowercased words -> one sparse linear layer -> sigmoid/softmax."""
    length = 2 ** (length - 1).bit_length()
    output = softmax_activation() if exclusive_classes else Logistic()
    scorer: Model[Any, Floats2d] = chain(SparseLinear_v2(nO=nO, length=length), output)
    model: Model[list[Doc], Floats2d] = chain(Model("lower_ngrams", _docs_forward), scorer)
    model.set_ref("scorer", scorer)
    model.attrs["multi_label"] = not exclusive_classes
    return model


def _docs_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Any, Any]:
    batch = [doc.to_array([LOWER]).ravel().astype("uint64") for doc in docs]
    return features_from_hashes(batch), lambda d_features: []


class Features:
    """Word lists -> the scorer's input, with each word's hash computed once per process."""

    def __init__(self, strings: StringStore, cache_limit: int = 500_000) -> None:
        self.strings = strings
        self.cache_limit = cache_limit
        self._hashes: dict[str, int] = {}

    def __call__(self, batch: Sequence[Sequence[str]]) -> tuple[Any, Any, Any]:
        hashes = self._hashes
        if len(hashes) > self.cache_limit:  # bounded on endless streams; never mid-batch
            hashes.clear()
        arrays = []
        for words in batch:
            for word in words:
                if word not in hashes:
                    hashes[word] = self.strings[word]
            arrays.append(numpy.fromiter((hashes[w] for w in words), "uint64", len(words)))
        return features_from_hashes(arrays)


def features_from_hashes(arrays: Sequence[Any]) -> tuple[Any, Any, Any]:
    """Per-text unigram hashes -> (keys, counts, lengths) of unigrams plus bigrams."""
    lengths = numpy.fromiter((len(a) for a in arrays), "int64", len(arrays))
    if not lengths.sum():
        empty = numpy.zeros(0, "uint64")
        return empty, numpy.zeros(0, "f"), numpy.zeros(len(arrays), "int32")
    unigrams = numpy.concatenate(arrays).astype("uint64")
    text_of = numpy.repeat(numpy.arange(len(arrays)), lengths)
    # Bigrams over the whole batch at once, then drop the ones that straddle two texts.
    bigrams = OPS.ngrams(2, unigrams) if len(unigrams) > 1 else numpy.zeros(0, "uint64")
    same_text = text_of[1:] == text_of[:-1]
    keys = numpy.concatenate([unigrams, bigrams[same_text]])
    owners = numpy.concatenate([text_of, text_of[:-1][same_text]])
    order = numpy.argsort(owners, kind="stable")
    counts = numpy.bincount(owners, minlength=len(arrays)).astype("int32")
    return keys[order], numpy.ones(len(keys), "f"), counts


def score(model: Model[list[Doc], Floats2d], features: tuple[Any, Any, Any]) -> Floats2d:
    """Run a trained classifier's scorer on precomputed features."""
    scorer: Model[Any, Floats2d] = model.get_ref("scorer")
    return scorer.predict(features)
