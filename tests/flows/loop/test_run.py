"""The loop as the nightly calls it: the same night twice queues and sends nothing new."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.loop.policy import LoopPolicy


def test_running_the_same_night_again_queues_and_sends_nothing(nights) -> None:
    assert (
        nights.first.queued == len(nights.outbox_after_first) == 11
    )  # one stale digest (Ari has nothing to chase); two at-risk alerts (A4 churn, A2 detractor)
    assert nights.again.queued == 0
    assert nights.again.delivery.sent == 0
    assert nights.outbox_after_again == nights.outbox_after_first


def test_every_queued_message_was_sent_once_as_a_file(nights) -> None:
    statuses = {row["status"] for row in nights.outbox_after_first}
    assert statuses == {"sent"}
    total = nights.first.delivery.sent + nights.second.delivery.sent
    assert len(list(nights.mail_dir.glob("*.eml"))) == total


def test_the_next_night_queues_only_its_own_digests(nights) -> None:
    assert (
        nights.second.queued == nights.second.stale_digests.queued == 1
    )  # Dana's; Ari has nothing to chase


def test_the_summary_has_a_line_per_step(nights) -> None:
    lines = nights.first.lines()
    assert lines[0].startswith("  acknowledgments: 5 due, 2 handed to a CSM")
    assert any("escalations:" in line and "1 documents written" in line for line in lines)
    assert lines[-1].startswith("  delivery:        11 sent")


def test_a_policy_window_of_zero_days_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="window_days: must be 1 or more"):
        LoopPolicy(escalation_dir=tmp_path, window_days=0)


def test_a_night_run_on_a_set_clock_stamps_its_actions_with_it(nights, tmp_path) -> None:
    """`loopkeeper bench --nights` runs past nights at their own hour: each night's claims,
    sends, escalations and email dates read that clock, so the next night finds them behind
    it, as a scheduled nightly's, not ahead of it on the day the bench ran."""
    import shutil
    from datetime import timedelta
    from email import message_from_bytes
    from email.utils import parsedate_to_datetime

    from flows.loop.mail import make_sender
    from flows.loop.run import close_the_loop
    from flows.settings.clock import clock_set_to, utc_now
    from flows.settings.config import Settings
    from flows.warehouse.connection import open_warehouse
    from tests.flows.loop.conftest import FIRST, IDENTITY, exports_policy, midnight

    warehouse = tmp_path / "loopkeeper.duckdb"
    shutil.copyfile(nights.built_first, warehouse)
    ran_at = midnight(FIRST) + timedelta(hours=2, minutes=30)
    policy = exports_policy(tmp_path / "escalations")
    sender = make_sender(Settings(mail_dir=tmp_path / "mail", mail_sender="file"))
    with clock_set_to(ran_at), open_warehouse(warehouse) as con:
        outcome = close_the_loop(
            con,
            as_of=midnight(FIRST),
            run_date=FIRST,
            policy=policy,
            identity=IDENTITY,
            sender=sender,
        )
        stamps = con.execute(
            "select min(least(created_at, claimed_at, sent_at)),"
            " max(greatest(created_at, claimed_at, sent_at)) from ops.outbox"
        ).fetchone()
        escalated = con.execute("select min(escalated_at), max(escalated_at) from ops.escalations")
        escalated_at = escalated.fetchone()
    assert outcome.delivery.sent == 11
    window = (ran_at, ran_at + timedelta(minutes=5))
    assert stamps is not None and window[0] <= stamps[0] <= stamps[1] <= window[1]
    assert escalated_at is not None and window[0] <= escalated_at[0] <= escalated_at[1] <= window[1]
    dates = {
        parsedate_to_datetime(message_from_bytes(path.read_bytes())["Date"]).replace(tzinfo=None)
        for path in (tmp_path / "mail").glob("*.eml")
    }
    assert len(dates) >= 1 and all(window[0] <= moment <= window[1] for moment in dates)
    # Outside the block the clock is the wall clock again.
    assert abs(utc_now() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=5)
