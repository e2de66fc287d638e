"""What the nightly acts on and how far back it looks: one object the notify stage is handed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nlp.roadmap_match import MIN_SIMILARITY
from notifications import EscalationThresholds
from notifications.chat import ChatRoutes


@dataclass(frozen=True)
class LoopPolicy:
    """Windows are counted back from the night's as_of.

    - ``window_days``: items received this many days before the night are acknowledged, handed
      off and (QBR notes) followed up; older ones never are, so a first run over a year of
      history writes to nobody about old feedback.
    - ``closed_loop_window_days``: a roadmap item shipped or declined this many days before the
      night closes the loop; one that changed earlier is history, not news.
    - ``closed_loop_min_similarity``: how close by meaning an item must be to a roadmap item
      to count as asking for it (nlp/roadmap_match.py).
    - ``stale_lookback_days``: SLA clocks that fell due this long ago still appear in the digest.
    - ``due_soon_hours``: clocks falling due this soon appear as "due soon".
    Windows the warehouse applies (the stale digest's renewal watch, the theme window of an
    escalation) are dbt vars in dbt_project.yml, read by the models in models/loop.
    - ``qbr_next_update_days``: the next update a QBR follow-up promises, after the meeting.
    - ``chat``: where alerts' chat copies go (Slack, webhooks); None sends email only.
    - ``model_dir``, ``taxonomy_dir``: the tagger that reads whether a customer's sentence asks
      for something (the closed loop); None is the shipped one.
    """

    escalation_dir: Path
    window_days: int = 3
    closed_loop_window_days: int = 30
    closed_loop_min_similarity: float = MIN_SIMILARITY
    stale_lookback_days: int = 14
    due_soon_hours: int = 24
    qbr_next_update_days: int = 14
    escalation: EscalationThresholds = field(default_factory=EscalationThresholds)
    chat: ChatRoutes | None = None
    model_dir: Path | None = None
    taxonomy_dir: Path | None = None
    # No at-risk thresholds here: what "at risk" means is dbt's (int_account_risk_signals, its
    # thresholds vars fed from the settings); the alert step reads loop.loop_at_risk_alerts.

    def __post_init__(self) -> None:
        for name in (
            "window_days",
            "closed_loop_window_days",
            "stale_lookback_days",
            "qbr_next_update_days",
        ):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"loop policy {name}: must be 1 or more, got {getattr(self, name)}"
                )
        if self.due_soon_hours < 0:
            raise ValueError(
                f"loop policy due_soon_hours: must be 0 or more, got {self.due_soon_hours}"
            )
