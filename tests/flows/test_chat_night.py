"""A night whose Slack or webhook delivery stopped is published, then fails like an email outage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import flows.nightly
from flows.loop.acknowledgments import AckQueued
from flows.loop.mail import DeliveryIncomplete
from flows.loop.outcome import EscalationOutcome, LoopOutcome, StepCount
from flows.settings.config import Settings
from flows.stages.summary import RunSummary
from notifications import DeliveryReport

NIGHT = date(2026, 12, 3)


def test_a_night_whose_slack_delivery_stopped_is_published_then_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    published: list[bool] = []
    email = DeliveryReport(sent=4, parked=0, unknown=0)
    slack = DeliveryReport(
        sent=0, parked=0, unknown=0, deferred=3, stopped="Slack answered 503 4 times"
    )

    def stages(
        settings: Settings, writing: Settings, run_date: date, send: bool, publish: bool
    ) -> Any:
        published.append(publish)
        summary = RunSummary(NIGHT, datetime(2026, 12, 3, tzinfo=UTC), tmp_path, Path("mail"))
        summary.acks = LoopOutcome(
            AckQueued(0, 0, 0, 0, 0),
            *[StepCount()] * 6,
            EscalationOutcome(),
            email,
            chat_deliveries=(("slack", slack),),
        )
        return summary

    monkeypatch.setattr(flows.nightly, "_stages", stages)
    settings = Settings(warehouse=tmp_path / "lk.duckdb", mail_dir=tmp_path / "mail")

    with pytest.raises(DeliveryIncomplete, match="slack delivery stopped, 3 message") as raised:
        flows.nightly.run_night(settings, NIGHT)

    assert published == [True]
    lines = raised.value.summary.lines()
    assert "  slack:           0 sent, 0 parked, 0 unknown, 0 alerts sent again" in lines
    assert any("delivery stopped, 3 message(s) left pending" in line for line in lines)
