"""The warehouse's tables have one home (flows/warehouse/schema), applied once per run: a
warehouse of an older layout is upgraded in place by the next run, with every row kept."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.warehouse import schema
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import SchemaError, apply_schema, upgrade_warehouse

# What a warehouse written before these columns and tables existed lacks: the columns later
# releases added with `add column if not exists`, and tables that came with later features.
OLDER_LAYOUT = """
alter table raw.nps_responses drop column ces_score;
alter table raw.nps_responses drop column csat_score;
alter table ops.outbox drop column theme_key;
alter table ops.outbox drop column channel;
alter table ops.risk_signals drop column alerted_by;
alter table ops.closed_loop_matches drop column scored_on;
drop table raw._gate_holds;
drop table raw.feedback_tag_texts;
drop table raw._inbox_manifest;
drop table ops.published_night;
"""

NEXT_NIGHT = date(2026, 11, 17)  # the night after the shared night build (tests/flows/conftest.py)

LAYOUT_SQL = """
select table_schema || '.' || table_name, column_name, data_type
from information_schema.columns
where table_schema in ('raw', 'ops') and table_catalog = current_database()
"""


def layout(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    return set(con.execute(LAYOUT_SQL).fetchall())


def new_layout() -> set[tuple[str, str, str]]:
    with duckdb.connect() as con:
        apply_schema(con)
        return layout(con)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = {table for table, _, _ in layout(con)}
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in sorted(tables)}


def test_a_new_warehouse_gets_every_table_and_a_second_application_adds_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.duckdb"
    added = upgrade_warehouse(path)

    assert {"raw.nps_responses", "ops.outbox", "ops.risk_signals", "ops.published_night"} <= set(
        added
    )
    assert upgrade_warehouse(path) == []
    with open_warehouse(path, read_only=True) as con:
        assert layout(con) == new_layout()


def test_connections_a_run_opens_for_its_steps_create_no_table(tmp_path: Path) -> None:
    with open_warehouse(tmp_path / "w.duckdb") as con:
        assert layout(con) == set()


def test_a_schema_file_that_fails_is_named_and_leaves_the_warehouse_as_it_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        # Something of the outbox's name that is not the outbox (a hand-made view, say).
        con.execute("create schema ops; create view ops.outbox as select 1 as message_key")

    with pytest.raises(SchemaError, match=r"^ops_outbox\.sql: `alter table ops\.outbox add column"):
        upgrade_warehouse(path)

    with open_warehouse(path, read_only=True) as con:
        # ops_loop.sql and ops_night.sql ran before ops_outbox.sql: rolled back with it.
        assert layout(con) == {("ops.outbox", "message_key", "INTEGER")}


@pytest.fixture(scope="module")
def upgraded(
    night: tuple[Any, ...], tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> dict[str, Any]:
    """The night's published warehouse taken back to an older layout, then the next night run
    on it (its first run after the upgrade), counting how often the schema is applied."""
    from flows.nightly import nightly

    root = tmp_path_factory.mktemp("older-layout")
    warehouse = root / "wh" / "lk.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(night[1]["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(OLDER_LAYOUT)
        before = counts(con)
        old_layout = layout(con)
        outbox = set(con.execute("select message_key, status from ops.outbox").fetchall())

    applied: list[int] = []
    files = schema.schema_files

    def counted() -> list[Path]:
        applied.append(1)
        return files()

    with pytest.MonkeyPatch.context() as patch:
        # Every application of the schema reads the list of its files once.
        patch.setattr(schema, "schema_files", counted)
        summary = nightly(
            run_date=NEXT_NIGHT,
            inbox=night[1]["inbox"],
            warehouse=warehouse,
            mail_dir=root / "mail",
        )
    return {
        "warehouse": warehouse,
        "before": before,
        "old_layout": old_layout,
        "outbox": outbox,
        "applied": len(applied),
        "summary": summary,
    }


def test_a_run_applies_the_schema_once(upgraded: dict[str, Any]) -> None:
    assert upgraded["applied"] == 1


def test_an_older_warehouse_is_upgraded_in_place_by_its_next_run(upgraded: dict[str, Any]) -> None:
    with open_warehouse(upgraded["warehouse"], read_only=True) as con:
        now = layout(con)
        channels = con.execute("select distinct channel from ops.outbox").fetchall()
    assert upgraded["old_layout"] < now == new_layout()
    assert ("ops.outbox", "channel", "VARCHAR") in now - upgraded["old_layout"]
    assert channels == [("email",)]  # the rows from before chat took the column's default


def test_an_upgraded_warehouse_keeps_every_row_and_sends_nothing_again(
    upgraded: dict[str, Any],
) -> None:
    with open_warehouse(upgraded["warehouse"], read_only=True) as con:
        after = counts(con)
        outbox = dict(con.execute("select message_key, status from ops.outbox").fetchall())
    assert upgraded["before"] and all(
        after[table] >= rows for table, rows in upgraded["before"].items()
    )
    # Every message of the older warehouse is still there, as it was: none queued or sent again.
    assert {(key, outbox[key]) for key, _ in upgraded["outbox"]} == upgraded["outbox"]
    assert upgraded["summary"].items >= upgraded["before"]["raw.crm_accounts"] > 0
