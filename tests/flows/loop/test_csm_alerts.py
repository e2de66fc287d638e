"""Alerts to CSMs: one stale digest per CSM per night, an at-risk alert once per crossing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pytest

from flows.loop.at_risk import record_crossings
from flows.warehouse.schema import apply_schema
from tests.flows.loop.conftest import exports_policy, midnight


def test_one_stale_digest_per_csm_per_night(nights) -> None:
    rows = nights.query(
        "select run_date, to_email, count(*) from ops.outbox where kind = 'stale_digest'"
        " group by all order by all"
    )
    # Ari has nothing to chase: widget:dark and nps:fan were acknowledged and nps:det and
    # nps:ces handed off by the loop the same night, and widget:rep_late came before the first
    # night's acknowledgment window.
    assert rows == [
        (date(2026, 11, 16), "dana@loopkeeper-demo.io", 1),
        (date(2026, 11, 17), "dana@loopkeeper-demo.io", 1),
    ]


def test_the_digest_names_the_breached_clock_and_the_renewal(nights) -> None:
    [(body,)] = nights.query(
        "select body_text from ops.outbox where kind = 'stale_digest'"
        " and to_email = 'dana@loopkeeper-demo.io' and run_date = '2026-11-16'"
    )
    # nps:old's acknowledgment fell due on 6 November, before the acknowledgment window of the
    # first night: nothing a CSM can still act on, so not chased. Northwind renews soon.
    assert "Exports are slow for us too." not in body
    assert "Northwind Logistics" in body and "20 December 2026" in body


def test_an_at_risk_alert_fires_once_and_not_again_the_next_night(nights) -> None:
    alerts = nights.query(
        "select account_id, to_email, run_date from ops.outbox where kind = 'at_risk_alert'"
        " order by account_id"
    )
    # dim_accounts' reasons: Fabrikam's churn mention, Contoso's detractor (nps:det)
    assert alerts == [
        ("A2", "ari@loopkeeper-demo.io", date(2026, 11, 16)),
        ("A4", "dana@loopkeeper-demo.io", date(2026, 11, 16)),
    ]
    assert nights.first.at_risk_alerts.queued == 2
    # the second night the signals last, and their CSMs have heard of them: nothing to say
    assert nights.second.at_risk_alerts.composed == 0
    assert nights.second.at_risk_alerts.queued == 0
    keys = dict(nights.query("select account_id, message_key from ops.outbox"
                             " where kind = 'at_risk_alert'"))  # fmt: skip
    assert nights.query("select * from ops.risk_signals order by account_id") == [
        ("A2", "detractor", date(2026, 11, 16), None, keys["A2"]),
        ("A4", "churn_or_competitor_mention", date(2026, 11, 16), None, keys["A4"]),
    ]


def test_a_crossing_that_clears_and_returns_is_a_new_crossing() -> None:
    con = duckdb.connect()
    apply_schema(con)
    churn = {("A4", "churn_mention")}
    days = [date(2026, 11, d) for d in (16, 17, 18, 19)]
    assert record_crossings(con, churn, days[0]) == {("A4", "churn_mention"): days[0]}
    assert record_crossings(con, churn, days[1]) == {("A4", "churn_mention"): days[0]}
    assert record_crossings(con, set(), days[2]) == {}
    assert record_crossings(con, churn, days[3]) == {("A4", "churn_mention"): days[3]}
    assert con.execute(
        "select crossed_on, cleared_on from ops.risk_signals order by 1"
    ).fetchall() == [
        (days[0], days[2]),
        (days[3], None),
    ]


def test_a_night_opens_and_clears_many_crossings_and_a_backfill_clears_none_after_it() -> None:
    con = duckdb.connect()
    apply_schema(con)
    first = {(f"A{n}", signal) for n in range(300) for signal in ("churn_mention", "detractor")}
    days = [date(2026, 11, d) for d in (10, 16, 17)]
    assert record_crossings(con, first, days[1]) == dict.fromkeys(first, days[1])
    # the next night half the accounts stop, and two new crossings start
    kept = {(account, signal) for account, signal in first if int(account[1:]) % 2 == 0}
    second = kept | {("B1", "churn_mention"), ("B2", "detractor")}
    assert record_crossings(con, second, days[2]) == {
        **dict.fromkeys(kept, days[1]),
        ("B1", "churn_mention"): days[2],
        ("B2", "detractor"): days[2],
    }
    rows = con.execute(
        "select account_id, signal, crossed_on, cleared_on from ops.risk_signals"
    ).fetchall()
    assert len(rows) == 602
    assert {(a, s) for a, s, _, cleared in rows if cleared == days[2]} == first - kept
    assert {(a, s) for a, s, _, cleared in rows if cleared is None} == second
    # a backfill of an earlier night, where nothing was at risk, clears none of the crossings
    # that began after it
    assert record_crossings(con, set(), days[0]) == {}
    assert {
        (a, s)
        for a, s, cleared in con.execute(
            "select account_id, signal, cleared_on from ops.risk_signals"
        ).fetchall()
        if cleared is None
    } == second


def test_a_digest_does_not_chase_what_the_same_night_answered(nights) -> None:
    answered = nights.query(
        "select o.run_date, f.redacted_text from ops.outbox as o"
        " join marts.fct_feedback as f using (item_id)"
        " where o.kind in ('acknowledgment', 'handoff')"
    )
    digests = dict(
        nights.query(
            "select run_date, string_agg(body_text, ' ') from ops.outbox"
            " where kind = 'stale_digest' group by run_date"
        )
    )
    assert answered and digests
    for night, text in answered:
        assert text not in digests.get(night, ""), (night, text)


def test_the_digest_reads_only_the_waiting_rows_it_lists_and_says_the_same() -> None:
    """A large company waits on hundreds of thousands of account-theme rows; the step reads
    the ROWS_PER_SECTION most pressing of each CSM address and counts the rest. The digests are
    those of reading every row: an address written two ways is one CSM, ties keep their order,
    and rows without a CSM (blank or spaces) go to the team's inbox."""
    from flows.loop.stale_digests import waiting_on_product
    from notifications import EscalationWait, SenderIdentity, compose_stale_digests

    sender = SenderIdentity(
        "Customer Success", "hello@acme.example", "success@acme.example", "Acme"
    )
    spellings = [
        ("Dana Brooks", "Dana@acme.example", 25),
        ("Dana Brooks", " dana@acme.example", 12),
        ("Lee Park", "lee@acme.example", 20),
        ("", "", 20),
        ("", "  ", 3),
    ]
    with duckdb.connect() as con:
        con.execute("create schema loop")
        con.execute(
            "create table loop.loop_stale_waiting_on_product (waiting_id varchar,"
            " account_id varchar, theme_key varchar, csm_name varchar, csm_email varchar,"
            " account_name varchar, tier varchar, arr decimal(14, 2), theme_label varchar,"
            " escalated_on date, answer_due date)"
        )
        for name, email, rows in spellings:
            for n in range(rows):
                # few distinct dates: most rows tie on how long they have waited
                con.execute(
                    "insert into loop.loop_stale_waiting_on_product values"
                    " (?, ?, ?, ?, ?, ?, 'SMB', ?, ?, ?, date '2026-12-01')",
                    [
                        f"{email}{n}",
                        f"a{n}",
                        f"t{n % 3}",
                        f"{name} (cover)" if name and n % 2 else name,
                        email,
                        f"Account {(n * 7) % 11:02d}",
                        None if n % 5 == 0 else 1000 + n,
                        f"theme {n % 4}",
                        date(2026, 10, 1 + n % 3),
                    ],
                )
        listed, unlisted = waiting_on_product(con)
        everything = [
            EscalationWait(
                **dict(
                    zip(
                        (
                            "csm_name",
                            "csm_email",
                            "account_name",
                            "tier",
                            "arr",
                            "theme_label",
                            "escalated_on",
                            "answer_due",
                        ),
                        row,
                        strict=True,
                    )
                )
            )
            for row in con.execute(
                "select * exclude (waiting_id, account_id, theme_key)"
                " from loop.loop_stale_waiting_on_product order by all"
            ).fetchall()
        ]

    assert len(listed) == 15 + 12 + 15 + 15 + 3 < len(everything) == 80
    assert sum(u.count for u in unlisted) == len(everything) - len(listed)
    day, as_of = date(2026, 12, 2), datetime(2026, 12, 2)
    read_listed = compose_stale_digests(
        digest_date=day,
        as_of=as_of,
        stale=[],
        waiting=listed,
        renewals=[],
        sender=sender,
        unlisted_waits=unlisted,
    )
    read_all = compose_stale_digests(
        digest_date=day,
        as_of=as_of,
        stale=[],
        waiting=[
            EscalationWait(**{**w.__dict__, "arr": None if w.arr is None else float(w.arr)})
            for w in everything
        ],
        renewals=[],
        sender=sender,
    )
    assert [(m.key, m.to_email, m.to_name) for m in read_listed] == [
        (m.key, m.to_email, m.to_name) for m in read_all
    ]
    assert len(read_all) == 3  # Dana, Lee, the team
    for ours, theirs in zip(read_listed, read_all, strict=True):
        assert (ours.subject, ours.text, ours.html) == (theirs.subject, theirs.text, theirs.html)
    assert any("...and 22 more" in m.text for m in read_listed)  # Dana's 37 rows


# Every row with a clock falling due in the digest's range, whenever the item was received: what
# the digest read before it left out the rows that cannot have a clock in it.
EVERY_CLOCK_SQL = """
select fct_feedback.*, fct_feedback.feedback_text as text
from marts.fct_feedback
where ((acknowledged_at is null and ack_due_at >= $1 and ack_due_at < $2)
    or (detractor_contacted_at is null and detractor_contact_due_at >= $1
        and detractor_contact_due_at < $2))
    and $3::timestamp is not null
order by item_id
"""


@pytest.mark.parametrize(
    ("night", "window_days"), [(date(2026, 11, 16), 3), (date(2026, 11, 17), 1)]
)
def test_the_digest_reads_only_rows_that_can_have_a_clock_and_lists_the_same(
    nights, monkeypatch: pytest.MonkeyPatch, night: date, window_days: int
) -> None:
    """The digest reads the acknowledgment clocks of items received within the acknowledgment
    window and every detractor-contact clock, not every clock of the last two weeks (~29,000
    rows at a million items, to list ~700): it lists what reading every clock lists. On the
    second night with a one-day window, an acknowledgment clock is left out and a detractor's,
    received before the window, is listed."""
    from flows.loop import stale_digests

    policy = exports_policy(nights.escalation_dir, window_days=window_days)
    as_of = midnight(night)
    with duckdb.connect(str(nights.built_first), read_only=True) as con:
        listed = stale_digests.stale_items(con, as_of=as_of, policy=policy)
        with monkeypatch.context() as patched:
            patched.setattr(stale_digests, "CLOCKS_SQL", EVERY_CLOCK_SQL)
            every = stale_digests.stale_items(con, as_of=as_of, policy=policy)
        received = dict(
            con.execute("select item_id, received_at from marts.fct_feedback").fetchall()
        )
    assert listed == every
    assert listed, "the nights' warehouse has clocks to list"
    if window_days == 1:
        before = [i for i in listed if received[i.item_id] < as_of - timedelta(days=window_days)]
        assert [i.stage for i in before] == ["detractor contact"]
