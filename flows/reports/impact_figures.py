"""What the loop returned, read from impact.fct_loop_impact: the monthly report's section and
the status command's headline. The model counts and computes every interval; this module reads
its rows and words them."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from flows.reports.formatting import count, pct
from flows.warehouse.connection import scalar

ASSOCIATION = (
    "An association, not proof of cause: the loop tells the customers whose request was built"
    " or declined, and they may differ from the others in ways tier, kind of feedback and month"
    " do not hold."
)


@dataclass(frozen=True)
class LoopImpact:
    """One comparison of one outcome: the treated group against comparable others."""

    comparison: str
    treated_label: str
    control_label: str
    measure: str
    measure_label: str
    is_share: bool
    treated_cases: int
    treated_value: float | None
    treated_ci_low: float | None
    treated_ci_high: float | None
    control_cases: int
    control_value: float | None
    control_ci_low: float | None
    control_ci_high: float | None
    # the control's value with its strata weighed as the treated's: what the difference uses
    control_value_standardised: float | None
    difference: float | None
    difference_ci_low: float | None
    difference_ci_high: float | None
    finding: str

    @property
    def difference_text(self) -> str:
        """`+24.4 pts (95% CI +15.6 to +33.1)`, or `–` without one."""
        if self.difference is None or self.difference_ci_low is None:
            return "–"
        low, high = self.difference_ci_low, self.difference_ci_high or 0.0
        return f"{100 * self.difference:+.1f} pts (95% CI {100 * low:+.1f} to {100 * high:+.1f})"


def interval(value: float | None, low: float | None, high: float | None) -> str:
    """`56.0% (47.9–63.8%)`."""
    if value is None:
        return "–"
    if low is None or high is None:
        return pct(value)
    return f"{pct(value)} ({100 * low:.1f}–{100 * high:.1f}%)"


def loop_impact(con: duckdb.DuckDBPyConnection) -> list[LoopImpact]:
    """Every comparison and outcome in display order; none on a warehouse built before it."""
    present = scalar(
        con,
        "select count(*) from information_schema.tables"
        " where table_schema = 'impact' and table_name = 'fct_loop_impact'",
    )
    if not present:
        return []
    fields = ", ".join(LoopImpact.__dataclass_fields__)
    found = con.execute(
        f"select {fields} from impact.fct_loop_impact order by comparison_order, measure_order"
    ).fetchall()
    return [LoopImpact(*row) for row in found]


def headline_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Two lines for `loopkeeper status`: survey response and renewal, told against not told."""
    rows = {r.measure: r for r in loop_impact(con) if r.comparison == "closed_loop"}
    if not rows:
        return []
    out = ["what the loop returned (told vs comparable not told; an association, not cause):"]
    for measure, words in (("next_survey_response", "answered the next survey"),
                           ("renewal", "renewed")):  # fmt: skip
        row = rows.get(measure)
        if row is None:
            continue
        if row.finding == "too few cases":
            out.append(
                f"  {words}: too few comparable cases yet"
                f" ({count(row.treated_cases)} told, {count(row.control_cases)} not told)"
            )
            continue
        out.append(
            f"  {words} {pct(row.treated_value)} vs {pct(row.control_value_standardised)}"
            f" like for like, {row.difference_text}; {count(row.treated_cases)} vs"
            f" {count(row.control_cases)} cases: {row.finding}"
        )
    return out
