import pytest

from nlp.themes import lemma, salient_lemma, theme_for

STOP = frozenset({"the", "a", "is", "to", "it"})


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        pytest.param("dashboards", "dashboard", id="plural"),
        pytest.param("queries", "query", id="ies plural"),
        pytest.param("logged", "log", id="doubled consonant past"),
        pytest.param("exporting", "export", id="gerund"),
        pytest.param("status", "status", id="us ending kept"),
        pytest.param("access", "access", id="ss ending kept"),
    ],
)
def test_lemma_strips_common_inflections(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_salient_lemma_skips_stop_and_filler_words() -> None:
    assert salient_lemma(["please", "the", "calendars", "is", "late"], STOP) == "calendar"


def test_area_theme_uses_keyword_and_ignores_non_praise_intent() -> None:
    bug = theme_for("exports", "Exports", "xlsx", "bug", [], STOP)
    ask = theme_for("exports", "Exports", "xlsx", "feature_request", [], STOP)
    assert bug == ask and (bug.key, bug.label) == ("exports.xlsx", "Exports: xlsx")


def test_praise_gets_its_own_theme() -> None:
    theme = theme_for("exports", "Exports", "scheduled export", "praise", [], STOP)
    assert (theme.key, theme.label) == (
        "exports.scheduled-export.praise",
        "Exports: scheduled export (praise)",
    )


def test_theme_without_area_falls_back_to_intent_and_lemma() -> None:
    theme = theme_for(
        "", "", "", "question", ["how", "do", "calendars", "work"], STOP | {"how", "do"}
    )
    assert (theme.key, theme.label) == ("other.question.calendar", "Other: question (calendar)")


def test_theme_for_blank_text() -> None:
    assert theme_for("", "", "", "", [], STOP).key == "other.general"


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
    theme = theme_for("onboarding", "Onboarding", keyword, "usability", [], STOP, generic)
    assert (theme.key, theme.label) == (f"onboarding.{keyword}", "Onboarding")
