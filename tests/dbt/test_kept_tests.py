"""The nightly's builds run their data tests from the SQL the first build kept
(flows.warehouse.data_tests): the same verdicts and messages as dbt's own test nodes."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.warehouse import data_tests
from flows.warehouse.dbt import DbtError, DbtOutcome, forget_parsed_projects, run_dbt

AS_OF = datetime(2026, 11, 9)

PROFILE = """
loopkeeper:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('LOOPKEEPER_WAREHOUSE') }}"
      threads: 2
      settings:
        TimeZone: UTC
"""

PROJECT = """
name: kept
version: "1.0"
profile: loopkeeper
config-version: 2
model-paths: ["models"]
"""

MODELS = """
version: 2
sources:
  - name: raw
    tables:
      - name: accounts
models:
  - name: accounts
    columns:
      - name: account_id
        data_tests: [unique, not_null]
      - name: tier
        data_tests:
          - accepted_values:
              arguments:
                values: ["Enterprise", "SMB"]
              config:
                severity: warn
  - name: big_accounts
    columns:
      - name: account_id
        data_tests: [not_null]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "profiles.yml").write_text(PROFILE)
    (root / "dbt_project.yml").write_text(PROJECT)
    (root / "models" / "models.yml").write_text(MODELS)
    (root / "models" / "accounts.sql").write_text("select * from {{ source('raw', 'accounts') }}")
    (root / "models" / "big_accounts.sql").write_text(
        "select * from {{ ref('accounts') }} where tier = 'Enterprise'"
    )
    return root


def _warehouse(tmp_path: Path, rows: list[tuple[str | None, str]]) -> Path:
    path = tmp_path / "wh" / "kept.duckdb"
    path.parent.mkdir(exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        con.execute("create or replace table raw.accounts (account_id varchar, tier varchar)")
        con.executemany("insert into raw.accounts values (?, ?)", rows)
    return path


def _build(warehouse: Path, project: Path, *, kept: bool, **options: Any) -> DbtOutcome:
    return run_dbt(
        ["build"], warehouse=warehouse, as_of=AS_OF, project_dir=project, kept_tests=kept, **options
    )


def _test_nodes_dbt_ran(warehouse: Path) -> int:
    """Test nodes in dbt's log of its last invocation."""
    log = (warehouse.parent / ".dbt" / "logs" / "dbt.log").read_text()
    last = log.rsplit("Running with dbt=", 1)[-1]
    return sum(
        " PASS " in line or " WARN " in line or " FAIL " in line for line in last.splitlines()
    )


def test_the_first_build_keeps_its_tests_and_later_builds_run_them_with_the_same_verdicts(
    tmp_path: Path, project: Path
) -> None:
    warehouse = _warehouse(tmp_path, [("A", "Enterprise"), ("B", "SMB")])
    first = _build(warehouse, project, kept=True)
    assert _test_nodes_dbt_ran(warehouse) == 4
    kept = list((warehouse.parent / ".dbt" / data_tests.FOLDER).glob("*.json"))
    assert len(kept) == 1
    assert {t["name"] for t in json.loads(kept[0].read_text())["tests"]} == {
        "unique_accounts_account_id",
        "not_null_accounts_account_id",
        "accepted_values_accounts_tier__Enterprise__SMB",
        "not_null_big_accounts_account_id",
    }

    second = _build(warehouse, project, kept=True)
    assert _test_nodes_dbt_ran(warehouse) == 0  # the models only: the tests ran from their SQL
    assert (second.passed, second.warned) == (first.passed, first.warned) == (6, 0)


def test_the_incremental_nights_run_the_tests_the_first_night_kept(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The item-grain pass (a first night's full build, then incremental ones) is not part of
    the kept tests' key: the second night runs them from their SQL, not as dbt nodes."""
    import flows.warehouse.dbt as dbt_runner

    warehouse = _warehouse(tmp_path, [("A", "Enterprise"), ("B", "SMB")])
    first = _build(warehouse, project, kept=True)  # no build to follow: the full pass
    monkeypatch.setattr(dbt_runner, "follows_last_build", lambda *args, **kwargs: True)
    seen: list[str] = []
    invoke = dbt_runner.invoke_parsed

    def invoked(runner, command, options, key, cache):  # type: ignore[no-untyped-def]
        seen.append(os.environ["LOOPKEEPER_MARTS_PASS"])
        return invoke(runner, command, options, key, cache)

    monkeypatch.setattr(dbt_runner, "invoke_parsed", invoked)
    second = _build(warehouse, project, kept=True, incremental=True)
    assert seen == ["incremental"]
    assert _test_nodes_dbt_ran(warehouse) == 0
    assert (second.passed, second.warned) == (first.passed, first.warned) == (6, 0)


def test_no_test_of_the_project_reads_the_item_grain_pass() -> None:
    """What lets both passes share their kept tests: the pass reaches the item-grain models
    (their configs and SQL) and nothing else, so no test compiles differently under it."""
    from flows.warehouse.dbt import DBT_PROJECT_DIR

    readers = {
        path.relative_to(DBT_PROJECT_DIR).as_posix()
        for path in DBT_PROJECT_DIR.rglob("*")
        if path.suffix in {".sql", ".yml"}
        and ("incremental_pass(" in (text := path.read_text()) or "MARTS_PASS" in text)
    }
    assert readers, "the pass is read somewhere: the scan is looking at the wrong files"
    assert "macros/item_grain.sql" in readers
    assert all(r == "macros/item_grain.sql" or r.startswith("models/") for r in readers), readers
    assert not any(r.endswith(".yml") for r in readers), readers
    item_grain = (DBT_PROJECT_DIR / "macros" / "item_grain.sql").read_text()
    assert "{% test" not in item_grain and "{%- test" not in item_grain
    singular = DBT_PROJECT_DIR / "tests"
    assert not singular.exists() or not any(
        "item_grain" in path.read_text() for path in singular.rglob("*.sql")
    )


def test_a_kept_test_warns_and_fails_as_dbt_says_it_does(tmp_path: Path, project: Path) -> None:
    warehouse = _warehouse(tmp_path, [("A", "Enterprise"), ("B", "SMB")])
    _build(warehouse, project, kept=True)
    with duckdb.connect(str(warehouse)) as con:  # a new tier (warn), then a repeated key (fail)
        con.execute("insert into raw.accounts values ('C', 'Startup')")
    warned = _build(warehouse, project, kept=True)
    assert (warned.passed, warned.warned) == (5, 1)
    assert _build(warehouse, project, kept=False).warned == 1  # dbt's own verdict

    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into raw.accounts values ('A', 'SMB'), ('A', 'SMB')")
    with pytest.raises(DbtError) as ours:
        _build(warehouse, project, kept=True)
    with pytest.raises(DbtError) as dbts:
        _build(warehouse, project, kept=False)
    expected = "unique_accounts_account_id: Got 1 result, configured to fail if != 0"
    assert expected in str(ours.value)
    assert expected in str(dbts.value)


def test_a_failing_build_keeps_nothing_and_a_test_on_the_clock_is_never_kept(
    tmp_path: Path, project: Path
) -> None:
    warehouse = _warehouse(tmp_path, [("A", "Enterprise"), ("A", "SMB")])
    with pytest.raises(DbtError, match="unique_accounts_account_id"):
        _build(warehouse, project, kept=True)
    assert not list((warehouse.parent / ".dbt").glob(f"{data_tests.FOLDER}/*.json"))

    # a singular test that reads the night's clock would be judged at the first night's moment
    (project / "tests").mkdir()
    (project / "tests" / "received_before_now.sql").write_text(
        "select * from {{ ref('accounts') }}"
        " where '{{ env_var('LOOPKEEPER_AS_OF') }}' < '2000-01-01'"
    )
    warehouse = _warehouse(tmp_path, [("A", "Enterprise"), ("B", "SMB")])
    _build(warehouse, project, kept=True)
    assert not list((warehouse.parent / ".dbt").glob(f"{data_tests.FOLDER}/*.json"))
    _build(warehouse, project, kept=True)
    assert _test_nodes_dbt_ran(warehouse) == 5  # dbt ran them all again


def test_a_kept_test_that_no_longer_runs_fails_the_build_by_name_and_is_kept_no_more(
    tmp_path: Path, project: Path
) -> None:
    warehouse = _warehouse(tmp_path, [("A", "Enterprise"), ("B", "SMB")])
    _build(warehouse, project, kept=True)
    (kept,) = (warehouse.parent / ".dbt" / data_tests.FOLDER).glob("*.json")
    stored = json.loads(kept.read_text())
    broken = next(t for t in stored["tests"] if t["name"] == "not_null_big_accounts_account_id")
    broken["sql"] = broken["sql"].replace("account_id", "no_such_column")
    kept.write_text(json.dumps(stored))

    with pytest.raises(DbtError, match=r"not_null_big_accounts_account_id: .*no_such_column"):
        _build(warehouse, project, kept=True)
    assert not kept.exists()
    assert _build(warehouse, project, kept=True).passed == 6  # dbt ran them again, and kept them
    assert _test_nodes_dbt_ran(warehouse) == 4 and kept.exists()


def test_warehouses_sharing_a_cache_folder_share_the_parse_and_the_kept_tests(
    tmp_path: Path, project: Path
) -> None:
    """``dbt_cache_dir``: a warehouse in a new folder, in a new process, neither parses the
    project nor runs its tests as dbt nodes when another warehouse built it already."""
    cache = tmp_path / "cache"
    rows = [("A", "Enterprise"), ("B", "SMB")]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = _warehouse(tmp_path / "a", rows), _warehouse(tmp_path / "b", rows)

    def build(warehouse: Path) -> DbtOutcome:
        return _build(warehouse, project, kept=True, cache_dir=cache)

    built = build(first)
    assert _test_nodes_dbt_ran(first) == 4
    assert len(list((cache / data_tests.FOLDER).glob("*.json"))) == 1
    assert not (first.parent / ".dbt" / data_tests.FOLDER).exists()

    forget_parsed_projects()  # as a new process starts
    again = build(second)
    log = (second.parent / ".dbt" / "logs" / "dbt.log").read_text()
    assert log.count("Running with dbt=") == 1  # the build alone: no parse
    assert _test_nodes_dbt_ran(second) == 0
    assert (again.passed, again.warned) == (built.passed, built.warned) == (6, 0)


def test_kept_files_are_pruned_by_last_use_and_an_unwritable_folder_only_keeps_nothing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "kept"
    for n in range(3):
        assert data_tests.write_kept(folder / f"{n}.json", b"%d" % n, 3)
        os.utime(folder / f"{n}.json", (1_000 + n, 1_000 + n))  # written in this order
    assert data_tests.read_kept(folder / "0.json") == b"0"  # the oldest, in use again
    assert data_tests.write_kept(folder / "3.json", b"3", 3)
    assert sorted(p.name for p in folder.glob("*.json")) == ["0.json", "2.json", "3.json"]
    assert data_tests.read_kept(folder / "1.json") is None

    (tmp_path / "a-file").write_text("")  # a folder that cannot be made: nothing raised
    assert not data_tests.write_kept(tmp_path / "a-file" / "4.json", b"4", 3)
    assert not list(tmp_path.rglob("*.partial"))
