"""Sentence embeddings for intents: a long text is read sentence by sentence as well as whole."""

import numpy
import pytest

from nlp.embed import THEME_DIM, Embedder, theme_vectors
from nlp.embedding_intents import EmbeddingIntents
from nlp.labels import INTENTS
from nlp.tokens import words_of


@pytest.fixture(scope="module")
def embed() -> Embedder:
    return Embedder.load()


def test_a_text_vector_is_the_same_read_whole_or_by_sentence(embed: Embedder) -> None:
    texts = ["Love the app. The export crashes every time I open it!", "slow sync", ""]
    words = [words_of(t) for t in texts]
    by_sentence = embed.sentences(words).texts
    whole = embed([" ".join(w) for w in words])
    assert numpy.allclose(by_sentence, whole, atol=1e-5)


def test_only_texts_with_two_full_sentences_have_sentences(embed: Embedder) -> None:
    texts = [
        "Great app, five stars.",  # one sentence
        "Hi. Thanks! The export is broken.",  # the greetings are too short to count
        "I use it daily for work. Since the update it crashes on start. Please fix!",
    ]
    embedded = embed.sentences([words_of(t) for t in texts])
    assert embedded.owner.tolist() == [2, 2]
    assert numpy.allclose(numpy.linalg.norm(embedded.sentences, axis=1), 1.0, atol=1e-5)


def test_themes_compare_the_leading_dimensions_normalised_again(embed: Embedder) -> None:
    vectors = theme_vectors(embed(["the export never finishes", ""]))
    assert vectors.shape == (2, THEME_DIM)
    assert abs(float(numpy.linalg.norm(vectors[0])) - 1) < 1e-5
    assert not vectors[1].any()


def test_a_text_scores_an_intent_by_its_best_sentence(embed: Embedder) -> None:
    # A head that reads only one direction of the space: the crash sentence scores high on
    # "bug", the praise around it low, and the long text keeps the sentence's score.
    crash = embed(["it crashes every time i open it"])[0]
    head = EmbeddingIntents()
    weights = numpy.zeros((crash.shape[0], len(INTENTS)), "f")
    weights[:, INTENTS.index("bug")] = crash
    head.layers = [(weights, numpy.zeros(len(INTENTS), "f"))]
    text = "I really love this lovely app and use it daily. It crashes every time I open it."
    embedded = embed.sentences([words_of(text)])
    whole = head.probabilities(embedded.texts)[0]
    best = head.text_probabilities(embedded)[0]
    bug = INTENTS.index("bug")
    assert best[bug] > whole[bug]
    assert best[bug] == pytest.approx(head.probabilities(embedded.sentences).max(axis=0)[bug])
