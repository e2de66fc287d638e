"""`loopkeeper report`: files written from the published warehouse, read-only; clear errors."""

from __future__ import annotations

import shutil
import stat
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.commands.cli import app
from flows.reports.scheduled import write_due_reports

runner = CliRunner()


def test_reports_are_read_from_a_read_only_file_and_leave_it_unchanged(
    report_warehouse: Path, tmp_path: Path
) -> None:
    published = tmp_path / "published" / "lk.duckdb"
    published.parent.mkdir()
    shutil.copy(report_warehouse, published)
    # A read-write open of a file the process may not write fails: only read-only can succeed.
    published.chmod(stat.S_IRUSR | stat.S_IRGRP)
    before = published.stat().st_mtime_ns, published.read_bytes()
    out = tmp_path / "out" / "october.html"
    result = runner.invoke(
        app,
        [
            "report",
            "monthly",
            "--month",
            "2026-10",
            "--out",
            str(out),
            "--warehouse",
            str(published),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.with_suffix(".md").is_file()
    assert (published.stat().st_mtime_ns, published.read_bytes()) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["monthly", "--month", "2026-13"], "'2026-13' is not a month", id="bad month"),
        pytest.param(
            ["weekly", "--week", "2026-W99"], "'2026-W99' is not an ISO week", id="bad week"
        ),
    ],
)
def test_a_bad_period_is_a_usage_error_naming_it(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["report", *args, "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert message in result.output


def test_no_warehouse_yet_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    result = runner.invoke(
        app,
        [
            "report",
            "weekly",
            "--week",
            "2026-W46",
            "--out",
            str(tmp_path / "r.html"),
            "--warehouse",
            str(missing),
        ],
    )
    assert result.exit_code == 1
    assert f"{missing}: no warehouse here yet" in result.output


def test_a_warehouse_without_marts_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = runner.invoke(
        app,
        [
            "report",
            "monthly",
            "--month",
            "2026-10",
            "--out",
            str(tmp_path / "r.html"),
            "--warehouse",
            str(empty),
        ],
    )
    assert result.exit_code == 1
    assert "has no marts yet" in result.output


def test_a_warehouse_built_before_a_report_model_existed_names_it(
    report_warehouse: Path, tmp_path: Path
) -> None:
    older = tmp_path / "older.duckdb"
    shutil.copy(report_warehouse, older)
    with duckdb.connect(str(older)) as con:
        con.execute("drop view reports.rpt_weekly_at_risk_accounts")
    out = tmp_path / "w.html"
    result = runner.invoke(
        app,
        ["report", "weekly", "--week", "2026-W45", "--out", str(out), "--warehouse", str(older)],
    )
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert "lacks report models (rpt_weekly_at_risk_accounts)" in line
    assert "run `loopkeeper nightly` once" in line


def test_a_month_without_data_names_the_month_and_the_range(
    report_warehouse: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "report",
            "monthly",
            "--month",
            "2025-01",
            "--out",
            str(tmp_path / "r.html"),
            "--warehouse",
            str(report_warehouse),
        ],
    )
    assert result.exit_code == 1
    assert "no feedback received in 2025-01 (it covers 2026-09-" in result.output
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("night", "names"),
    [
        pytest.param(
            date(2026, 11, 16), ["weekly-2026-W46.html", "weekly-2026-W46.md"], id="monday"
        ),
        pytest.param(
            date(2026, 11, 1), ["monthly-2026-10.html", "monthly-2026-10.md"], id="the 1st"
        ),
        pytest.param(date(2026, 11, 17), [], id="tuesday"),
    ],
)
def test_the_nightly_hook_writes_the_reports_due(
    report_warehouse: Path, tmp_path: Path, night: date, names: list[str]
) -> None:
    written = write_due_reports(report_warehouse, tmp_path / "reports", night)
    assert [p.name for p in written] == names
    assert all(p.stat().st_size > 1000 for p in written)
