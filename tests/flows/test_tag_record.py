"""A tag step that left every item tagged is recorded, so a night with nothing new skips hashing
every text; anything the untagged check reads moving makes it check again (flows/stages/tag_record.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import pytest

from flows.stages.tag_record import all_tagged, record_all_tagged
from flows.stages.tagging import count_untagged, tag_items
from tests.flows.test_tagging import ITEMS_SQL, FakeTagger, items_warehouse


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """300 items, every one tagged, and that recorded."""
    with items_warehouse() as connection:
        connection.execute(ITEMS_SQL.format(count=300))
        tag_items(connection, FakeTagger("1.0"))  # type: ignore[arg-type]
        record_all_tagged(connection, "1.0")
        yield connection


def test_the_record_holds_while_nothing_the_check_reads_moves(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert all_tagged(con, "1.0")
    con.execute("update raw.feedback_tags set intent = 'praise'")  # what a tag says: not read
    assert all_tagged(con, "1.0")
    assert not all_tagged(con, "2.0")  # another model version tags everything again


CHANGES: dict[str, Callable[[duckdb.DuckDBPyConnection], object]] = {
    "a new text": lambda c: c.execute(
        "update intermediate.int_feedback_items set feedback_text = 'changed'"
        " where item_id = 'item-7'"
    ),
    "a new item": lambda c: c.execute(
        "insert into intermediate.int_feedback_items values ('item-new', 'hello')"
    ),
    "a tag deleted": lambda c: c.execute("delete from raw.feedback_tags where item_id = 'item-7'"),
    "a kept text forgotten": lambda c: c.execute(
        "update raw.feedback_tags set text_hash = null where item_id = 'item-7'"
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_anything_the_untagged_check_reads_moving_makes_the_step_check_again(
    con: duckdb.DuckDBPyConnection, change: str
) -> None:
    assert count_untagged(con, "1.0") == 0
    CHANGES[change](con)
    assert not all_tagged(con, "1.0")
    # and the check it falls back on finds the work: an item to tag, or a text to stamp
    stamped = "select count(text_hash) from raw.feedback_tags"
    before = con.execute(stamped).fetchone()
    assert count_untagged(con, "1.0") == (0 if change == "a kept text forgotten" else 1)
    if change == "a kept text forgotten":
        assert con.execute(stamped).fetchone() > before
