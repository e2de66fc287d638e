"""`loopkeeper outbox`: a person sees what waits for a decision and re-queues what should go."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.commands.cli import app
from flows.commands.status import render_status
from flows.warehouse.connection import open_warehouse
from flows.warehouse.publish import publish, run_lock, work_path
from flows.warehouse.schema import apply_schema
from notifications import EmailMessage, FileSender, Outbox, deliver, message_key
from notifications.outbox import utc_now

NIGHT = date(2026, 12, 2)


def message(n: int, kind: str = "acknowledgment") -> EmailMessage:
    to = f"customer{n}@example.com"
    return EmailMessage(
        key=message_key(kind, to, f"item-{n}", "received"),
        kind=kind,
        to_email=to,
        to_name=f"Customer {n}",
        from_email="success@example.io",
        from_name="Customer Success",
        reply_to="success@example.io",
        subject=f"We got your feedback ({n})",
        text="Thank you.\n",
        html="<p>Thank you.</p>\n",
        item_id=f"item-{n}",
    )


@pytest.fixture
def outbox_after_a_bad_night(tmp_path: Path) -> Path:
    """A working copy whose outbox holds one of each: sent, unknown (a crash), parked (a 4xx),
    suppressed, pending. Returns the published warehouse path."""
    warehouse = tmp_path / "wh" / "lk.duckdb"
    day_ago = utc_now() - timedelta(days=1, hours=3)
    with open_warehouse(work_path(warehouse)) as con:
        apply_schema(con)
        outbox = Outbox(con, clock=lambda: day_ago)
        outbox.enqueue([message(n) for n in range(5)], NIGHT)
        rows = {row.to_email: row.message_key for row in outbox.claim(limit=4)}
        outbox.mark_sent(rows["customer0@example.com"], "<id0>")
        outbox.mark_parked(rows["customer1@example.com"], "SendGrid answered 400: invalid email")
        outbox.mark_parked(rows["customer2@example.com"], "suppressed: address is bounced")
        outbox.reconcile_stale_claims()  # customer3: claimed when the run was killed
    publish(work_path(warehouse), warehouse)
    return warehouse


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["outbox", *args])
    return result.exit_code, result.output


def test_the_outbox_lists_unknown_and_parked_messages_with_reason_and_age(
    outbox_after_a_bad_night: Path,
) -> None:
    code, output = run("--warehouse", str(outbox_after_a_bad_night))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("2 message(s) wait for a decision (1 unknown, 1 parked)")
    [parked] = [line for line in lines if "customer1@example.com" in line]
    assert (
        "parked" in parked
        and "1d 3h" in parked
        and "SendGrid answered 400: invalid email" in parked
    )
    [unknown] = [line for line in lines if "customer3@example.com" in line]
    assert "unknown" in unknown and "claimed by a run that did not finish" in unknown
    assert "customer2@example.com" not in output  # a suppression is policy, not a question
    assert "loopkeeper outbox --requeue KEY..." in output
    assert "--requeue-all-unknown" in output


def test_status_says_how_many_wait_and_which_command_to_run(outbox_after_a_bad_night: Path) -> None:
    lines = render_status(outbox_after_a_bad_night, work_path(outbox_after_a_bad_night))
    assert (
        "  ! 2 message(s) wait for a decision (unknown or parked): run `loopkeeper outbox`" in lines
    )


def test_requeued_messages_are_sent_by_the_next_delivery_once(
    outbox_after_a_bad_night: Path, tmp_path: Path
) -> None:
    listed = run("--warehouse", str(outbox_after_a_bad_night))[1]
    parked, unknown = (
        next(line.split()[0] for line in listed.splitlines() if f"{who}@" in line)
        for who in ("customer1", "customer3")
    )

    code, output = run("--warehouse", str(outbox_after_a_bad_night), "--requeue", parked)
    assert code == 0, output
    assert output.splitlines()[-1] == "1 message(s) back to pending: the next nightly sends them"
    code, output = run("--warehouse", str(outbox_after_a_bad_night), "--requeue-all-unknown")
    assert code == 0 and f"requeued {unknown}" in output and "1 message(s) back" in output

    mail = tmp_path / "mail"
    with open_warehouse(work_path(outbox_after_a_bad_night)) as con:
        report = deliver(Outbox(con), FileSender(mail))
        errors = dict(con.execute("select to_email, error from ops.outbox").fetchall())
    # customer1 and customer3 as decided, customer4 as never claimed; nobody else, nobody twice.
    assert (report.sent, report.waiting) == (3, 0)
    assert len(list(mail.glob("*.eml"))) == 3
    assert errors["customer0@example.com"] is None
    assert run("--warehouse", str(outbox_after_a_bad_night))[1].startswith("0 message(s) wait")


@pytest.mark.parametrize(
    ("key", "says"),
    [
        pytest.param("acknowledgment-", "is ambiguous (3 messages start with it)", id="ambiguous"),
        pytest.param(
            "acknowledgment-ffffffffffff", "matches no unknown or parked message", id="no match"
        ),
    ],
)
def test_a_key_that_is_not_one_waiting_message_changes_nothing(
    outbox_after_a_bad_night: Path, key: str, says: str
) -> None:
    code, output = run("--warehouse", str(outbox_after_a_bad_night), "--requeue", key)
    assert code == 1
    assert output.strip() == f"error: {key}: {says}"
    assert run("--warehouse", str(outbox_after_a_bad_night))[1].startswith("2 message(s) wait")


def test_several_keys_are_requeued_together_or_not_at_all(outbox_after_a_bad_night: Path) -> None:
    listed = run("--warehouse", str(outbox_after_a_bad_night))[1]
    keys = [line.split()[0] for line in listed.splitlines() if "@example.com" in line]
    code, output = run("--warehouse", str(outbox_after_a_bad_night), "--requeue", *keys, "nope")
    assert code == 1 and "nope: matches no" in output
    code, output = run("--warehouse", str(outbox_after_a_bad_night), "--requeue", *keys)
    assert code == 0 and "2 message(s) back to pending" in output


def test_the_outbox_is_reviewed_while_another_warehouses_night_writes_the_mail_folder(
    outbox_after_a_bad_night: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command writes no mail, so a night on another warehouse that holds the configured
    mail folder is no reason to refuse it; a run on this warehouse is."""
    mail = tmp_path / "mail"
    monkeypatch.setenv("LOOPKEEPER_MAIL_DIR", str(mail))
    with run_lock(tmp_path / "other-work" / "lk.duckdb", tmp_path / "other" / "lk.duckdb", mail):
        code, output = run("--warehouse", str(outbox_after_a_bad_night))
        assert code == 0, output
        assert output.startswith("2 message(s) wait for a decision")
    with run_lock(work_path(outbox_after_a_bad_night), outbox_after_a_bad_night):
        code, output = run("--warehouse", str(outbox_after_a_bad_night), "--requeue-all-unknown")
    assert code == 1 and "another nightly or backfill is writing" in output
    assert run("--warehouse", str(outbox_after_a_bad_night))[1].startswith("2 message(s) wait")


def test_nothing_published_yet_is_said_in_one_line(tmp_path: Path) -> None:
    code, output = run("--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 1 and output.count("\n") == 1 and "no warehouse here yet" in output


def test_age_reads_in_days_hours_or_minutes() -> None:
    from flows.commands.outbox_review import age

    now = datetime(2026, 12, 3, 12, 0)
    assert [
        age(now - then)
        for then in (
            now - timedelta(days=2, hours=5),
            now - timedelta(hours=5, minutes=7),
            now - timedelta(minutes=4),
        )
    ] == ["2d 5h", "5h 7m", "4m"]
