"""Charts: matplotlib on the Agg backend, rendered to inline SVG strings (no files, no network)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")

import math

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Text stays text (searchable, crisp, small); a fixed hash salt keeps the SVG ids, and so the
# whole report, the same from one run to the next.
plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "loopkeeper",
        "font.family": "sans-serif",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.titlesize": 10,
    }
)

GREEN, GREY, RED, BLUE, AMBER = "#2e7d32", "#9e9e9e", "#c62828", "#1565c0", "#ef6c00"
CHANNEL_COLOURS = {"nps": BLUE, "ticket": AMBER, "widget": "#6a1b9a", "note": "#00838f"}


def to_svg(fig: Figure) -> str:
    """The figure as an `<svg>` element, without the XML prolog, ready to inline in HTML."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _months(months: Sequence[date]) -> list[str]:
    return [f"{m:%b %y}" for m in months]


def _counts(axis: Axes) -> None:
    """A count axis ticks whole numbers only (no "2.5 responses")."""
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))


def _every_month(axis: Axes, labels: Sequence[str]) -> None:
    """One tick per month shown, even for months whose value is missing (a line or bar of
    only NaN would otherwise leave the axis with one stray tick)."""
    axis.set_xticks(range(len(labels)), list(labels))
    axis.set_xlim(-0.6, len(labels) - 0.4)


def nps_axis_limits(values: Sequence[float | None]) -> tuple[float, float]:
    """The NPS axis fitted to its data in steps of 10, with room around the line; the whole
    -100..100 scale only with no NPS to show."""
    known = [v for v in values if v is not None and not math.isnan(v)]
    if not known:
        return -100.0, 100.0
    low = max(-100.0, math.floor((min(known) - 5) / 10) * 10)
    high = min(100.0, math.ceil((max(known) + 5) / 10) * 10)
    return float(low), float(high)


def nps_trend(
    months: Sequence[date],
    promoters: Sequence[int],
    passives: Sequence[int],
    detractors: Sequence[int],
    nps: Sequence[float | None],
) -> str:
    fig, ax = plt.subplots(figsize=(7.5, 3.2), layout="constrained")
    labels = _months(months)
    x = range(len(labels))
    ax.bar(x, promoters, color=GREEN, label="promoters")
    ax.bar(x, passives, bottom=promoters, color=GREY, label="passives")
    stacked = [p + q for p, q in zip(promoters, passives, strict=True)]
    ax.bar(x, detractors, bottom=stacked, color=RED, label="detractors")
    ax.set_ylabel("responses")
    _counts(ax)
    ax.set_title("NPS by month: responses by category, NPS line")
    line = ax.twinx()
    line.plot(
        range(len(labels)),
        [float("nan") if v is None else v for v in nps],
        color="black",
        marker="o",
        label="NPS",
    )
    line.set_ylim(*nps_axis_limits(nps))
    line.set_ylabel("NPS")
    line.spines["right"].set_visible(True)
    handles = ax.get_legend_handles_labels()
    extra = line.get_legend_handles_labels()
    ax.legend(handles[0] + extra[0], handles[1] + extra[1], loc="upper left", fontsize=8, ncols=4)
    ax.set_ylim(0, max([*(s + d for s, d in zip(stacked, detractors, strict=True)), 1]) * 1.3)
    _every_month(ax, labels)
    ax.tick_params(axis="x", labelrotation=45)
    return to_svg(fig)


def volume_by_channel(months: Sequence[date], series: Mapping[str, Sequence[int]]) -> str:
    fig, ax = plt.subplots(figsize=(7.5, 3.0), layout="constrained")
    labels = _months(months)
    bottom = [0] * len(labels)
    for channel, values in series.items():
        ax.bar(
            range(len(labels)),
            values,
            bottom=bottom,
            label=channel,
            color=CHANNEL_COLOURS.get(channel, GREY),
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("Feedback volume by channel")
    ax.set_ylabel("items received")
    _counts(ax)
    ax.legend(loc="upper left", fontsize=8, ncols=4)
    ax.set_ylim(0, max([*bottom, 1]) * 1.25)
    _every_month(ax, labels)
    ax.tick_params(axis="x", labelrotation=45)
    return to_svg(fig)


def ack_against_sla(
    months: Sequence[date],
    met: Sequence[int],
    breached: Sequence[int],
    open_: Sequence[int],
    avg_hours: Sequence[float | None],
    sla_hours: float,
) -> str:
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.0), layout="constrained")
    labels = _months(months)
    totals = [max(m + b + o, 1) for m, b, o in zip(met, breached, open_, strict=True)]
    met_pct = [100 * m / t for m, t in zip(met, totals, strict=True)]
    breached_pct = [100 * b / t for b, t in zip(breached, totals, strict=True)]
    x = range(len(labels))
    left.bar(x, met_pct, color=GREEN, label="met")
    left.bar(x, breached_pct, bottom=met_pct, color=RED, label="breached")
    left.set_title(f"Acknowledgment SLA ({sla_hours:g} h) outcome")
    left.set_ylabel("% of items received")
    left.set_ylim(0, 100)
    left.legend(loc="lower left", fontsize=7)
    _every_month(left, labels)
    left.tick_params(axis="x", labelrotation=60, labelsize=7)
    hours = [float("nan") if h is None else h for h in avg_hours]
    right.bar(x, hours, color=BLUE, label="mean hours to acknowledge")
    _every_month(right, labels)
    right.axhline(sla_hours, color=RED, linestyle="--", label=f"SLA {sla_hours:g} h")
    right.set_title("Time to acknowledgment")
    right.set_ylabel("hours")
    right.set_ylim(0, max([*(h for h in avg_hours if h is not None), sla_hours]) * 1.3)
    if all(h is None for h in avg_hours):
        right.text(
            0.5, 0.5, "no item acknowledged yet", transform=right.transAxes, ha="center", color=GREY
        )
    right.legend(loc="upper left", fontsize=7)
    right.tick_params(axis="x", labelrotation=60, labelsize=7)
    return to_svg(fig)


def close_loop_rate(months: Sequence[date], rates: Sequence[float | None]) -> str:
    fig, ax = plt.subplots(figsize=(7.5, 2.6), layout="constrained")
    values = [float("nan") if r is None else 100 * r for r in rates]
    ax.plot(range(len(months)), values, color=GREEN, marker="o")
    ax.set_title("Close-the-loop rate: items answered, of those that asked for something decided")
    ax.set_ylabel("% answered")
    ax.set_ylim(0, 105)
    _every_month(ax, _months(months))
    ax.tick_params(axis="x", labelrotation=45)
    return to_svg(fig)


def breaches_by_tier(tiers: Sequence[str], clocks: Mapping[str, Sequence[float]]) -> str:
    fig, ax = plt.subplots(figsize=(7.5, 2.8), layout="constrained")
    width = 0.8 / max(len(clocks), 1)
    colours = [RED, AMBER, BLUE, GREY]
    for i, (clock, rates) in enumerate(clocks.items()):
        positions = [t + i * width for t in range(len(tiers))]
        ax.bar(positions, [100 * r for r in rates], width, label=clock, color=colours[i % 4])
    ax.set_xticks([t + width * (len(clocks) - 1) / 2 for t in range(len(tiers))], list(tiers))
    ax.set_title("SLA breaches by tier (% of clocks due)")
    ax.set_ylabel("% breached")
    ax.set_ylim(0, 110)
    ax.legend(fontsize=7, ncols=4, loc="upper left")
    return to_svg(fig)


def horizontal_bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    xlabel: str,
    notes: Sequence[str] = (),
) -> str:
    """Ranked bars, largest at the top; ``notes`` are printed at each bar's end."""
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * max(len(labels), 2) + 0.9), layout="constrained")
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=BLUE)
    ax.set_yticks(positions, list(labels))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    top = max([*values, 1])
    ax.set_xlim(0, top * 1.3)
    for pos, value, note in zip(positions, values, notes, strict=False):
        ax.text(value + top * 0.01, pos, note, va="center", fontsize=8)
    return to_svg(fig)


def this_week_against_last(
    days: Sequence[str], this_week: Sequence[int], last_week: Sequence[int], title: str, ylabel: str
) -> str:
    fig, ax = plt.subplots(figsize=(7.5, 2.6), layout="constrained")
    positions = range(len(days))
    ax.bar([p - 0.2 for p in positions], last_week, 0.4, color=GREY, label="last week")
    ax.bar([p + 0.2 for p in positions], this_week, 0.4, color=BLUE, label="this week")
    ax.set_xticks(list(positions), list(days))
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    _counts(ax)
    ax.legend(fontsize=8)
    return to_svg(fig)


def loop_returned(
    labels: Sequence[str],
    told: Sequence[tuple[float, float, float] | None],
    untold: Sequence[tuple[float, float, float] | None],
) -> str:
    """Told against comparable untold customers per outcome: each group's value (%) with its
    95% interval as a bar; an outcome with no comparable cases is left empty and says so."""
    fig, ax = plt.subplots(figsize=(7.5, 0.7 * max(len(labels), 2) + 1.2), layout="constrained")
    positions = list(range(len(labels)))[::-1]
    for offset, groups, colour, name in (
        (0.15, told, GREEN, "told"),
        (-0.15, untold, GREY, "not told"),
    ):
        shown = [(p + offset, g) for p, g in zip(positions, groups, strict=True) if g is not None]
        if not shown:
            continue
        ys = [y for y, _ in shown]
        values = [100 * g[0] for _, g in shown]
        lows = [100 * (g[0] - g[1]) for _, g in shown]
        highs = [100 * (g[2] - g[0]) for _, g in shown]
        ax.errorbar(values, ys, xerr=[lows, highs], fmt="o", color=colour, capsize=3, label=name)
    for position, t, u in zip(positions, told, untold, strict=True):
        if t is None or u is None:
            ax.text(
                2, position, "too few comparable cases yet", va="center", fontsize=8, color=GREY
            )
    ax.set_yticks(positions, list(labels))
    ax.set_ylim(-0.6, max(len(labels), 1) - 0.4)
    ax.set_xlim(0, 115)
    ax.set_xlabel("% of cases (ARR kept: % of ARR before), with 95% intervals")
    ax.set_title("What the loop returned: told customers against comparable ones not told")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize=8)
    return to_svg(fig)
