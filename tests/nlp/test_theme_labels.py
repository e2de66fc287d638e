"""Theme labels by class-based TF-IDF: the words that set a theme apart, once items share them."""

import pytest

from nlp.subjects import content_terms, pieces_of
from nlp.theme_labels import ThemeTerms, fill
from nlp.themes import FILLER, theme_template

# fmt: off
STOP = frozenset({
    "the", "a", "is", "to", "it", "in", "our", "we", "my", "and", "of", "on", "i", "as", "for",
    "any", "when", "too",
})
# fmt: on


def terms_of(text: str) -> list[str]:
    return content_terms(pieces_of(text), STOP, FILLER)


def label_of(texts: list[str], template: str = "Mobile app: {terms} problems") -> str:
    """The label of one theme of these texts, beside a theme of other words."""
    terms = ThemeTerms()
    for text in texts:
        terms.add("t", terms_of(text))
    for text in ["the billing page", "billing totals", "billing export"]:
        terms.add("other", terms_of(text))
    return fill(template, terms.top_terms("t"), "-")


def test_content_terms_are_words_and_adjacent_pairs_without_stop_or_opinion_words() -> None:
    # "dark" describes the mode; alone it names nothing
    assert terms_of("please add dark mode to the editor") == ["mode", "dark mode", "editor"]
    assert terms_of("love the export") == ["export"]  # praise is a feeling, not a subject


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a weekly summary instead of separate pings", ["summary", "weekly summary"],
                     id="instead of"),
        pytest.param("export to xlsx rather than csv files, and keep the headers",
                     ["export", "xlsx", "headers"], id="rather than, then more words"),
    ],
)  # fmt: skip
def test_what_a_request_asks_to_be_rid_of_names_no_subject(text: str, expected: list[str]) -> None:
    assert content_terms(pieces_of(text), STOP, FILLER, asks=True) == expected
    # in a fault report, what was expected instead is part of the subject
    assert set(expected) < set(terms_of(text))


def test_a_theme_asking_for_one_thing_instead_of_another_is_named_for_the_first() -> None:
    from nlp.tagger import Tagger

    tagger = Tagger.load()
    texts = [
        "Please send a weekly summary instead of separate pings.",
        "We need a weekly summary instead of separate pings for every comment.",
        "Could you add a weekly summary instead of separate pings?",
    ]
    tags = list(tagger.tag(texts))
    assert all(tag.intent == "feature_request" for tag in tags)
    [label] = {tagger.theme_label(tag.theme_key) for tag in tags}
    assert "weekly summary" in label and "pings" not in label, label


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        pytest.param("since the last release the widgets show zeros", "widgets", "release",
                     id="since the last release"),
        pytest.param("after the latest patch our exports fail", "exports", "patch",
                     id="after the latest patch"),
        pytest.param("since last week the pipeline board is blank", "pipeline board", "week",
                     id="since last week"),
        pytest.param("the last sync failed", "sync", "release", id="the last sync is the subject"),
    ],
)  # fmt: skip
def test_the_event_that_dates_a_report_names_no_subject(text: str, kept: str, dropped: str) -> None:
    terms = terms_of(text)
    assert kept in terms and not any(dropped in term for term in terms), terms


def test_a_describing_word_after_a_noun_is_its_verb_not_part_of_a_phrase() -> None:
    terms = terms_of("the weekly report lost half its rows")
    assert "weekly report" in terms and "rows" in terms
    assert not any("report lost" in term or "half" in term for term in terms), terms
    # before the noun it still describes it
    assert "lost rows" in terms_of("we keep finding lost rows")
    assert not any("froze" in term for term in terms_of("the calendar froze"))


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        pytest.param("Please add one-tap approvals", "one-tap approvals", id="one-tap"),
        pytest.param("we need field-level permissions", "field-level permissions", id="level"),
        pytest.param("Full-text search misses notes", "full-text search", id="full-text"),
    ],
)
def test_a_hyphenated_compound_is_one_word(text: str, compound: str) -> None:
    terms = terms_of(text)
    assert compound in terms and compound.split()[0] in terms
    # neither half of the compound is a word of its own
    halves = compound.split()[0].split("-")
    assert not any(half in term.split() for term in terms for half in halves)


def test_a_compound_names_the_theme_whole() -> None:
    texts = ["one-tap approvals please", "we need one-tap approvals", "approvals on the go"]
    assert label_of(texts, "Mobile app: {terms} requests") == (
        "Mobile app: requests for one-tap approvals"
    )
    template, said = theme_template("permissions.feature_request.permission", "Permissions")
    terms = ThemeTerms()
    for text in ["field-level permissions for contractors", "field-level permissions please"]:
        terms.add("t", terms_of(text))
    # the area's own word may end a phrase that says more than the area does
    assert fill(template, terms.top_terms("t", exclude=said), "-") == (
        "Permissions: requests for field-level permissions"
    )


def test_a_verb_or_adverb_does_not_name_a_theme_when_a_noun_is_there() -> None:
    # "open" is in every item and "record" in three: the record is what the theme is about
    texts = [
        "it crashes when I open a record",
        "crashes as I open the record",
        "open any record and it hangs",
        "I open attachments and it freezes",
    ]
    label = label_of(texts)
    assert label.startswith("Mobile app: problems with record") and "open" not in label
    # "actually" and "uses" are in every item, the slack channel in two
    texts = [
        "actually uses the slack channel",
        "it actually uses the slack channel",
        "actually uses too much",
    ]
    assert label_of(texts, "Integrations: {terms} praise") == (
        "Integrations: praise for slack channel"
    )
    # a participle describes a subject but does not end one: "key tied" names nothing
    assert "key tied" not in terms_of("the api key tied to a user")
    assert "saved searches" in terms_of("saved searches changed")
    assert "record open" not in terms_of("record open fails")


def test_two_subjects_read_as_a_list_never_as_one_phrase() -> None:
    texts = ["po numbers on invoices", "po numbers on the invoices", "invoices need po numbers"]
    assert label_of(texts, "Billing: {terms} requests") == (
        "Billing: requests for po numbers, invoices"
    )


def test_a_phrase_is_only_what_one_item_said() -> None:
    # "bigger rate" and "rate limit" come from different items: no item asked for a "bigger
    # rate limit", so the label does not say it
    texts = ["bigger rate please", "a bigger rate", "rate limit", "the rate limit"]
    label = label_of(texts, "API: {terms} requests")
    assert "bigger rate limit" not in label and label.count(",") <= 1
    # a subject line and the text under it, or two clauses, are not one phrase
    assert "broken calendar" not in terms_of("Sync broken\nCalendar view is empty")
    assert "sync calendar" not in terms_of("We use sync. Calendar is late")


def test_the_words_a_theme_shares_name_it_and_words_every_theme_uses_do_not() -> None:
    terms = ThemeTerms()
    for text in ["invoice pdf missing vat number", "vat number wrong on invoice pdf"]:
        terms.add("billing", terms_of(text))
    for text in ["invoice pdf export hangs", "invoice pdf never downloads"]:
        terms.add("exports", terms_of(text))
    assert terms.top_terms("billing") == ["vat number"]
    # "invoice" and "pdf" are in every theme: what sets exports apart is not there yet.
    assert terms.top_terms("exports") == ["invoice pdf"]


def test_a_theme_keeps_its_first_label_until_two_items_share_a_word() -> None:
    terms = ThemeTerms()
    terms.add("t", terms_of("the sync keeps failing"))
    assert terms.top_terms("t") == []
    assert fill("Sync: {terms} problems", [], "Sync: problems") == "Sync: problems"


def test_words_the_label_already_says_are_left_out() -> None:
    template, said = theme_template("exports.bug.xlsx", "Exports")
    assert template == "Exports: {terms} problems"
    terms = ThemeTerms()
    for text in ["exports of xlsx fail", "exports of xlsx fail again"]:
        terms.add("t", terms_of(text))
    # "fail" is what happens, not what to: it is no longer glued on ("xlsx fail problems")
    assert fill(template, terms.top_terms("t", exclude=said), "-") == "Exports: problems with xlsx"


def test_counts_kept_between_runs_give_the_same_labels() -> None:
    texts = ["dark mode for the editor", "editor needs a dark mode", "dark mode please"]
    one = ThemeTerms()
    for text in texts:
        one.add("ui", terms_of(text))
    kept = ThemeTerms()
    kept.add_rows(one.take_added())
    assert kept.top_terms("ui") == one.top_terms("ui") == ["dark mode", "editor"]


def test_counts_of_older_terms_cannot_name_a_theme_with_a_verb() -> None:
    # a warehouse keeps counts from before verbs were left out ("record open", "tied")
    terms = ThemeTerms()
    terms.add_rows([("t", "record open", 5), ("t", "tied", 6), ("t", "key", 3), ("t", "x", 1)])
    assert terms.top_terms("t") == ["key"]


def test_pairs_that_continue_each_other_name_the_theme_as_one_phrase() -> None:
    terms = ThemeTerms()
    for text in ["need bigger rate limit for sync", "bigger rate limit please"]:
        terms.add("api", terms_of(text))
    terms.add("other", terms_of("sync of contacts"))
    assert terms.top_terms("api") == ["bigger rate limit"]


def test_the_kind_of_feedback_is_said_as_a_product_manager_writes_it() -> None:
    template, _ = theme_template("api.feature_request.rate-limit", "API")
    assert fill(template, ["bigger rate limit"], "-") == "API: requests for bigger rate limit"
    template, _ = theme_template("mobile.performance.mobile-app", "Mobile app")
    assert fill(template, ["battery drain"], "-") == "Mobile app: speed of battery drain"
    template, _ = theme_template("exports.question.csv", "Exports")
    assert fill(template, ["filtered rows"], "-") == "Exports: questions about filtered rows"
    template, _ = theme_template("mobile.bug.mobile-app", "Mobile app")
    assert fill(template, ["offline mode", "sync"], "-") == (
        "Mobile app: problems with offline mode, sync"
    )


def test_two_forms_of_one_word_are_one_subject() -> None:
    texts = ["widgets vanish", "the widget is blank", "widget gone", "widgets missing"]
    assert label_of(texts, "Reporting: {terms} problems") == "Reporting: problems with widget"


def test_two_words_items_also_say_as_one_phrase_are_that_phrase() -> None:
    # "galaxy" alone in two items, "samsung" alone in two, "samsung galaxy" in two: the label
    # says the phrase, not the list "galaxy, samsung"
    texts = ["galaxy crash", "the galaxy", "samsung", "samsung too", "samsung galaxy s7"]
    texts.append("samsung galaxy tab")
    assert label_of(texts) == "Mobile app: problems with samsung galaxy"
