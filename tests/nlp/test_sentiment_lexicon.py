import pytest

from nlp.lexicon import lexicon_score


def score(text: str) -> float:
    return lexicon_score(text.lower().replace(",", " ,").split()).score


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        pytest.param("love it", 1, id="plain positive"),
        pytest.param("really slow and buggy", -1, id="plain negative"),
        pytest.param("not bad at all", 1, id="negated negative"),
        pytest.param("i ca n't say i love it", -1, id="negated love"),
        pytest.param("no complaints", 1, id="no complaints"),
        pytest.param("great tool , but slow and broken", -1, id="contrast weighs the second half"),
    ],
)
def test_lexicon_polarity(text: str, sign: int) -> None:
    assert score(text) * sign > 0


def test_negation_does_not_cross_punctuation() -> None:
    assert score("not today , great work") > 0


def test_text_without_opinion_words_scores_zero() -> None:
    result = lexicon_score(["the", "invoice", "arrived"])
    assert (result.score, result.hits) == (0.0, 0)


def test_negated_positive_is_counted_apart() -> None:
    result = lexicon_score(["i", "do", "n't", "love", "it"])
    assert (result.negated_positive, result.plain_positive) == (1, 0)
