"""The loop as the nightly calls it: the same night twice queues and sends nothing new."""

from __future__ import annotations

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
