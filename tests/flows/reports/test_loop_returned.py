"""What the loop returned, on a demo company a year after its first night: the outcome delivery,
the impact marts it feeds, the monthly report's section and the status headline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.commands.status import render_status
from flows.demo.outcomes import NO_EFFECT
from flows.demo.outcomes_delivery import write_outcomes
from flows.reports.periods import parse_month
from flows.reports.write import write_monthly_report


def impact_rows(warehouse: Path) -> list[tuple]:  # type: ignore[type-arg]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select comparison, measure, treated_cases, control_cases, finding"
            " from impact.fct_loop_impact order by comparison_order, measure_order"
        ).fetchall()


def test_a_year_on_the_loops_customers_are_compared_with_the_others(
    impact_warehouse: Path,
) -> None:
    rows = impact_rows(impact_warehouse)

    assert [(c, m) for c, m, *_ in rows] == [
        (comparison, measure)
        for comparison in ("closed_loop", "fast_acknowledgment")
        for measure in ("next_survey_response", "detractor_recovery", "renewal", "arr_retained")
    ]
    response = rows[0]
    # the customers the first night told, against untold ones of the same tier, kind and month
    assert response[2] >= 10 and response[3] >= 20, response
    with duckdb.connect(str(impact_warehouse), read_only=True) as con:
        renewals = con.execute(
            "select count(*), count(distinct renewal_outcome) from staging.stg_crm__renewals"
        ).fetchone()
    assert renewals == (40, 3)  # every account renewed, downgraded or churned within the year


def test_the_report_section_gives_each_figure_its_counts_interval_and_caveat(
    impact_warehouse: Path, tmp_path: Path
) -> None:
    out = write_monthly_report(impact_warehouse, parse_month("2025-11"), tmp_path / "m.html")
    markdown = out.markdown.read_text(encoding="utf-8")

    section = markdown.split("## What the loop returned", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| told")]
    assert len(lines) == 4, section
    with duckdb.connect(str(impact_warehouse), read_only=True) as con:
        treated, low, high, cases = con.execute(
            "select treated_value, treated_ci_low, treated_ci_high, treated_cases"
            " from impact.fct_loop_impact where loop_impact_id = 'closed_loop:next_survey_response'"
        ).fetchone()
    shown = f"{100 * treated:.1f}% ({100 * low:.1f}–{100 * high:.1f}%) ({cases})"
    assert shown in lines[0], lines[0]
    assert "An association, not proof of cause" in section


def test_status_shows_the_headline_figures(impact_warehouse: Path) -> None:
    lines = render_status(impact_warehouse)

    at = next(i for i, line in enumerate(lines) if line.startswith("what the loop returned"))
    assert "an association, not cause" in lines[at]
    assert lines[at + 1].startswith("  answered the next survey")
    assert lines[at + 2].startswith("  renewed")


def test_the_outcome_delivery_is_the_same_for_the_same_night_and_seed(
    impact_warehouse: Path, tmp_path: Path
) -> None:
    written = []
    for name, effect in (("a", None), ("b", None), ("none", NO_EFFECT)):
        inbox = tmp_path / name
        (inbox / "accounts").mkdir(parents=True)
        kwargs = {"effect": effect} if effect else {}
        delivery = write_outcomes(inbox, impact_warehouse, at=date(2027, 6, 1), **kwargs)
        written.append([p.read_bytes() for p in delivery.files])
    assert written[0] == written[1]
    # without the effect, the told answer and renew like the others: other files
    assert written[2] != written[0]


def test_the_outcome_delivery_refuses_a_date_before_the_next_survey_wave(
    impact_warehouse: Path, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="the next survey wave opens 2027-01-15, after 2026-12-01"):
        write_outcomes(tmp_path, impact_warehouse, at=date(2026, 12, 1))
    assert not (tmp_path / "nps").exists()


def test_demo_data_outcomes_writes_the_delivery_and_names_what_is_missing(
    impact_warehouse: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from flows.commands.cli import app

    runner = CliRunner()
    (tmp_path / "inbox" / "accounts").mkdir(parents=True)
    args = ["demo-data", "--outcomes", "--out", str(tmp_path / "inbox"), "--end", "2027-06-01"]
    written = runner.invoke(app, [*args, "--warehouse", str(impact_warehouse)])
    missing = runner.invoke(app, [*args, "--warehouse", str(tmp_path / "none.duckdb")])

    assert written.exit_code == 0, written.output
    assert "told by the loop" in written.output
    assert (tmp_path / "inbox" / "accounts" / "accounts-20270601.csv").is_file()
    assert missing.exit_code == 1
    assert "run `loopkeeper demo-data` and a nightly on it first" in missing.output
