"""A changed text is tagged again (issue 16, finding 2): tags are keyed by the text's version.

A Zendesk ticket updated from a mild complaint to a churn threat gets the new text's tags (and
the loop, which reads the current tags, judges it again); an unchanged item is never re-tagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import duckdb
import numpy
import pytest

from flows.stages.classified import ClassifiedColumns
from flows.stages.tagging import count_untagged, tag_items
from flows.warehouse.schema import apply_schema
from nlp import Tag
from nlp.tagger import Classified, Placeable

MILD = "The export is a bit slow"
THREAT = "Still broken after three days, we are moving to Gainsight at renewal"


class WordTagger:
    """Tags by the words of the text, as the real tagger would on these two texts."""

    version = "1.0"

    def __init__(self) -> None:
        self.seen: list[str | None] = []

    def tag(self, texts: Iterable[str | None], batch_size: int = 1000) -> Iterator[Tag]:
        for text in texts:
            self.seen.append(text)
            threat = "Gainsight" in (text or "")
            yield Tag(
                intents=("churn_risk", "competitor") if threat else ("performance",),
                intent_scores={}, intent="churn_risk" if threat else "performance",
                sentiment="negative", sentiment_score=-0.8 if threat else -0.2,
                severity="critical" if threat else "medium", product_area="exports",
                competitors=("Gainsight",) if threat else (), redacted_text=text or "",
                theme_key="exports.speed", theme_label="Exports: speed",
            )  # fmt: skip

    # The tag step's two halves (nlp.Tagger.classify_texts, then place_themes): themes are as
    # tagged.
    def classify_texts(self, texts: list[str | None]) -> Classified:
        tags = list(self.tag(texts))
        names = [(tag.theme_key, "", tag.theme_label) for tag in tags]
        return Classified(tags, names, numpy.zeros((len(texts), 2), "f"), [[] for _ in texts])

    def place_themes(self, batch: Placeable) -> list[tuple[str, str]]:
        return [(key, label) for key, _, label in batch.names]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        apply_schema(connection)
        connection.execute("create schema intermediate")
        connection.execute(
            "create table intermediate.int_feedback_items (item_id varchar, feedback_text varchar)"
        )
        connection.execute(
            "insert into intermediate.int_feedback_items values ('ticket:1', ?), ('nps:r1', 'ok')",
            [MILD],
        )
        yield connection


def tags(con: duckdb.DuckDBPyConnection, item: str) -> tuple[object, ...]:
    return con.execute(
        "select intents, severity, competitors, redacted_text, tagged_at from raw.feedback_tags"
        " where item_id = ?",
        [item],
    ).fetchall()[0]


def test_an_updated_ticket_is_tagged_again_with_its_new_words(
    con: duckdb.DuckDBPyConnection,
) -> None:
    tag_items(con, WordTagger())  # type: ignore[arg-type]
    first = tags(con, "ticket:1")
    assert first[:3] == ("performance", "medium", "")
    # The ticket is updated: staging now gives its newest text.
    con.execute(
        "update intermediate.int_feedback_items set feedback_text = ? where item_id = 'ticket:1'",
        [THREAT],
    )
    assert count_untagged(con, "1.0") == 1
    tagger = WordTagger()
    assert tag_items(con, tagger) == 1  # type: ignore[arg-type]
    assert tagger.seen == [THREAT], "only the changed item is tagged again"
    again = tags(con, "ticket:1")
    assert again[:4] == ("churn_risk;competitor", "critical", "Gainsight", THREAT)
    # One row per item and model version: the new text's tags replace the old ones; it was
    # first triaged when it was first tagged.
    assert con.execute("select count(*) from raw.feedback_tags").fetchall() == [(2,)]
    assert again[4] == first[4]


def test_an_unchanged_text_is_not_tagged_again(con: duckdb.DuckDBPyConnection) -> None:
    tag_items(con, WordTagger())  # type: ignore[arg-type]
    tagger = WordTagger()
    assert tag_items(con, tagger) == 0  # type: ignore[arg-type]
    assert count_untagged(con, "1.0") == 0


def test_tags_written_before_texts_were_kept_are_stamped_not_redone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    tag_items(con, WordTagger())  # type: ignore[arg-type]
    # A warehouse from before: tags, but no record of their texts.
    con.execute("update raw.feedback_tags set text_hash = null")
    assert count_untagged(con, "1.0") == 0
    assert con.execute("select count(text_hash) from raw.feedback_tags").fetchall() == [(2,)]


def test_a_truncated_row_completed_a_night_later_is_tagged_on_the_complete_text(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute(
        "update intermediate.int_feedback_items set feedback_text = 'Still broken after thr'"
        " where item_id = 'ticket:1'"
    )
    tag_items(con, WordTagger())  # type: ignore[arg-type]
    con.execute(
        "update intermediate.int_feedback_items set feedback_text = ? where item_id = 'ticket:1'",
        [THREAT],
    )
    tag_items(con, WordTagger())  # type: ignore[arg-type]
    assert tags(con, "ticket:1")[2] == "Gainsight"


class ThemedTagger(WordTagger):
    """Adds each item's words to its theme's label counts, as nlp.Tagger.place_themes does; a
    threat joins another theme than a slow export."""

    def classify_texts(self, texts: list[str | None]) -> Classified:
        tags = list(self.tag(texts))
        terms = [sorted({w.strip(",.").lower() for w in (t or "").split()}) for t in texts]
        return Classified(tags, [], numpy.zeros((len(texts), 2), "f"), terms)

    def place_themes(self, batch: ClassifiedColumns) -> list[tuple[str, str]]:  # type: ignore[override]
        keys = ["accounts.churn" if threat else "exports.speed" for threat in batch.competitors]
        self.themes.terms.add_many(keys, batch.terms)
        return [(key, key) for key in keys]

    def theme_label(self, key: str) -> str:
        return key


def theme_words(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    words: dict[str, dict[str, int]] = {}
    for key, term, items in con.execute(
        "select * exclude (model_version) from raw.theme_terms"
    ).fetchall():
        words.setdefault(key, {})[term] = items
    return words


@pytest.mark.parametrize("nights_between", [0, 1], ids=["next night", "a night later"])
def test_a_retagged_items_old_words_leave_its_old_theme(
    con: duckdb.DuckDBPyConnection, nights_between: int
) -> None:
    # Another slow-export item shares the theme and its word "slow".
    con.execute("insert into intermediate.int_feedback_items values ('nps:r2', 'Slow export')")
    tag_items(con, ThemedTagger())  # type: ignore[arg-type]
    before = theme_words(con)["exports.speed"]
    assert before["slow"] == 2 and before["bit"] == 1
    for _ in range(nights_between):
        tag_items(con, ThemedTagger())  # type: ignore[arg-type]  # nothing changed: no-op
    con.execute(
        "update intermediate.int_feedback_items set feedback_text = ? where item_id = 'ticket:1'",
        [THREAT],
    )
    tag_items(con, ThemedTagger())  # type: ignore[arg-type]
    after = theme_words(con)
    assert after["exports.speed"] == {"slow": 1, "export": 1, "ok": 1}  # the others' words
    assert after["accounts.churn"]["gainsight"] == 1
    # Tagged again with the same words: counted once, not twice.
    con.execute(
        "update intermediate.int_feedback_items set feedback_text = ? where item_id = 'ticket:1'",
        [THREAT + "."],
    )
    tag_items(con, ThemedTagger())  # type: ignore[arg-type]
    assert theme_words(con)["accounts.churn"]["gainsight"] == 1
