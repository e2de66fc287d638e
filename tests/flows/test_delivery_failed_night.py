"""A night whose delivery stopped is published, then fails: the scheduler and the shell see it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import flows.nightly
from flows.commands.cli import app
from flows.loop.mail import DeliveryIncomplete
from flows.settings.config import Settings
from flows.stages.summary import RunSummary
from notifications import DeliveryReport
from tests.flows.conftest import own_folders

NIGHT = date(2026, 12, 3)


def summary_with(delivery: DeliveryReport, warehouse: Path) -> RunSummary:
    from flows.loop.acknowledgments import AckQueued
    from flows.loop.outcome import EscalationOutcome, LoopOutcome, StepCount

    summary = RunSummary(NIGHT, datetime(2026, 12, 3, tzinfo=UTC), warehouse, Path("mail"))
    steps = [StepCount()] * 6
    summary.acks = LoopOutcome(AckQueued(0, 0, 0, 0, 0), *steps, EscalationOutcome(), delivery)
    return summary


@pytest.fixture
def stopped_night(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """run_night's stages replaced by a night whose delivery met an outage; records publishing."""
    calls: list[str] = []
    stopped = DeliveryReport(
        sent=0, parked=0, unknown=0, deferred=11, stopped="SendGrid unreachable: refused", waiting=0
    )

    def stages(
        settings: Settings, writing: Settings, run_date: date, send: bool, publish: bool
    ) -> Any:
        calls.append("published" if publish else "not published")
        return summary_with(stopped, settings.warehouse)

    monkeypatch.setattr(flows.nightly, "_stages", stages)
    return calls


def test_a_night_whose_delivery_stopped_publishes_then_raises_with_its_summary(
    stopped_night: list[str], tmp_path: Path
) -> None:
    settings = Settings(warehouse=tmp_path / "lk.duckdb", mail_dir=tmp_path / "mail")
    with pytest.raises(DeliveryIncomplete, match="11 message") as raised:
        flows.nightly.run_night(settings, NIGHT)
    assert stopped_night == ["published"]
    lines = raised.value.summary.lines()
    assert any("delivery stopped, 11 message(s) left pending" in line for line in lines)


def test_a_backfill_night_that_is_not_published_does_not_raise(
    stopped_night: list[str], tmp_path: Path
) -> None:
    settings = Settings(warehouse=tmp_path / "lk.duckdb", mail_dir=tmp_path / "mail")
    flows.nightly.run_night(settings, NIGHT, publish=False)
    assert stopped_night == ["not published"]


def test_the_nightly_command_prints_the_summary_and_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stopped = DeliveryReport(sent=2, parked=0, unknown=0, deferred=9, stopped="refused", waiting=0)

    def nightly(**_: Any) -> RunSummary:
        raise DeliveryIncomplete(
            "delivery stopped, 9 message(s) wait for the next run: refused",
            summary_with(stopped, tmp_path / "lk.duckdb"),
        )

    monkeypatch.setattr(flows.nightly, "nightly", nightly)
    result = CliRunner().invoke(app, ["nightly", *own_folders(tmp_path)])
    assert result.exit_code == 1
    assert "delivery:        2 sent" in result.output
    assert result.output.rstrip().endswith(
        "error: delivery stopped, 9 message(s) wait for the next run: refused"
    )


def test_a_backfill_exits_non_zero_when_any_nights_delivery_stopped_and_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import logging

    import flows.backfill

    went = DeliveryReport(sent=3, parked=0, unknown=0)
    stopped = DeliveryReport(
        sent=0, parked=0, unknown=0, deferred=4, stopped="SendGrid unreachable: refused"
    )
    # The middle night meets the outage; the last night's delivery sends what it left.
    by_night = {date(2026, 12, 1): went, date(2026, 12, 2): stopped, date(2026, 12, 3): went}
    published: list[date] = []

    def stages(
        settings: Settings, writing: Settings, run_date: date, send: bool, publish: bool
    ) -> Any:
        if publish:
            published.append(run_date)
        summary = summary_with(by_night[run_date], settings.warehouse)
        summary.run_date = run_date
        return summary

    reported: list[date] = []

    def reports(settings: Settings, night: date) -> list[str]:
        reported.append(night)
        return []

    monkeypatch.setattr(flows.nightly, "_stages", stages)
    monkeypatch.setattr(flows.backfill, "write_reports", reports)
    monkeypatch.setattr(flows.backfill, "get_run_logger", lambda: logging.getLogger("test"))
    monkeypatch.setenv("LOOPKEEPER_WORK_DIR", str(tmp_path / "work"))
    with pytest.raises(DeliveryIncomplete) as raised:
        flows.backfill.backfill.fn(
            start=date(2026, 12, 1),
            end=date(2026, 12, 3),
            inbox=tmp_path,
            warehouse=tmp_path / "lk.duckdb",
            mail_dir=tmp_path / "mail",
            send=True,
        )
    assert str(raised.value) == (
        "delivery stopped on 1 of 3 night(s): 2026-12-02 (SendGrid unreachable: refused)"
    )
    assert published == [date(2026, 12, 3)]  # every night ran; the last was published
    # the nights before the last wrote their reports, the stopped one too
    assert reported == [date(2026, 12, 1), date(2026, 12, 2)]
    assert raised.value.summary.run_date == date(2026, 12, 3)


def test_a_backfill_whose_every_delivery_went_out_returns_its_nights(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import logging

    import flows.backfill

    def stages(
        settings: Settings, writing: Settings, run_date: date, send: bool, publish: bool
    ) -> Any:
        return summary_with(DeliveryReport(sent=1, parked=0, unknown=0), settings.warehouse)

    monkeypatch.setattr(flows.nightly, "_stages", stages)
    monkeypatch.setattr(flows.backfill, "write_reports", lambda settings, night: [])
    monkeypatch.setattr(flows.backfill, "get_run_logger", lambda: logging.getLogger("test"))
    monkeypatch.setenv("LOOPKEEPER_WORK_DIR", str(tmp_path / "work"))
    summaries = flows.backfill.backfill.fn(
        start=date(2026, 12, 1),
        end=date(2026, 12, 2),
        warehouse=tmp_path / "lk.duckdb",
        mail_dir=tmp_path / "mail",
    )
    assert len(summaries) == 2
