"""The warehouse's tables have one home (flows/warehouse/schema), applied once per run: a
warehouse of an older layout is upgraded in place by the next run, with every row kept."""

from __future__ import annotations

import hashlib
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
drop table raw._inbox_manifest;
drop table ops.published_night;
"""
# Each item's text hash and words, as the tag step kept them in tables of their own (rows taken
# from the tags rows that hold them now).
MOVED_TABLES_LAYOUT = """
create table raw.feedback_tag_texts (
    item_id varchar, model_version varchar, text_hash varchar, primary key (item_id, model_version)
);
insert into raw.feedback_tag_texts
select item_id, model_version, nullif(text_hash, '') from raw.feedback_tags;
create table raw.feedback_tag_terms (
    item_id varchar, model_version varchar, theme_key varchar, terms varchar[],
    primary key (item_id, model_version)
);
insert into raw.feedback_tag_terms
select item_id, model_version, theme_key, terms from raw.feedback_tags where terms is not null;
alter table raw.feedback_tags drop column text_hash;
alter table raw.feedback_tags drop column terms;
"""
OLDER_LAYOUT += MOVED_TABLES_LAYOUT
# Tables whose rows a later layout keeps on another table's rows: (that table, the column).
MOVED = {
    "raw.feedback_tag_texts": ("raw.feedback_tags", "text_hash"),
    "raw.feedback_tag_terms": ("raw.feedback_tags", "terms"),
}

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
    kept = {column for column in upgraded["old_layout"] if column[0] not in MOVED}
    assert kept < now == new_layout()
    assert not {table for table, _, _ in now} & set(MOVED)  # their rows moved: they went
    assert ("ops.outbox", "channel", "VARCHAR") in now - upgraded["old_layout"]
    assert channels == [("email",)]  # the rows from before chat took the column's default


def test_an_upgraded_warehouse_keeps_every_row_and_sends_nothing_again(
    upgraded: dict[str, Any],
) -> None:
    with open_warehouse(upgraded["warehouse"], read_only=True) as con:
        after = counts(con)
        for table, (into, column) in MOVED.items():
            after[table] = con.execute(
                f"select count(*) from {into} where {column} is not null"
            ).fetchall()[0][0]
        outbox = dict(con.execute("select message_key, status from ops.outbox").fetchall())
    assert set(MOVED) <= set(upgraded["before"])
    assert upgraded["before"]["raw.feedback_tag_texts"] > 0
    assert upgraded["before"]["raw.feedback_tag_terms"] > 0
    assert upgraded["before"] and all(
        after[table] >= rows for table, rows in upgraded["before"].items()
    )
    # Every message of the older warehouse is still there, as it was: none queued or sent again.
    assert {(key, outbox[key]) for key, _ in upgraded["outbox"]} == upgraded["outbox"]
    assert upgraded["summary"].items >= upgraded["before"]["raw.crm_accounts"] > 0


def test_kept_texts_and_words_move_onto_the_tags_and_no_item_is_tagged_again(
    tmp_path: Path,
) -> None:
    """A warehouse that kept each item's text hash and words in tables of their own has them
    moved onto its tags rows, the tables gone, and finds nothing to tag again."""
    from flows.stages.tagging import count_untagged

    path = tmp_path / "older.duckdb"
    upgrade_warehouse(path)
    with duckdb.connect(str(path)) as con:
        con.execute(MOVED_TABLES_LAYOUT)
        con.execute(
            "create schema intermediate;"
            " create table intermediate.int_feedback_items as select * from (values"
            " ('a', 'The export fails'), ('b', null), ('c', 'Written before texts were kept')"
            ") t(item_id, feedback_text);"
            " insert into raw.feedback_tags (item_id, model_version, theme_key) values"
            " ('a', '1', 'exports.bug'), ('b', '1', ''), ('c', '1', 'exports.bug');"
            " insert into raw.feedback_tag_texts values"
            " ('a', '1', md5('The export fails')), ('b', '1', null);"
            " insert into raw.feedback_tag_terms values ('a', '1', 'exports.bug', ['export'])"
        )
    added = upgrade_warehouse(path)
    assert {"raw.feedback_tags.text_hash", "raw.feedback_tags.terms"} <= set(added)
    with open_warehouse(path) as con:
        assert layout(con) == new_layout()
        rows = con.execute(
            "select item_id, text_hash, terms from raw.feedback_tags order by item_id"
        ).fetchall()
        assert rows == [
            ("a", hashlib.md5(b"The export fails").hexdigest(), ["export"]),
            ("b", "", None),  # no text: kept as ''
            ("c", None, None),  # tagged before texts were kept: stamped by the tag step
        ]
        assert count_untagged(con, "1") == 0
        assert con.execute(
            "select text_hash from raw.feedback_tags where item_id = 'c'"
        ).fetchall() == [(hashlib.md5(b"Written before texts were kept").hexdigest(),)]
