"""Figures + charts -> HTML (self-contained) and Markdown, through the Jinja2 templates."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from flows.reports import charts
from flows.reports.figures import MonthlyFigures, WeeklyFigures
from flows.reports.formatting import count, money, number, pct, signed
from flows.reports.impact_figures import ASSOCIATION, interval
from notifications.markdown import markdown_text

TEMPLATES = Path(__file__).with_name("templates")
CHANNELS = ("nps", "ticket", "widget", "note")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _environment(autoescape: bool) -> Environment:
    # The Markdown twin is pasted into memos and wikis: every value it writes is made inert there
    # (the escalation documents' rule), as autoescape does for the HTML report.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        finalize=None if autoescape else markdown_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(money=money, pct=pct, count=count, number=number, signed=signed)
    env.filters["interval"] = interval
    env.globals["association"] = ASSOCIATION
    # A table cell of no value reads empty; pipes and newlines are finalize's to make inert.
    env.filters["cell"] = lambda text: "" if text is None else text
    return env


HTML = _environment(autoescape=True)
MARKDOWN = _environment(autoescape=False)


def monthly_charts(f: MonthlyFigures) -> dict[str, str]:
    # The trend charts start at the first month with any data, like the NPS table.
    first = f.first_chart_month
    nps, ack, close = f.nps_trend[first:], f.ack_trend[first:], f.close_loop_trend[first:]
    months = [m.month for m in nps]
    volume = {c: [0] * len(months) for c in CHANNELS}
    for v in f.volume:
        if v.month in months:
            volume.setdefault(v.channel, [0] * len(months))[months.index(v.month)] = v.items
    tiers = f.breaches_by_tier
    return {
        "nps": charts.nps_trend(
            months,
            [m.promoters for m in nps],
            [m.passives for m in nps],
            [m.detractors for m in nps],
            [m.nps for m in nps],
        ),
        "volume": charts.volume_by_channel(months, volume),
        "ack": charts.ack_against_sla(
            [a.month for a in ack],
            [a.met for a in ack],
            [a.breached for a in ack],
            [a.open for a in ack],
            [a.avg_hours_to_ack for a in ack],
            f.ack_sla_hours,
        ),
        "close_loop": charts.close_loop_rate([c.month for c in close], [c.rate for c in close]),
        "breaches": charts.breaches_by_tier(
            [t.tier for t in tiers],
            {
                "acknowledge": [_rate(t.ack_breached, t.ack_due) for t in tiers],
                "detractor contact": [_rate(t.detractor_breached, t.detractor_due) for t in tiers],
                "first plan": [_rate(t.first_plan_breached, t.first_plan_due) for t in tiers],
                "product response": [
                    _rate(t.product_response_breached, t.product_response_due) for t in tiers
                ],
            },
        ),
        "impact": _loop_returned(f),
        "themes": charts.horizontal_bars(
            "Top themes by ARR affected",
            [t.label for t in f.top_themes],
            [t.arr_affected / 1000 for t in f.top_themes],
            "ARR affected ($ thousands)",
            [f"{t.items} items · {t.trend}" for t in f.top_themes],
        ),
    }


def weekly_charts(w: WeeklyFigures) -> dict[str, str]:
    return {
        "themes": charts.horizontal_bars(
            f"Top themes, week {w.period.label}",
            [t.label for t in w.top_themes],
            [t.items for t in w.top_themes],
            "items this week",
            [f"{t.accounts} accounts · {money(t.arr_affected)}" for t in w.top_themes],
        ),
        "tickets": charts.this_week_against_last(
            list(WEEKDAYS),
            w.tickets.per_day,
            w.tickets_last_week.per_day,
            "Tickets per day: this week against last week",
            "tickets",
        ),
    }


def _loop_returned(f: MonthlyFigures) -> str:
    """The closed-loop comparison's outcomes; a group is drawn only with enough cases."""
    told = [r for r in f.loop_impact if r.comparison == "closed_loop"]
    shown = [r.finding != "too few cases" for r in told]
    return charts.loop_returned(
        [r.measure.replace("_", " ") for r in told],
        [_point(r.treated_value, r.treated_ci_low, r.treated_ci_high, s) for r, s in zip(told, shown, strict=True)],
        [_point(r.control_value, r.control_ci_low, r.control_ci_high, s) for r, s in zip(told, shown, strict=True)],
    )  # fmt: skip


def _point(
    value: float | None, low: float | None, high: float | None, shown: bool
) -> tuple[float, float, float] | None:
    if not shown or value is None or low is None or high is None:
        return None
    return value, low, high


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def render_monthly(f: MonthlyFigures) -> tuple[str, str]:
    """(HTML, Markdown) of the monthly loop-health report."""
    html = HTML.get_template("monthly.html.j2").render(f=f, charts=monthly_charts(f))
    return html, MARKDOWN.get_template("monthly.md.j2").render(f=f)


def render_weekly(w: WeeklyFigures) -> tuple[str, str]:
    """(HTML, Markdown) of the weekly voice-of-the-customer report."""
    html = HTML.get_template("weekly.html.j2").render(w=w, charts=weekly_charts(w))
    return html, MARKDOWN.get_template("weekly.md.j2").render(w=w)
