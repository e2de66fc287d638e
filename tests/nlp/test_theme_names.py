import pytest

from nlp.themes import salient_words, theme_name

STOP = frozenset({"the", "a", "is", "to", "it", "how", "do"})


def test_salient_words_are_the_first_phrase_that_names_a_subject() -> None:
    # "calendars late" would glue words of two phrases; "late" names nothing
    words = ["please", "the", "calendars", "is", "late", "calendars", "sync"]
    assert salient_words(words, STOP, 2) == ["calendars"]
    # a verb or an adverb before the subject is left out; a compound is one word
    words = ["actually", "open", "the", "one-tap", "approvals", "screen"]
    assert salient_words(words, STOP, 2) == ["approvals", "screen"]


def test_a_request_and_a_bug_in_one_area_and_subject_start_different_buckets() -> None:
    bug = theme_name("exports", "Exports", "xlsx", "bug", [], STOP)
    ask = theme_name("exports", "Exports", "xlsx", "feature_request", [], STOP)
    assert bug[0] == "exports.bug.xlsx" and ask[0] == "exports.feature_request.xlsx"
    assert (bug[2], ask[2]) == ("Exports: xlsx problems", "Exports: xlsx requests")


def test_theme_without_area_is_named_by_its_first_content_words() -> None:
    bucket, word, label = theme_name(
        "", "", "", "question", ["how", "do", "calendars", "sync"], STOP
    )
    assert (bucket, word, label) == (
        "other.question",
        "calendars-sync",
        "Questions: calendars sync",
    )


def test_praise_without_area_is_not_named_by_a_fragment() -> None:
    assert theme_name("", "", "", "praise", ["big", "fan", "best", "tool"], STOP) == (
        "other.praise",
        "",
        "Other: praise",
    )


def test_blank_text_has_a_general_theme() -> None:
    assert theme_name("", "", "", "", [], STOP) == ("other.general", "", "Other: general feedback")


@pytest.mark.parametrize(
    ("keyword", "generic"),
    [
        pytest.param("onboarding", "", id="keyword is the area name"),
        pytest.param("setup", "setup", id="keyword is the area's generic word"),
    ],
)
def test_keyword_that_only_names_the_area_is_left_out_of_the_label(
    keyword: str, generic: str
) -> None:
    _, _, label = theme_name("onboarding", "Onboarding", keyword, "usability", [], STOP, generic)
    assert label == "Onboarding: ease of use"
