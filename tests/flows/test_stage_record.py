"""The stage build is skipped only when it would write what the warehouse already holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import duckdb
import pytest

from flows.warehouse.schema import apply_schema
from flows.warehouse.stage_record import record_stage_build, stage_is_current

TABLES = ["nps_responses", "crm_accounts"]
BUILT = datetime(2026, 11, 16)
NEXT = datetime(2026, 11, 17)


@pytest.fixture()
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse after a stage build at BUILT: two raw rows, one item, one not yet received."""
    with duckdb.connect() as con:
        apply_schema(con)
        con.execute(
            "insert into raw.nps_responses (response_id, _row_hash, _loaded_at, _file, _record)"
            " values ('r1', 'h1', '2026-11-15 02:00', 'nps/a.csv', 1),"
            " ('r2', 'h2', '2026-11-15 02:00', 'nps/a.csv', 2)"
        )
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_feedback_items_unioned as select * from (values"
            " ('nps:r1', timestamp '2026-11-14 09:00'),"
            " ('nps:r2', timestamp '2026-11-17 09:00')) as t(item_id, received_at)"
        )
        con.execute(
            "create table intermediate.int_feedback_items as select item_id,"
            " timestamp '2026-11-15 02:00' as loaded_at, 'acme' as account_id"
            " from intermediate.int_feedback_items_unioned where received_at < ?",
            [BUILT],
        )
        record_stage_build(con, TABLES, definition="d1", as_of=BUILT)
        yield con


def test_a_night_with_nothing_new_skips_the_stage_build(con: duckdb.DuckDBPyConnection) -> None:
    assert stage_is_current(con, TABLES, definition="d1", as_of=BUILT)
    # the next day's clock reaches no item yet: r2 arrives on the 17th at 09:00
    assert stage_is_current(con, TABLES, definition="d1", as_of=NEXT)


def test_an_item_the_clock_reaches_makes_it_build(con: duckdb.DuckDBPyConnection) -> None:
    assert not stage_is_current(con, TABLES, definition="d1", as_of=datetime(2026, 11, 18))


@pytest.mark.parametrize(
    "change",
    [
        # a load: a new row with this night's load time
        "insert into raw.nps_responses (response_id, _row_hash, _loaded_at, _file, _record)"
        " values ('r3', 'h3', '2026-11-16 02:00', 'nps/b.csv', 1)",
        # the gate (or anything else) deleting a row
        "delete from raw.nps_responses where response_id = 'r2'",
        # a row deleted and loaded again from another file
        "update raw.nps_responses set _file = 'nps/c.csv' where response_id = 'r2'",
        # the accounts a night matches items to
        "insert into raw.crm_accounts (account_id, _row_hash, _loaded_at, _file, _record)"
        " values ('acme', 'h9', '2026-11-16 02:00', 'accounts/a.csv', 1)",
        # a hand-run dbt build at another clock: the items are not those the build left
        "delete from intermediate.int_feedback_items",
        "update intermediate.int_feedback_items set account_id = 'globex'",
    ],
)
def test_any_change_to_what_it_reads_or_wrote_makes_it_build(
    con: duckdb.DuckDBPyConnection, change: str
) -> None:
    con.execute(change)
    assert not stage_is_current(con, TABLES, definition="d1", as_of=BUILT)


def test_another_definition_an_earlier_night_or_no_record_makes_it_build(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert not stage_is_current(con, TABLES, definition="d2", as_of=BUILT)
    assert not stage_is_current(con, TABLES, definition="d1", as_of=datetime(2026, 11, 15))
    con.execute("delete from ops.stage_build")
    assert not stage_is_current(con, TABLES, definition="d1", as_of=BUILT)


def test_a_warehouse_never_staged_builds() -> None:
    with duckdb.connect() as con:
        apply_schema(con)
        assert not stage_is_current(con, TABLES, definition="d1", as_of=BUILT)
        record_stage_build(con, TABLES, definition="d1", as_of=BUILT)  # no items table yet
        assert not stage_is_current(con, TABLES, definition="d1", as_of=BUILT)
