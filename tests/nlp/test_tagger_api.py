from dataclasses import replace
from pathlib import Path

import pytest

from nlp import MODEL_DIR, Tag, Tagger
from nlp.labels import INTENTS, SENTIMENTS, SEVERITIES
from nlp.redact import redact
from nlp.theme_book import ThemeBook

REPO_TAXONOMY = MODEL_DIR.parent / "taxonomy"


@pytest.fixture(scope="module")
def loaded() -> Tagger:
    return Tagger.load()


@pytest.fixture
def tagger(loaded: Tagger) -> Tagger:
    """The loaded pipeline with an empty theme book: no test sees another's themes."""
    loaded.themes = ThemeBook()
    return loaded


def tag_one(tagger: Tagger, text: str | None) -> Tag:
    return next(tagger.tag([text]))


def test_tag_fields_have_the_promised_types(tagger: Tagger) -> None:
    tag = tag_one(tagger, "The CSV export fails every night, please fix it")
    assert isinstance(tag, Tag)
    assert set(tag.intent_scores) == set(INTENTS)
    assert all(0.0 <= s <= 1.0 for s in tag.intent_scores.values())
    assert set(tag.intents) <= set(INTENTS)
    assert tag.intent == (tag.intents[0] if tag.intents else "")
    assert tag.sentiment in SENTIMENTS and -1.0 <= tag.sentiment_score <= 1.0
    assert tag.severity in SEVERITIES
    assert tag.product_area == "exports"
    assert tag.theme_key and tag.theme_label


def test_version_names_release_corpus_taxonomy_and_rules(tagger: Tagger) -> None:
    from nlp.tagger import rules_digest

    release, local = tagger.version.split("+")
    assert release == tagger.nlp.meta["version"]
    assert local.startswith(tagger.nlp.meta["corpus"]["sha256"][:8])
    # a rule change tags the warehouse's items again, as a new model or taxonomy does
    assert local.endswith(f".r{rules_digest()[:6]}")


def test_the_rules_part_of_the_version_reads_code_not_comments() -> None:
    from nlp.tagger import code_digest

    rule = 'def cap(x):\n    """Caps x."""\n    return min(x, 0.2)  # the cap\n'
    reworded = 'def cap(x):\n    """Keeps x at 0.2 or below."""\n\n    return min(x,0.2)\n'
    changed = 'def cap(x):\n    """Caps x."""\n    return min(x, 0.3)\n'
    assert code_digest([rule]) == code_digest([reworded])
    assert code_digest([rule]) != code_digest([changed])


@pytest.mark.parametrize(
    "text", [None, "", "   ", "\n"], ids=["none", "empty", "spaces", "newline"]
)
def test_blank_text_has_no_intents_and_is_neutral_and_low(tagger: Tagger, text: str | None) -> None:
    tag = tag_one(tagger, text)
    assert (tag.intents, tag.intent, tag.sentiment, tag.severity) == ((), "", "neutral", "low")
    assert tag.sentiment_score == 0.0 and set(tag.intent_scores.values()) == {0.0}
    assert (tag.theme_key, tag.theme_label) == ("", "")  # nothing to group it by


def test_tags_stream_in_input_order_across_batches(tagger: Tagger) -> None:
    texts = ["Love it", None, "Dashboards are slow", "", "How do I add an admin?"]
    streamed = list(tagger.tag(iter(texts), batch_size=2))
    assert [t.redacted_text for t in streamed] == [t or "" for t in texts]
    tagger.themes = ThemeBook()
    # A theme's label grows with the items that join it, so only the label may differ.
    one_by_one = [tag_one(tagger, t) for t in texts]
    assert [replace(t, theme_label="") for t in streamed] == [
        replace(t, theme_label="") for t in one_by_one
    ]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        pytest.param(
            "Not a bug, but it would be nice if exports kept the column order",
            "bug",
            id="not a bug",
        ),
        pytest.param("This isn't a bug, just a wish for bulk renaming", "bug", id="isn't a bug"),
        pytest.param("I can't say I love it", "praise", id="can't say I love it"),
        pytest.param(
            "Not a feature request, the export genuinely stopped",
            "feature_request",
            id="not a feature request",
        ),
        pytest.param(
            "No plans to cancel, just reviewing seats", "churn_risk", id="no plans to cancel"
        ),
        pytest.param(
            "Rock solid, not a single outage in two years", "bug", id="not a single outage"
        ),
        pytest.param("Can you add Microsoft Teams alerts?", "question", id="request as question"),
        pytest.param("Would be great to have a dark mode", "question", id="would be great"),
        pytest.param(
            "We compared you with Planhat last year and picked you", "churn_risk", id="picked you"
        ),
    ],
)
def test_negated_wording_does_not_give_the_intent(tagger: Tagger, text: str, absent: str) -> None:
    assert absent not in tag_one(tagger, text).intents


@pytest.mark.parametrize(
    ("text", "bug"),
    [
        pytest.param("How do I reset my password?", False, id="how-to about logins"),
        pytest.param("Is there a way to restore deleted contacts?", False, id="is there a way"),
        pytest.param("How do I stop the app from crashing on launch?", True, id="how-to a crash"),
        pytest.param(
            "How do I get my invoices back? They disappeared after the update",
            True,
            id="how-to, then a fault",
        ),
    ],
)
def test_a_how_to_question_reports_a_fault_only_if_it_words_one(
    tagger: Tagger, text: str, bug: bool
) -> None:
    tag = tag_one(tagger, text)
    assert "question" in tag.intents
    assert ("bug" in tag.intents) is bug


def test_negated_love_is_not_positive(tagger: Tagger) -> None:
    assert tag_one(tagger, "I can't say I love it").sentiment != "positive"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Honestly Gainsight does this better", id="sentence case"),
        pytest.param("we moved some reporting to power bi", id="lowercase two words"),
    ],
)
def test_competitor_mention_gives_competitor_intent(tagger: Tagger, text: str) -> None:
    tag = tag_one(tagger, text)
    assert "competitor" in tag.intents and tag.intent_scores["competitor"] == 1.0
    assert len(tag.competitors) == 1


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("We are not renewing next year", id="not renewing"),
        pytest.param("Our CFO wants to cancel the contract", id="cancel"),
        pytest.param("We have started to look at alternatives", id="alternatives"),
        pytest.param("The team is switching to a cheaper tool", id="switching to"),
        pytest.param("If the SSO issue isn't fixed by Friday we are out", id="conditional threat"),
        pytest.param("Our new VP wants everyone on Totango by Q3", id="everyone on a competitor"),
        pytest.param(
            "Exports keep timing out. Looking at Gainsight.", id="looking at a competitor"
        ),
    ],
)
def test_churn_wording_gives_churn_risk(tagger: Tagger, text: str) -> None:
    assert "churn_risk" in tag_one(tagger, text).intents


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        pytest.param(
            "We can't log in, all users are blocked", "critical", id="everyone locked out"
        ),
        pytest.param("We lost data after the import", "critical", id="data loss"),
        pytest.param("The app is down", "critical", id="down"),
        pytest.param("SSO setup is blocking our rollout", "high", id="blocking rollout"),
        pytest.param("Love the new dashboards, thank you!", "low", id="praise"),
    ],
)
def test_severity_follows_wording_and_intent(tagger: Tagger, text: str, severity: str) -> None:
    assert tag_one(tagger, text).severity == severity


@pytest.mark.parametrize(
    ("text", "area"),
    [
        pytest.param("The xlsx download misses the date column", "exports", id="exports"),
        pytest.param("SAML login loops on Safari", "sso", id="sso"),
        pytest.param("Push notifications arrive late", "notifications", id="notifications"),
        pytest.param("Thanks, nothing else to add", "", id="no area"),
        # A word counts once, for the longest phrase it is in: "CSV" inside "CSV importer" is
        # no exports mention, and "CSV file" is one, not two (the keyword and its variant).
        pytest.param("The CSV importer mangles phone numbers", "data_import", id="csv importer"),
        pytest.param("Importing a CSV file fails on row 3", "data_import", id="csv file import"),
        pytest.param("The CSV file we download is empty", "exports", id="csv file export"),
    ],
)
def test_product_area_comes_from_the_taxonomy_file(tagger: Tagger, text: str, area: str) -> None:
    assert tag_one(tagger, text).product_area == area


def test_team_edited_taxonomy_dir_is_used(tagger: Tagger, tmp_path: Path) -> None:
    (tmp_path / "product_areas.yml").write_text(
        "warehouse:\n"
        "  - label: Warehouse ops\n"
        "  - warehouse\n"
        "  - forklift: [forklifts, pallet jack]\n"
    )
    (tmp_path / "competitors.yml").write_text("competitors:\n  - Acme Rival\n")
    edited = Tagger.load(taxonomy_dir=tmp_path)
    tag = tag_one(edited, "The forklifts screen freezes, Acme Rival never does")
    assert (tag.product_area, tag.competitors) == ("warehouse", ("Acme Rival",))
    assert tag.theme_key.startswith("warehouse.") and ".forklift." in tag.theme_key
    assert tag.theme_label.startswith("Warehouse ops: forklift ")
    assert edited.version != tagger.version


def test_the_version_is_known_without_loading_the_pipeline(tagger: Tagger, tmp_path: Path) -> None:
    """The nightly learns that nothing needs tagging from the version alone (loading the
    pipeline takes seconds): it must be the loaded tagger's, for a team's taxonomy too."""
    from nlp.tagger import tagger_version

    assert tagger_version() == tagger.version
    (tmp_path / "product_areas.yml").write_text(
        "warehouse:\n  - label: Warehouse ops\n  - forklift\n"
    )
    (tmp_path / "competitors.yml").write_text("competitors:\n  - Acme Rival\n")
    assert tagger_version(taxonomy_dir=tmp_path) == Tagger.load(taxonomy_dir=tmp_path).version
    with pytest.raises(FileNotFoundError, match=r"meta\.json missing"):
        tagger_version(tmp_path)


def test_near_duplicates_share_a_theme(tagger: Tagger) -> None:
    texts = ["Export to Excel keeps failing", "xlsx export is broken", "can't export spreadsheets"]
    keys = {t.theme_key for t in tagger.tag(texts)}
    assert len(keys) == 1 and keys.pop().startswith("exports.bug.xlsx.")


def test_a_report_of_a_fault_never_shares_a_theme_with_a_request(tagger: Tagger) -> None:
    fault, ask = tagger.tag(["Global search shows deleted records", "Please add full-text search"])
    assert fault.theme_key != ask.theme_key


def test_different_subjects_get_different_themes(tagger: Tagger) -> None:
    keys = [t.theme_key for t in tagger.tag(["need xlsx export", "need a pdf export"])]
    assert keys[0] != keys[1]


def test_same_input_gives_same_output(tagger: Tagger) -> None:
    texts = ["Dashboards are slow and we may look at Tableau", "How do I reset my password?"]
    first = list(tagger.tag(texts))
    tagger.themes = ThemeBook()  # a new run: themes start empty again
    assert first == list(tagger.tag(texts))


def test_text_is_tagged_after_redaction(tagger: Tagger) -> None:
    tag = tag_one(tagger, "Export broken, mail me at kim@acme.example")
    assert tag.redacted_text == "Export broken, mail me at [email]"


def test_threshold_is_configurable(tagger: Tagger) -> None:
    strict = Tagger.load(threshold=0.999)
    text = "The dashboard is a bit slow and the docs are thin"
    assert len(next(strict.tag([text])).intents) < len(tag_one(tagger, text).intents)


def test_missing_model_dir_names_the_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        Tagger.load(tmp_path, taxonomy_dir=REPO_TAXONOMY)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Dashboards are painfully slow, we may look at Looker", id="churn"),
        pytest.param("Hi team,\nexport is broken!\n\nThanks,\nMaria", id="ticket"),
        pytest.param("Oh great, another outage", id="sarcasm"),
        pytest.param("How do I add an admin?", id="question"),
        pytest.param("   ", id="blank"),
    ],
)
def test_fast_path_matches_spacy_pipe(tagger: Tagger, text: str) -> None:
    doc = next(tagger.nlp.pipe([redact(text)]))
    tag = tag_one(tagger, text)
    assert (doc._.intents, doc._.intent_scores, doc._.severity) == (
        tag.intents,
        tag.intent_scores,
        tag.severity,
    )
    assert (doc._.sentiment, doc._.product_area, doc._.competitors) == (
        tag.sentiment,
        tag.product_area,
        tag.competitors,
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Oh great, another outage", id="oh great"),
        pytest.param("Fantastic, the survey went to our whole customer list again", id="opening"),
        pytest.param("Thanks for nothing, the export is still broken", id="thanks for nothing"),
    ],
)
def test_sarcasm_is_neither_praise_nor_positive(tagger: Tagger, text: str) -> None:
    tag = tag_one(tagger, text)
    assert "praise" not in tag.intents and tag.sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("How do I add a second admin?", id="how do i"),
        pytest.param("Is there a way to clone a dashboard?", id="is there a way"),
        pytest.param("quick q - can notes be shared with guests", id="no question mark"),
        pytest.param("Is SCIM on the roadmap?", id="roadmap status"),
    ],
)
def test_plain_questions_are_questions_and_not_negative(tagger: Tagger, text: str) -> None:
    tag = tag_one(tagger, text)
    assert "question" in tag.intents and tag.sentiment != "negative"


def test_long_stream_keeps_order_and_count(tagger: Tagger) -> None:
    texts = (f"export number {n} is broken" if n % 2 else f"love release {n}" for n in range(2500))
    tags = list(tagger.tag(texts, batch_size=300))
    assert len(tags) == 2500
    assert [t.redacted_text for t in tags[:2]] == ["love release 0", "export number 1 is broken"]


def test_theme_key_does_not_depend_on_the_batch(tagger: Tagger) -> None:
    text = "Can't export spreadsheets since Monday"
    alone = tag_one(tagger, text).theme_key
    batched = list(tagger.tag(["SSO login loops", text, "Love it"], batch_size=2))[1].theme_key
    assert alone == batched and alone.startswith("exports.bug.xlsx.")


def test_paraphrases_with_no_content_word_in_common_share_a_theme(tagger: Tagger) -> None:
    first, second = tagger.tag(["Excel export keeps failing", "the xlsx download never finishes"])
    assert first.theme_key == second.theme_key


def test_different_things_in_one_product_area_get_different_themes(tagger: Tagger) -> None:
    failing, columns = tagger.tag(
        ["Excel export keeps failing", "exported CSV files have the columns in the wrong order"]
    )
    assert failing.product_area == columns.product_area == "exports"
    assert failing.theme_key != columns.theme_key


@pytest.mark.parametrize(
    "text",
    [
        "Any chance of getting read receipts on shared notes?",
        "Good overall. The one thing missing is offline access for field staff.",
        "Love it. My managers keep asking me for weekly summaries by region.",
        "Happy with it. Our accountants keep asking for VAT breakdowns per line.",
        "We'd pay extra for a second sandbox environment.",
    ],
    ids=["any-chance", "one-thing-missing", "keep-asking-me", "keep-asking", "pay-extra"],
)
def test_a_wish_told_as_what_is_missing_is_a_feature_request(tagger: Tagger, text: str) -> None:
    # Untagged, such a request never hears that what it asked for shipped.
    assert "feature_request" in tag_one(tagger, text).intents


def test_a_batch_runs_blas_on_one_thread_and_gives_the_setting_back(
    tagger: Tagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenBLAS threads spin while they wait: on a batch's small products they only took the
    cores that other workers and the placing process needed."""
    from threadpoolctl import ThreadpoolController, threadpool_info

    import nlp.embed

    seen: list[int] = []
    vectors = nlp.embed.theme_vectors

    def recording(*args: object, **kwargs: object) -> object:
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return vectors(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(nlp.embed, "theme_vectors", recording)
    with ThreadpoolController().limit(limits=2, user_api="blas"):
        list(tagger.tag(["Dashboards are slow", "Please add SSO"]))
        after = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert seen and set(seen) == {1}
    assert after and set(after) == {2}
