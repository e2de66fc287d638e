"""Which words can name a theme's subject, judged without a part-of-speech tagger."""

import pytest

from nlp.subjects import HEAD, MODIFIER, SKIP, role


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        pytest.param("approvals", HEAD, id="plural noun"),
        pytest.param("record", HEAD, id="noun that is also a verb"),
        pytest.param("one-tap", HEAD, id="hyphenated compound"),
        pytest.param("crashing", HEAD, id="gerund"),
        pytest.param("speed", HEAD, id="noun in -eed"),
        pytest.param("reply", HEAD, id="noun in -ly"),
        pytest.param("open", SKIP, id="verb"),
        pytest.param("uses", SKIP, id="verb, third person"),
        pytest.param("took", SKIP, id="irregular past"),
        pytest.param("froze", SKIP, id="irregular past of a fault"),
        pytest.param("hide", SKIP, id="what a request asks done"),
        pytest.param("half", SKIP, id="a quantity"),
        pytest.param("actually", SKIP, id="adverb in -ly"),
        pytest.param("overall", SKIP, id="adverb without -ly"),
        pytest.param("minute", SKIP, id="time unit"),
        pytest.param("doesnt", SKIP, id="contraction without apostrophe"),
        pytest.param("saved", MODIFIER, id="participle in -ed"),
        pytest.param("tied", MODIFIER, id="short participle in -ed"),
        pytest.param("lost", MODIFIER, id="irregular participle"),
        pytest.param("daily", MODIFIER, id="how often"),
        pytest.param("new", MODIFIER, id="adjective"),
        pytest.param("continuous", MODIFIER, id="adjective in -ous"),
        pytest.param("user-friendly", MODIFIER, id="compound adjective"),
    ],
)
def test_role_of_a_word(word: str, expected: int) -> None:
    assert role(word) == expected
