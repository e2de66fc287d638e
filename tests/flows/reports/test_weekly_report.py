"""The weekly report's figures equal the marts' (and the outbox's), computed here independently."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from flows.reports.figures import WeeklyFigures
from flows.reports.formatting import count, money
from flows.reports.periods import parse_week
from flows.reports.queries import read_marts
from flows.reports.weekly_figures import weekly_figures
from flows.reports.write import write_weekly_report

WEEK = "2026-W46"
THIS = "received_at >= '2026-11-09' and received_at < '2026-11-16'"
LAST = "received_at >= '2026-11-02' and received_at < '2026-11-09'"


@pytest.fixture(scope="module")
def figures(report_warehouse: Path) -> WeeklyFigures:
    with read_marts(report_warehouse) as con:
        return weekly_figures(con, parse_week(WEEK), "test")


@pytest.fixture(scope="module")
def written(report_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    out = write_weekly_report(
        report_warehouse, parse_week(WEEK), tmp_path_factory.mktemp("w") / "weekly.html"
    )
    return out.html.read_text(encoding="utf-8"), out.markdown.read_text(encoding="utf-8")


def rows(path: Path, query: str) -> list[tuple]:  # type: ignore[type-arg]
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).fetchall()


def one(path: Path, query: str) -> tuple:  # type: ignore[type-arg]
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).fetchall()[0]


def test_volumes_bugs_and_praise_equal_fct_feedback(
    figures: WeeklyFigures, report_warehouse: Path
) -> None:
    assert (figures.items,) == one(
        report_warehouse, f"select count(*) from marts.fct_feedback where {THIS}"
    )
    assert (figures.items_last_week,) == one(
        report_warehouse, f"select count(*) from marts.fct_feedback where {LAST}"
    )
    bugs = one(
        report_warehouse,
        "select count(*), count(*) filter (where source = 'ticket'), count(distinct account_id)"
        f" from marts.fct_feedback where {THIS} and 'bug' in (select unnest(intents))",
    )
    assert (figures.bugs.items, figures.bugs.tickets, figures.bugs.customers) == bugs
    assert figures.bugs.items > 0
    praise = one(
        report_warehouse,
        "select count(*), count(distinct account_id) from marts.fct_feedback"
        f" where {THIS} and 'praise' in (select unnest(intents))",
    )
    assert (figures.praise_items, figures.praise_accounts) == praise


def test_top_themes_count_the_weeks_items_and_quote_redacted_text(
    figures: WeeklyFigures, report_warehouse: Path
) -> None:
    assert figures.top_themes
    for theme in figures.top_themes:
        items, accounts, arr = one(
            report_warehouse,
            "select count(*), count(distinct account_id),"
            " (select coalesce(sum(arr), 0) from marts.dim_accounts where account_id in"
            f"   (select account_id from marts.fct_feedback where {THIS} and theme_key = '{theme.theme_key}'))"
            f" from marts.fct_feedback where {THIS} and theme_key = '{theme.theme_key}'",
        )
        assert (theme.items, theme.accounts, theme.arr_affected) == (items, accounts, float(arr))
        if theme.quote:
            texts = [
                " ".join((text or "").split())
                for (text,) in rows(
                    report_warehouse,
                    "select redacted_text from marts.fct_feedback"
                    f" where {THIS} and theme_key = '{theme.theme_key}'",
                )
            ]
            assert any(t.startswith(theme.quote.removesuffix(" …")) for t in texts)
    counts = [t.items for t in figures.top_themes]
    assert counts == sorted(counts, reverse=True)


def test_at_risk_accounts_and_csm_told_equal_dim_accounts_and_outbox(
    figures: WeeklyFigures, report_warehouse: Path
) -> None:
    since = figures.as_of - timedelta(days=30)
    total, told = one(
        report_warehouse,
        "select count(*), count(*) filter (where exists ("
        "  select 1 from ops.outbox as o where o.account_id = a.account_id and o.status = 'sent'"
        "  and o.kind in ('at_risk_alert', 'handoff')"
        f"  and o.run_date > '{since}' and o.run_date <= '{figures.as_of}'))"
        " from marts.dim_accounts as a where a.is_at_risk",
    )
    assert (figures.at_risk_total, figures.at_risk_told) == (total, told)
    assert total > 0


def test_tickets_this_week_against_last(figures: WeeklyFigures, report_warehouse: Path) -> None:
    for shown, window in ((figures.tickets, THIS), (figures.tickets_last_week, LAST)):
        expected = one(
            report_warehouse,
            "select count(*), count(*) filter (where ticket_priority in ('urgent', 'high')),"
            " count(*) filter (where csat_rating = 'good'), count(*) filter (where csat_rating = 'bad')"
            f" from marts.fct_feedback where source = 'ticket' and {window}",
        )
        assert (shown.tickets, shown.urgent_or_high, shown.csat_good, shown.csat_bad) == expected
        assert sum(shown.per_day) == shown.tickets


def test_the_html_and_markdown_show_the_figures(
    figures: WeeklyFigures, written: tuple[str, str]
) -> None:
    html, markdown = written
    assert f'id="tile-items">{count(figures.items)}<' in html
    assert (
        f'id="tile-at-risk">{count(figures.at_risk_told)} / {count(figures.at_risk_total)}<' in html
    )
    for theme in figures.top_themes:
        assert money(theme.arr_affected) in html
        assert (
            f"| {count(theme.items)} | {count(theme.accounts)} | {money(theme.arr_affected)} |"
            in markdown
        )
    assert f'<td>bug reports</td><td class="num">{count(figures.bugs.items)}</td>' in html
    assert html.count("<svg") == 2
