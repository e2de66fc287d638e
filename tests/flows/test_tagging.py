"""The tag step: only items the current model version has not tagged, and a new version re-tags."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import duckdb
import pytest

from flows.tagging import count_untagged, tag_items
from flows.warehouse.connection import RAW_SCHEMA
from nlp import Tag


class FakeTagger:
    """Tags every text the same way and counts what it was asked to tag."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.seen: list[str | None] = []

    def tag(self, texts: Iterable[str | None], batch_size: int = 1000) -> Iterator[Tag]:
        for text in texts:
            self.seen.append(text)
            yield Tag(
                intents=("bug",), intent_scores={"bug": 0.9}, intent="bug", sentiment="negative",
                sentiment_score=-0.5, severity="high", product_area="exports", competitors=(),
                redacted_text=text or "", theme_key="exports.xlsx", theme_label="Exports: xlsx",
            )  # fmt: skip


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        connection.execute(RAW_SCHEMA.read_text(encoding="utf-8"))
        connection.execute("create schema intermediate")
        connection.execute(
            "create table intermediate.int_feedback_items as"
            " select 'item-' || i as item_id, 'text ' || i as feedback_text from range(2500) t(i)"
        )
        yield connection


def test_everything_is_tagged_once_in_batches(con: duckdb.DuckDBPyConnection) -> None:
    tagger = FakeTagger("1.0")
    marks: list[int] = []
    assert tag_items(con, tagger, batch_size=1000, progress=marks.append) == 2500  # type: ignore[arg-type]
    assert marks == [1000, 2000, 2500]
    assert count_untagged(con, "1.0") == 0
    again = FakeTagger("1.0")
    assert tag_items(con, again) == 0  # type: ignore[arg-type]
    assert again.seen == []


def test_only_new_items_are_tagged(con: duckdb.DuckDBPyConnection) -> None:
    tag_items(con, FakeTagger("1.0"))  # type: ignore[arg-type]
    con.execute("insert into intermediate.int_feedback_items values ('late', 'a late item')")
    tagger = FakeTagger("1.0")
    assert tag_items(con, tagger) == 1  # type: ignore[arg-type]
    assert tagger.seen == ["a late item"]


def test_a_new_model_version_retags_and_keeps_the_old_tags(con: duckdb.DuckDBPyConnection) -> None:
    tag_items(con, FakeTagger("1.0"))  # type: ignore[arg-type]
    assert count_untagged(con, "2.0") == 2500
    assert tag_items(con, FakeTagger("2.0")) == 2500  # type: ignore[arg-type]
    rows = con.execute(
        "select model_version, count(*) from raw.feedback_tags group by 1 order by 1"
    ).fetchall()
    assert rows == [("1.0", 2500), ("2.0", 2500)]
