import numpy
import spacy
from spacy.attrs import LOWER
from spacy.vocab import Vocab

from nlp.bow import Features, features_from_hashes
from nlp.tokenizer import RegexTokenizer
from nlp.tokens import words_of


def test_features_of_words_equal_features_of_docs() -> None:
    vocab = spacy.blank("en").vocab  # an English vocab computes LOWER, as the pipeline's does
    texts = ["Export is BROKEN, can't log in", "", "love it", "Can??t save. Please??: help"]
    docs = [RegexTokenizer(vocab)(text) for text in texts]
    from_docs = features_from_hashes([d.to_array([LOWER]).ravel() for d in docs])
    from_words = Features(vocab.strings)([words_of(text) for text in texts])
    for a, b in zip(from_docs, from_words, strict=True):
        assert numpy.array_equal(a, b)


def test_each_text_gets_its_unigrams_and_bigrams() -> None:
    keys, counts, lengths = Features(Vocab().strings)([["a", "b", "c"], ["d"], []])
    assert lengths.tolist() == [5, 1, 0] and len(keys) == len(counts) == 6


def test_a_full_cache_is_emptied_between_batches_not_within_one() -> None:
    features = Features(Vocab().strings, cache_limit=3)
    batch = [[f"word{n}" for n in range(10)]]
    first = features(batch)
    assert numpy.array_equal(features(batch)[0], first[0])
