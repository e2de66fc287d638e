"""The monthly report's figures equal the marts' figures, computed here with independent SQL."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from flows.reports.figures import MonthlyFigures
from flows.reports.formatting import count, money, number, pct
from flows.reports.monthly_figures import monthly_figures
from flows.reports.periods import parse_month
from flows.reports.queries import read_marts
from flows.reports.write import write_monthly_report

MONTH = "2026-10"


@pytest.fixture(scope="module")
def figures(report_warehouse: Path) -> MonthlyFigures:
    with read_marts(report_warehouse) as con:
        return monthly_figures(con, parse_month(MONTH), "test")


@pytest.fixture(scope="module")
def written(report_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    out = write_monthly_report(
        report_warehouse, parse_month(MONTH), tmp_path_factory.mktemp("m") / "monthly.html"
    )
    return out.html.read_text(encoding="utf-8"), out.markdown.read_text(encoding="utf-8")


def sql(path: Path, query: str) -> list[tuple]:  # type: ignore[type-arg]
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).fetchall()


def test_nps_trend_equals_fct_nps_summed_over_segments(
    figures: MonthlyFigures, report_warehouse: Path
) -> None:
    expected = {
        month: (r, p, q, d)
        for month, r, p, q, d in sql(
            report_warehouse,
            "select response_month, sum(responses), sum(promoters), sum(passives), sum(detractors)"
            " from marts.fct_nps group by 1",
        )
    }
    shown = {
        m.month: (m.responses, m.promoters, m.passives, m.detractors)
        for m in figures.nps_trend
        if m.responses
    }
    assert shown == {k: v for k, v in expected.items() if k in shown}
    assert len(figures.nps_trend) == 12 and shown
    health_nps = sql(
        report_warehouse,
        f"select nps from marts.fct_loop_health_monthly where channel = 'all' and strftime(activity_month, '%Y-%m') = '{MONTH}'",
    )[0][0]
    assert figures.nps_trend[-1].nps == health_nps


def test_volume_by_channel_counts_fct_feedback(
    figures: MonthlyFigures, report_warehouse: Path
) -> None:
    expected = set(
        sql(
            report_warehouse,
            "select cast(date_trunc('month', received_at) as date), source, count(*)"
            " from marts.fct_feedback group by all",
        )
    )
    shown = {(v.month, v.channel, v.items) for v in figures.volume}
    assert shown and shown <= expected


def test_ack_outcomes_and_breaches_by_tier_equal_fct_feedback(
    figures: MonthlyFigures, report_warehouse: Path
) -> None:
    where = f"strftime(received_at, '%Y-%m') = '{MONTH}'"
    [(met, breached, open_)] = sql(
        report_warehouse,
        "select count(*) filter (where ack_sla_status = 'met'),"
        " count(*) filter (where ack_sla_status = 'breached'),"
        f" count(*) filter (where ack_sla_status = 'open') from marts.fct_feedback where {where}",
    )
    month = figures.ack_trend[-1]
    assert (month.met, month.breached, month.open) == (met, breached, open_)
    by_tier = {
        tier: rest
        for tier, *rest in sql(
            report_warehouse,
            "select coalesce(tier, 'Unmatched'), count(*),"
            " count(*) filter (where ack_sla_status = 'breached'),"
            " count(*) filter (where detractor_contact_sla_status = 'breached')"
            f" from marts.fct_feedback where {where} group by 1",
        )
    }
    assert {
        t.tier: [t.items, t.ack_breached, t.detractor_breached] for t in figures.breaches_by_tier
    } == by_tier


def test_close_the_loop_counts_the_items_that_asked_and_those_answered(
    figures: MonthlyFigures, report_warehouse: Path
) -> None:
    [(asked, closed)] = sql(
        report_warehouse,
        "select count(distinct m.item_id), count(distinct m.item_id) filter"
        " (where f.current_stage = 'closed_loop')"
        " from marts.fct_closed_loop_matches as m join marts.fct_feedback as f using (item_id)"
        f" where m.is_match and strftime(f.received_at, '%Y-%m') = '{MONTH}'",
    )
    month = figures.close_loop_trend[-1]
    assert (month.asked_items, month.closed_loop_items) == (asked, closed)


def test_top_themes_are_the_months_largest_arr(
    figures: MonthlyFigures, report_warehouse: Path
) -> None:
    expected = sql(
        report_warehouse,
        "select theme_key, items, accounts_affected, arr_affected from marts.fct_theme_impact"
        f" where period_type = 'month' and strftime(period_start, '%Y-%m') = '{MONTH}'"
        " order by arr_affected desc, items desc, theme_key",
    )
    shown = [(t.theme_key, t.items, t.accounts, t.arr_affected) for t in figures.top_themes]
    assert shown == [(k, i, a, float(arr)) for k, i, a, arr in expected[: len(shown)]]
    assert shown


def test_risky_items_are_open_and_renewing_within_90_days(
    figures: MonthlyFigures, report_warehouse: Path
) -> None:
    for item in figures.risky_items:
        [(stage, days)] = sql(
            report_warehouse,
            "select f.current_stage, a.days_to_renewal from marts.fct_feedback as f"
            " join marts.dim_accounts as a using (account_id)"
            f" where f.item_id = '{item.item_id}'",
        )
        assert stage not in ("shipped", "declined", "closed_loop")
        assert 0 <= days <= 90 and days == item.days_to_renewal
    renewals = [i.days_to_renewal for i in figures.risky_items]
    assert renewals == sorted(renewals)


def test_every_gap_says_what_to_do(figures: MonthlyFigures) -> None:
    assert figures.findings
    for finding in figures.findings:
        assert finding.kind in ("strength", "gap")
        assert finding.kind == "strength" or finding.recommendation


def test_the_html_shows_the_figures(figures: MonthlyFigures, written: tuple[str, str]) -> None:
    html, markdown = written
    assert f'id="tile-items">{count(figures.health.items)}<' in html
    # One figure for the acknowledgment SLA, at the SLA's own hours.
    assert f'id="tile-ack">{pct(figures.ack_trend[-1].met_share)}<' in html
    assert "48 h" not in html and "48 h" not in markdown
    assert figures.nps_months and figures.nps_months[0].responses
    for m in figures.nps_months:
        assert f'<td>{m.month:%Y-%m}</td><td class="num">{count(m.responses)}</td>' in html
        assert f"| {m.month:%Y-%m} | {count(m.responses)} |" in markdown
    # Months before the first survey do not pad the table.
    for m in figures.nps_trend[: len(figures.nps_trend) - len(figures.nps_months)]:
        assert f"<td>{m.month:%Y-%m}</td>" not in html
    assert f">{number(figures.nps_trend[-1].nps)}<" in html
    for t in figures.top_themes:
        assert money(t.arr_affected) in html and money(t.arr_affected) in markdown
    for t in figures.breaches_by_tier:
        assert f"{count(t.ack_breached)} / {count(t.ack_due)}" in html
    for finding in figures.findings:
        assert finding.text.replace("&", "&amp;").replace("'", "&#39;") in html


def test_the_html_is_self_contained_with_seven_charts(written: tuple[str, str]) -> None:
    html, _ = written
    assert html.count("<svg") == 7
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\((?!#)", html)
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)


def test_the_charts_start_at_the_first_month_with_data(
    figures: MonthlyFigures, written: tuple[str, str]
) -> None:
    html, _ = written
    first = figures.first_chart_month
    assert first > 0, "the fixture's year starts with empty months"
    assert (
        any(m.responses for m in figures.nps_trend[first:][:1])
        or any(a.items for a in figures.ack_trend[first:][:1])
        or any(v.items for v in figures.volume if v.month == figures.nps_trend[first].month)
    )
    for m in figures.nps_trend[:first]:
        assert f">{m.month:%b %y}<" not in html
    assert f">{figures.nps_trend[first].month:%b %y}<" in html
