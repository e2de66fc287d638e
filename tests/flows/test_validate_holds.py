"""The critical validation gate holds until the data is fixed (issue 16, finding 3).

A night whose rows fail a critical expectation is held: a re-run checks those rows again and
fails the same way, saying which rows and since when, until a corrected export replaces them or
a person sets them aside with `loopkeeper quarantine`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.commands.cli import app
from flows.settings.config import Settings
from flows.sources import SOURCES
from flows.sources.loader import load_source
from flows.stages.validate import GateFailed, failure, gate, gated_tables
from flows.warehouse.connection import open_warehouse
from flows.warehouse.publish import work_path
from flows.warehouse.schema import apply_schema

HEADER = "Account ID,Account Name,Tier,ARR\n"
NIGHTS = [datetime(2026, 12, day, 3, 0) for day in (3, 4, 5, 6)]


@pytest.fixture
def held(tmp_path: Path) -> Settings:
    """An accounts export with an ARR of 20 billion, loaded and turned down by the gate."""
    (tmp_path / "inbox" / "accounts").mkdir(parents=True)
    (tmp_path / "inbox" / "accounts" / "accounts.csv").write_text(
        HEADER + "a1,Acme,SMB,100\na2,Globex,Enterprise,20000000000\n"
    )
    published = tmp_path / "lk.duckdb"
    settings = Settings(inbox=tmp_path / "inbox", warehouse=work_path(published))
    assert "rows: accounts/accounts.csv record 2" in first_failure(settings, NIGHTS[0])
    return settings


def night(settings: Settings, at: datetime) -> None:
    """What the nightly's extract and validate tasks do: load every source, then the gate
    (into a warehouse the run has applied the schema to)."""
    with open_warehouse(settings.warehouse) as con:
        apply_schema(con)
        for source in SOURCES:
            load_source(con, settings.inbox, source, loaded_at=at)
        report = gate(con, gated_tables(SOURCES), at)
    if stop := failure(report):
        raise stop


def first_failure(settings: Settings, at: datetime) -> str:
    with pytest.raises(GateFailed) as failed:
        night(settings, at)
    return str(failed.value)


def test_a_critical_failure_names_the_rows_and_how_to_fix_them(tmp_path: Path) -> None:
    (tmp_path / "inbox" / "accounts").mkdir(parents=True)
    (tmp_path / "inbox" / "accounts" / "accounts.csv").write_text(
        HEADER + "a1,Acme,SMB,100\na2,Globex,Enterprise,20000000000\n"
    )
    settings = Settings(inbox=tmp_path / "inbox", warehouse=tmp_path / "w.duckdb")
    # Through the task's own code path, without its Prefect logger: the gate's functions.
    from flows.stages.validate import gate_batches, hold_or_release, run_gate

    with open_warehouse(settings.warehouse) as con:
        apply_schema(con)
        load_source(con, settings.inbox, SOURCES[0], loaded_at=NIGHTS[0])
        report = run_gate(gate_batches(con, gated_tables(SOURCES), NIGHTS[0]))
        hold_or_release(con, report, NIGHTS[0])
        holds = con.execute("select source_table, loaded_at from raw._gate_holds").fetchall()
    [finding] = report.critical
    assert finding.rows == (("accounts/accounts.csv", 2),)
    assert "crm_accounts.arr_value" in finding.line()
    assert "rows: accounts/accounts.csv record 2" in finding.line()
    assert holds == [("crm_accounts", NIGHTS[0])]


def test_a_rerun_after_a_critical_failure_fails_the_same_way_and_says_why(held: Settings) -> None:
    again = first_failure(held, NIGHTS[1])
    assert "crm_accounts.arr_value: expect_column_values_to_be_between" in again
    assert "rows: accounts/accounts.csv record 2" in again
    assert "held since 2026-12-03 03:00 UTC" in again
    assert "loopkeeper quarantine FILE --record N --reason TEXT" in again
    # And the night after, still: nothing was fixed.
    assert "held since 2026-12-03 03:00 UTC" in first_failure(held, NIGHTS[2])


def test_a_corrected_export_releases_the_hold(held: Settings) -> None:
    (held.inbox / "accounts" / "accounts-fixed.csv").write_text(
        HEADER + "a1,Acme,SMB,100\na2,Globex,Enterprise,200000\n"
    )
    night(held, NIGHTS[1])  # the newer version of a2 replaces the held one: the gate passes
    night(held, NIGHTS[2])
    with open_warehouse(held.warehouse) as con:
        assert con.execute("select count(*) from raw._gate_holds").fetchall() == [(0,)]


def test_setting_the_held_rows_aside_releases_the_hold(held: Settings) -> None:
    published = held.warehouse.parent.parent / held.warehouse.name
    result = CliRunner().invoke(
        app,
        [
            "quarantine",
            "accounts/accounts.csv",
            "--record",
            "2",
            "--reason",
            "ARR typed in cents; CRM fixed by Dana",
            "--warehouse",
            str(published),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "set aside 1 row(s) of accounts/accounts.csv" in result.output
    night(held, NIGHTS[1])
    with open_warehouse(held.warehouse) as con:
        assert con.execute("select account_id from raw.crm_accounts").fetchall() == [("a1",)]
        [(record, reason, content)] = con.execute(
            "select record, reason, content from raw._quarantine"
        ).fetchall()
    assert (record, reason) == (2, "set aside by hand: ARR typed in cents; CRM fixed by Dana")
    assert '"arr": "20000000000"' in content


def test_setting_rows_aside_waits_for_a_run_on_the_warehouse_whatever_its_work_dir(
    held: Settings, tmp_path: Path
) -> None:
    from flows.warehouse.publish import run_lock

    published = held.warehouse.parent.parent / held.warehouse.name
    with run_lock(tmp_path / "other-work" / published.name, published):
        result = CliRunner().invoke(
            app,
            ["quarantine", "accounts/accounts.csv", "--reason", "r", "--warehouse", str(published)],
        )
    assert result.exit_code == 1
    assert "another nightly or backfill is writing" in result.output
    with open_warehouse(held.warehouse) as con:
        assert con.execute("select count(*) from raw._quarantine").fetchall() == [(0,)]


def test_quarantine_names_what_it_could_not_find(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "lk.duckdb")
    unknown = CliRunner().invoke(
        app, ["quarantine", "x.csv", "--reason", "r", "--warehouse", warehouse]
    )
    assert unknown.exit_code == 1 and "not `<source folder>/<name>`" in unknown.output
    missing = CliRunner().invoke(
        app,
        ["quarantine", "nps/none.csv", "--record", "3", "--reason", "r", "--warehouse", warehouse],
    )
    assert missing.exit_code == 1
    assert "no rows of nps/none.csv records 3 in raw.nps_responses" in missing.output


def _ticket(con, ticket: str, updated_at: str, loaded_at: datetime, file: str) -> None:  # type: ignore[no-untyped-def]
    con.execute(
        "insert into raw.zendesk_tickets (ticket_id, created_at, updated_at, subject, _source,"
        " _file, _record, _loaded_at) values (?, '2026-11-01T09:00:00Z', ?, 'x', 'tickets', ?,"
        " 1, ?)",
        [ticket, updated_at, file, loaded_at],
    )


@pytest.mark.parametrize(
    ("later_updated_at", "still_checked"),
    [
        pytest.param("2026-11-02T09:00:00Z", True, id="an older version loaded later: the held row stays latest"),
        pytest.param("2026-11-04T09:00:00Z", False, id="a newer version loaded later replaces the held row"),
    ],
)  # fmt: skip
def test_whether_a_held_row_is_replaced_goes_by_the_exports_own_version_stamp(
    later_updated_at: str, still_checked: bool
) -> None:
    from flows.stages.validate import gate_batches

    tickets = next(s for s in SOURCES if s.name == "tickets")
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        # Night 1's version of ticket 7 (updated on the 3rd) is held by the gate.
        _ticket(con, "7", "2026-11-03T09:00:00Z", NIGHTS[0], "tickets/page-3.json")
        con.execute(
            "insert into raw._gate_holds values ('zendesk_tickets', ?, ?, 'test')",
            [NIGHTS[0], NIGHTS[0]],
        )
        # Night 2 loads a page re-delivering ticket 7 as it was on another day.
        _ticket(con, "7", later_updated_at, NIGHTS[1], "tickets/page-2.json")
        batch = gate_batches(con, gated_tables([tickets]), NIGHTS[1])["zendesk_tickets"].frame
    held = batch[batch["updated_at"] == "2026-11-03T09:00:00Z"]
    assert len(held) == (1 if still_checked else 0)
