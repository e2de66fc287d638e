"""Theme labels by class-based TF-IDF: the words that set a theme apart, once items share them."""

from nlp.theme_labels import ThemeTerms, content_terms, fill
from nlp.themes import FILLER, theme_template

STOP = frozenset({"the", "a", "is", "to", "it", "in", "our", "we", "my", "and", "of", "on"})


def terms_of(text: str) -> list[str]:
    return content_terms(text.lower().split(), STOP, FILLER)


def test_content_terms_are_words_and_adjacent_pairs_without_stop_or_opinion_words() -> None:
    assert terms_of("please add dark mode to the editor") == [
        "dark",
        "mode",
        "editor",
        "dark mode",
    ]
    assert terms_of("love the export") == ["export"]  # praise is a feeling, not a subject


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
    assert fill(template, terms.top_terms("t", exclude=said), "-") == "Exports: xlsx fail problems"


def test_counts_kept_between_runs_give_the_same_labels() -> None:
    texts = ["dark mode for the editor", "editor needs a dark mode", "dark mode please"]
    one = ThemeTerms()
    for text in texts:
        one.add("ui", terms_of(text))
    kept = ThemeTerms()
    kept.add_rows(one.take_added())
    assert kept.top_terms("ui") == one.top_terms("ui") == ["dark mode"]


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
