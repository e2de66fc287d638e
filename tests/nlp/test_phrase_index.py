import os
import subprocess
import sys

import pytest

from nlp.phrases import PhraseIndex
from nlp.tokens import words_of

INDEX = PhraseIndex(
    [
        ("usability", "confusing"),
        ("usability", "hard to find"),
        ("pricing", "charge"),
        ("performance", "takes * minutes"),
        ("bug", "not a bug"),
        ("bug", "ignores"),
        ("bug", "disappears"),
        ("performance", "hanging"),
    ]
)


def labels(text: str) -> list[str]:
    return [hit.label for hit in INDEX.find(words_of(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Very confusing", ["usability"], id="one word"),
        pytest.param("settings are hard to find", ["usability"], id="phrase"),
        pytest.param("settings are hard to use", [], id="phrase prefix only"),
        pytest.param("it takes 12 minutes", ["performance"], id="wildcard"),
        pytest.param("so cofusing", ["usability"], id="dropped letter"),
        pytest.param("so confussing", ["usability"], id="added letter"),
        pytest.param("so conufsing", ["usability"], id="swapped letters"),
        pytest.param("we change plans", [], id="substitution is a different word"),
        pytest.param("it disapears", ["bug"], id="dropped letter in a long word"),
        pytest.param("please ignore that", [], id="a short word's slip is another word"),
        pytest.param("without changing it", [], id="nor is a long word one letter from a short"),
        pytest.param("this is not a bug.", ["bug"], id="phrase before punctuation"),
        pytest.param("", [], id="empty"),
    ],
)
def test_phrases_match_whole_words_and_forgive_one_slip(text: str, expected: list[str]) -> None:
    assert labels(text) == expected


def test_phrase_must_start_with_a_word() -> None:
    with pytest.raises(ValueError, match="must start with a word"):
        PhraseIndex([("x", "* minutes")])


def test_found_spans_point_at_the_words() -> None:
    words = words_of("Honestly, it takes 40 minutes.")
    (hit,) = INDEX.find(words)
    assert words[hit.start : hit.end] == ["takes", "40", "minutes"]


def test_a_slip_between_two_phrase_words_reads_the_same_in_every_process() -> None:
    # "contracts" is one letter from "contract" and from "contacts"; which one it reads as must
    # not depend on the process's string hashing, or a worker tags a text otherwise than the
    # main process.
    script = (
        "from nlp.phrases import PhraseIndex;"
        "print(PhraseIndex([('pricing', 'contract'), ('crm', 'contacts')]).correct('contracts'))"
    )
    answers = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in range(6)
    }
    assert answers == {"contacts"}


def test_a_word_far_longer_than_any_phrase_word_is_no_slip_of_one() -> None:
    """A pasted blob or a URL run together is one long 'word': it matches nothing, and looking
    for the phrase word it might be a slip of builds nothing (its one-letter deletions alone
    would be 10^12 characters here)."""
    blob = "confusing" + "x" * 1_000_000
    assert labels(f"so {blob} and confusing") == ["usability"]
    assert labels("so confusingg") == ["usability"]  # one letter more is still a slip
