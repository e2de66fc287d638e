"""int_feedback_items_tagged keeps its rows, without comparing them, when a marts build finds
what it reads as the last one left it (flows/warehouse/tagged_items_record.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from flows.warehouse import tagged_items_record as record
from flows.warehouse.dbt import DBT_PROJECT_DIR, definition, run_dbt
from flows.warehouse.schema import apply_schema

# the model, what it reads, and the baseline that says whether a build may update in place
MODELS = [
    "build",
    "--select",
    "+int_feedback_items_tagged", "+int_feedback_items_keyword_matched", "+int_item_grain_baseline",
    "--exclude", "resource_type:test", "resource_type:unit_test",
]  # fmt: skip
AS_OF = datetime(2026, 11, 10)
TAGGED = "intermediate.int_feedback_items_tagged"
MATCHED = "intermediate.int_feedback_items_keyword_matched"
# What reads or stands for the night's clock (dbt_project/macros/timestamps.sql).
CLOCK_MACROS = {"as_of", "night", "done_by_night", "done_before_night", "night_clock"}


def _build(path: Path) -> bool:
    """A marts build of ``path``; whether it kept the tagged items uncompared."""
    outcome = run_dbt(
        MODELS, warehouse=path, as_of=AS_OF, incremental=True, settle_tagged_items=True
    )
    return outcome.tagged_items_kept


def _mark_every_row(path: Path, table: str = TAGGED) -> None:
    """A row_version no build computes: a build that compares rows recomputes every one."""
    with duckdb.connect(str(path)) as con:
        con.execute(f"update {table} set row_version = 'kept as it was'")


def _marked(path: Path, table: str = TAGGED) -> int:
    with duckdb.connect(str(path)) as con:
        rows = con.execute(f"select count(*) from {table} where row_version = 'kept as it was'")
        return int(rows.fetchall()[0][0])


def test_a_build_keeps_the_rows_when_nothing_they_read_changed_and_compares_them_otherwise(
    tmp_path: Path, raw_layer: Callable[[Path], None]
) -> None:
    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    assert not _build(path)  # the first build: everything computed, what it read recorded
    with duckdb.connect(str(path)) as con:
        items = con.execute(f"select count(*) from {TAGGED}").fetchall()[0][0]
        item, intent = con.execute(
            f"select item_id, intent from {TAGGED} where is_tagged order by item_id limit 1"
        ).fetchall()[0]
    assert items > 1 and intent != "praise"

    _mark_every_row(path)
    assert _build(path)  # the same night again: nothing it reads changed
    assert _marked(path) == items

    with duckdb.connect(str(path)) as con:  # the item tagged again, as a tag step would
        con.execute(
            "update raw.feedback_tags set intents = 'praise', intent = 'praise' where item_id = ?",
            [item],
        )
    assert not _build(path)
    assert _marked(path) == 0  # compared, so every marked row computed again
    with duckdb.connect(str(path)) as con:
        assert con.execute(f"select intent from {TAGGED} where item_id = ?", [item]).fetchall() == [
            ("praise",)
        ]
        matched, versions = con.execute(
            f"select count(*), list(distinct keywords_version) from {MATCHED}"
        ).fetchall()[0]
    assert matched > 1 and len(versions) == 1

    # the roadmap matches: kept while the tagged items and the roadmap's keywords are unchanged
    _mark_every_row(path, MATCHED)
    assert _build(path)
    assert _marked(path, MATCHED) == matched
    # a new keyword, and a row lost (a build stopped half-way): every item matched again
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update raw.roadmap_items set theme_keywords = theme_keywords || ';retries'"
            " where item_id = 'RM-3'"
        )
        con.execute(f"delete from {MATCHED} where item_id = (select min(item_id) from {MATCHED})")
    assert _build(path)  # the tagged items are still as they were
    with duckdb.connect(str(path)) as con:
        assert (
            con.execute(
                f"select count(*), list(distinct keywords_version) from {MATCHED}"
            ).fetchall()[0][0]
            == matched
        )
        assert con.execute(f"select distinct keywords_version from {MATCHED}").fetchall() != [
            (versions[0],)
        ]
    assert _marked(path, MATCHED) == 0
    # only the lost row: matched again against the same keywords
    _mark_every_row(path, MATCHED)
    with duckdb.connect(str(path)) as con:
        con.execute(f"delete from {MATCHED} where item_id = (select max(item_id) from {MATCHED})")
    assert _build(path)
    assert _marked(path, MATCHED) == 0
    with duckdb.connect(str(path)) as con:
        assert con.execute(f"select count(*) from {MATCHED}").fetchall()[0][0] == matched


def test_the_record_names_the_definition_and_every_row_of_the_three_tables(
    tmp_path: Path,
) -> None:
    with duckdb.connect(str(tmp_path / "lk.duckdb")) as con:
        apply_schema(con)
        assert not record.tagged_items_settled(con, "d1")  # no table of the three yet
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_feedback_items (item_id varchar, tier varchar)")
        con.execute("insert into intermediate.int_feedback_items values ('a', 'SMB'), ('b', 'SMB')")
        con.execute("insert into raw.themes (theme_key, theme_label) values ('t', 'Exports')")
        assert not record.tagged_items_settled(con, "d1")  # nothing recorded yet
        record.record_tagged_items_build(con, definition="d1")
        assert record.tagged_items_settled(con, "d1")
        assert not record.tagged_items_settled(con, "d2")  # another definition
        # any column of any row: an account's tier changes, the counts stay
        con.execute(
            "update intermediate.int_feedback_items set tier = 'Enterprise' where item_id = 'a'"
        )
        assert not record.tagged_items_settled(con, "d1")
        record.record_tagged_items_build(con, definition="d1")
        con.execute("update raw.themes set theme_label = 'Excel exports'")
        assert not record.tagged_items_settled(con, "d1")
        record.record_tagged_items_build(con, definition="d1")
        con.execute("insert into raw.feedback_tags (item_id, model_version) values ('a', 'v1')")
        assert not record.tagged_items_settled(con, "d1")
        record.record_tagged_items_build(con, definition="d1")
        assert record.tagged_items_settled(con, "d1")
        record.forget_tagged_items_build(con)
        assert not record.tagged_items_settled(con, "d1")


def test_a_build_that_fails_leaves_no_record_behind(
    tmp_path: Path, raw_layer: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that may change the rows forgets the record first: one killed or failing before
    it records what it read cannot leave an older build's record to vouch for its rows."""
    from flows.warehouse import dbt as dbt_runner

    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    _build(path)
    with duckdb.connect(str(path)) as con:
        con.execute("update raw.feedback_tags set intent = 'praise'")

    def killed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(dbt_runner, "invoke_parsed", killed)
    with pytest.raises(KeyboardInterrupt):
        _build(path)
    with duckdb.connect(str(path)) as con:
        assert con.execute(f"select count(*) from {record.TABLE}").fetchall() == [(0,)]
        assert not record.tagged_items_settled(con, definition(DBT_PROJECT_DIR))


def test_the_model_reads_the_three_tables_and_no_clock(
    tmp_path: Path, on_project: Callable[..., Any]
) -> None:
    """What the record fingerprints is all the model reads, and it never reads the clock: so
    the same three tables under the same definition give the same rows, whatever the night."""
    manifest = on_project(tmp_path, "parse")
    nodes = {**manifest.nodes, **manifest.sources}
    tagged = manifest.nodes["model.loopkeeper.int_feedback_items_tagged"]
    staging = {parent for parent in tagged.depends_on.nodes if ".stg_" in parent}
    tables = {
        f"{nodes[parent].schema}.{nodes[parent].identifier or nodes[parent].name}"
        for view in staging
        for parent in nodes[view].depends_on.nodes
    } | {
        f"{nodes[parent].schema}.{nodes[parent].alias}"
        for parent in set(tagged.depends_on.nodes) - staging
    }
    assert tables == set(record.INPUTS)
    assert all(nodes[view].config.materialized == "view" for view in staging)

    # the macros they call, and those call, by name in their code: dbt's own record of a
    # model's macros leaves out those of a branch not taken while parsing (is_incremental())
    project = {
        macro.name: macro.macro_sql
        for macro in manifest.macros.values()
        if macro.package_name == "loopkeeper"
    }
    read = [tagged, *(nodes[view] for view in staging)]
    called: set[str] = set()
    pending = [node.raw_code for node in read]
    while pending:
        for name in set(re.findall(r"\b(\w+)\s*\(", pending.pop())) & set(project) - called:
            called.add(name)
            pending.append(project[name])
    assert {"tagged_items_settled", "arr_band", "latest_first"} <= called  # the check sees them
    assert not called & CLOCK_MACROS, sorted(called & CLOCK_MACROS)
    for code in [node.raw_code for node in read] + [project[name] for name in called]:
        # the one environment variable it reads is the flows' answer itself
        code = code.replace("env_var('LOOPKEEPER_TAGGED_ITEMS_SETTLED', '')", "")
        assert not re.search(r"run_started_at|current_(date|timestamp)|\bnow\(\)|env_var", code)

    # the builds that pass the record are those that build the model, and only they build it
    selectors = yaml.safe_load((DBT_PROJECT_DIR / "selectors.yml").read_text())["selectors"]
    listing = ("--resource-type", "model", "--output", "name")
    building = {
        selector["name"]
        for selector in selectors
        if "int_feedback_items_tagged"
        in on_project(tmp_path, "ls", "--selector", selector["name"], *listing)
    }
    assert building == set(record.BUILT_BY)
