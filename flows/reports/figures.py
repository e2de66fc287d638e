"""The numbers a report shows, as plain dataclasses: what the tests compare with the marts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flows.reports.impact_figures import LoopImpact
from flows.reports.periods import Period


@dataclass(frozen=True)
class NpsMonth:
    month: date
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None


@dataclass(frozen=True)
class ChannelVolume:
    month: date
    channel: str
    items: int


@dataclass(frozen=True)
class AckMonth:
    """Acknowledgment clock of the items received in a month (fct_feedback_sla)."""

    month: date
    items: int
    met: int
    breached: int
    open: int
    avg_hours_to_ack: float | None
    acknowledged_within_48h_share: float | None

    @property
    def met_share(self) -> float | None:
        """Share of the items due that were acknowledged within the SLA: the one figure the
        report gives for the acknowledgment SLA."""
        due = self.met + self.breached
        return self.met / due if due else None


@dataclass(frozen=True)
class CloseLoopMonth:
    """Items received in a month that asked for something shipped or declined, and how many
    of their customers were told."""

    month: date
    asked_items: int
    closed_loop_items: int
    closed_loop_emails_sent: int

    @property
    def rate(self) -> float | None:
        return self.closed_loop_items / self.asked_items if self.asked_items else None


@dataclass(frozen=True)
class TierBreaches:
    """One tier's SLA clocks over the month's items: how many applied and how many breached."""

    tier: str
    items: int
    ack_due: int
    ack_breached: int
    detractor_due: int
    detractor_breached: int
    first_plan_due: int
    first_plan_breached: int
    product_response_due: int
    product_response_breached: int

    @property
    def ack_breach_rate(self) -> float | None:
        return self.ack_breached / self.ack_due if self.ack_due else None

    @property
    def detractor_breach_rate(self) -> float | None:
        return self.detractor_breached / self.detractor_due if self.detractor_due else None


@dataclass(frozen=True)
class ThemeImpact:
    theme_key: str
    label: str
    items: int
    accounts: int
    arr_affected: float
    arr_renewing_90d: float
    trend: str
    trend_pct: float | None
    is_escalated: bool
    roadmap_status: str | None
    monthly_items: tuple[int, ...] = ()
    # dim_themes.is_for_product: a problem or request product is asked about (not praise or
    # general remarks).
    is_for_product: bool = True


@dataclass(frozen=True)
class RiskyItem:
    item_id: str
    account_name: str
    tier: str
    arr: float
    days_to_renewal: int
    csm_name: str | None
    source: str
    theme_label: str | None
    current_stage: str
    days_waiting: int
    breached_slas: int
    quote: str
    open_items: int


@dataclass(frozen=True)
class LoopHealth:
    """fct_loop_health_monthly, channel `all`, for the report's month."""

    items: int
    categorised_share: float | None
    acknowledged_within_48h_share: float | None
    avg_hours_to_ack: float | None
    escalated_items: int
    product_response_share: float | None
    closed_loop_emails_sent: int
    open_over_30d_items: int
    nps: float | None


@dataclass(frozen=True)
class Finding:
    """One line of "what went well" or "where the loop has gaps", with what to do about a gap."""

    kind: str  # "strength" or "gap"
    text: str
    recommendation: str = ""


@dataclass
class MonthlyFigures:
    period: Period
    as_of: date
    ack_sla_hours: float
    health: LoopHealth
    nps_trend: list[NpsMonth]
    nps_by_tier: dict[str, NpsMonth]
    volume: list[ChannelVolume]
    ack_trend: list[AckMonth]
    close_loop_trend: list[CloseLoopMonth]
    breaches_by_tier: list[TierBreaches]
    top_themes: list[ThemeImpact]
    theme_months: list[date]
    risky_items: list[RiskyItem]
    findings: list[Finding] = field(default_factory=list)
    # What the loop returned (impact.fct_loop_impact), as of the night, not of the month.
    loop_impact: list[LoopImpact] = field(default_factory=list)

    @property
    def nps_months(self) -> list[NpsMonth]:
        """The NPS trend from the first month with responses: a new installation's table is not
        padded with the empty months before its first survey."""
        first = next((i for i, m in enumerate(self.nps_trend) if m.responses), None)
        return [] if first is None else self.nps_trend[first:]

    @property
    def first_chart_month(self) -> int:
        """Index of the first month any monthly chart has data for (responses, items, clocks or
        items that asked): charts start there, not with a new installation's empty year. The
        report's own month is always shown."""
        counts = [
            *((m.month, m.responses) for m in self.nps_trend),
            *((v.month, v.items) for v in self.volume),
            *((a.month, a.items) for a in self.ack_trend),
            *((c.month, c.asked_items) for c in self.close_loop_trend),
        ]
        months = [m.month for m in self.nps_trend]
        with_data = [months.index(month) for month, n in counts if n and month in months]
        return min(with_data, default=len(months) - 1)


@dataclass(frozen=True)
class WeeklyTheme:
    theme_key: str
    label: str
    items: int
    accounts: int
    arr_affected: float
    negative_share: float
    quote: str


@dataclass(frozen=True)
class BugImpact:
    items: int
    tickets: int
    customers: int
    arr_affected: float
    critical_or_high: int


@dataclass(frozen=True)
class FeatureTrend:
    label: str
    items: int
    items_last_week: int
    accounts: int
    arr_affected: float


@dataclass(frozen=True)
class Praise:
    account_name: str
    tier: str | None
    quote: str


@dataclass(frozen=True)
class AtRiskAccount:
    account_name: str
    tier: str
    arr: float
    days_to_renewal: int | None
    csm_name: str | None
    reasons: tuple[str, ...]
    csm_told: bool
    csm_told_at: date | None


@dataclass(frozen=True)
class TicketWeek:
    tickets: int
    urgent_or_high: int
    negative: int
    csat_good: int
    csat_bad: int
    per_day: tuple[int, ...]


@dataclass
class WeeklyFigures:
    period: Period
    as_of: date
    items: int
    items_last_week: int
    top_themes: list[WeeklyTheme]
    bugs: BugImpact
    bugs_last_week: BugImpact
    feature_requests: list[FeatureTrend]
    praise_items: int
    praise_accounts: int
    praise: list[Praise]
    at_risk: list[AtRiskAccount]
    at_risk_total: int
    at_risk_told: int
    tickets: TicketWeek
    tickets_last_week: TicketWeek
