"""QBR follow-up drafts, stale digests and at-risk alerts: what the CSM reads, keyed to send once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime

import pytest

from notifications import (
    AccountHealth,
    AtRiskSignal,
    EscalationWait,
    FeedbackItem,
    QbrNote,
    RenewalWatch,
    SenderIdentity,
    StaleItem,
    compose_at_risk_alert,
    compose_handoff,
    compose_qbr_followup,
    compose_stale_digests,
)

ItemFactory = Callable[..., FeedbackItem]
DANA = ("Dana Whitfield", "dana.whitfield@loopkeeper-demo.io")
LEE = ("Lee Okafor", "lee.okafor@loopkeeper-demo.io")


def flat(body: str) -> str:
    return " ".join(body.split())


def qbr_note(make_item: ItemFactory, **changes: object) -> QbrNote:
    items = (
        make_item(
            item_id="note:qbr-1#1",
            source="note",
            text="SSO setup took two weeks.",
            intent="usability",
            intents="usability",
            product_area="sso",
        ),
        make_item(
            item_id="note:qbr-1#2",
            source="note",
            text="Dashboards load slowly.",
            intent="performance",
            intents="performance",
            product_area="dashboards",
        ),
    )
    fields: dict[str, object] = {
        "note_id": "notes/2026-10-28-northwind.md",
        "meeting_date": date(2026, 10, 28),
        "next_update": date(2026, 11, 11),
        "items": items,
    }
    fields.update(changes)
    return QbrNote(**fields)  # type: ignore[arg-type]


def test_qbr_followup_lists_every_point_heard_and_what_happens_next(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    note = qbr_note(make_item, plans={"note:qbr-1#1": "SCIM provisioning ships in January."})

    message = compose_qbr_followup(note, sender=sender_identity)

    assert message.kind == "qbr_followup" and message.to_email == DANA[1]
    assert message.subject == "Draft follow-up for the Northwind Logistics QBR of 28 October 2026"
    for body in (flat(message.text), flat(message.html)):
        assert "SSO setup took two weeks." in body
        assert "SCIM provisioning ships in January." in body  # a person's plan wins
        assert "Dashboards load slowly." in body
        assert "Our engineers read what you told us about speed" in body  # the intent's plan
        assert "by 11 November 2026" in body
        assert "Dana Whitfield" in body
    assert flat(message.text).count("We heard:") == 2


def test_qbr_followup_is_keyed_to_the_note(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    first = compose_qbr_followup(qbr_note(make_item), sender=sender_identity)
    again = compose_qbr_followup(qbr_note(make_item), sender=sender_identity)
    other = compose_qbr_followup(qbr_note(make_item, note_id="other.md"), sender=sender_identity)
    assert first.key == again.key != other.key


def test_a_qbr_note_mixing_accounts_is_refused(make_item: ItemFactory) -> None:
    with pytest.raises(ValueError, match="several accounts"):
        qbr_note(make_item, items=(make_item(), make_item(account_id="001A000002")))


def stale(csm: tuple[str, str], item_id: str, due_at: datetime) -> StaleItem:
    return StaleItem(
        item_id,
        *csm,
        "Northwind Logistics",
        "Enterprise",
        180_000.0,
        "acknowledgment",
        due_at,
        "Exports time out; write to priya@northwind.com",
    )


def test_stale_digest_is_one_per_csm_with_breached_due_soon_waiting_and_renewals(
    sender_identity: SenderIdentity,
) -> None:
    as_of = datetime(2026, 11, 22)
    messages = compose_stale_digests(
        digest_date=date(2026, 11, 22),
        as_of=as_of,
        stale=[
            stale(DANA, "nps:1", datetime(2026, 11, 21, 9)),
            stale(DANA, "nps:2", datetime(2026, 11, 22, 15)),
            stale(LEE, "nps:3", datetime(2026, 11, 20)),
        ],
        waiting=[
            EscalationWait(
                *DANA,
                "Contoso",
                "Mid-Market",
                60_000.0,
                "export timeouts",
                date(2026, 11, 10),
                date(2026, 11, 24),
            )
        ],
        renewals=[RenewalWatch(*DANA, "Fabrikam", "SMB", 12_000.0, date(2026, 12, 1), 4)],
        sender=sender_identity,
    )

    by_csm = {message.to_email: message for message in messages}
    assert set(by_csm) == {DANA[1], LEE[1]}
    dana = flat(by_csm[DANA[1]].text)
    assert dana.index("PAST THEIR SLA") < dana.index("nps:1") < dana.index("ABOUT TO BREACH")
    assert dana.index("ABOUT TO BREACH") < dana.index("nps:2")
    assert "export timeouts" in dana and "escalated 10 November 2026" in dana
    assert "Fabrikam (SMB, $12,000) renews 1 December 2026 with 4 open items" in dana
    assert "priya@northwind.com" not in dana  # summaries are redacted
    assert "nps:3" not in dana
    assert "4 things slipping" in by_csm[DANA[1]].subject
    assert "Waiting on an escalation" in by_csm[DANA[1]].html


def test_a_long_digest_lists_the_most_pressing_rows_of_each_section_and_counts_the_rest(
    sender_identity: SenderIdentity,
) -> None:
    from notifications.digest import ROWS_PER_SECTION

    waiting = [
        EscalationWait(
            *DANA,
            f"Account {n:02d}",
            "SMB",
            10_000.0,
            "export timeouts",
            date(2026, 10, 1 + n),
            date(2026, 12, 1),
        )
        for n in range(ROWS_PER_SECTION + 10)
    ]
    renewals = [RenewalWatch(*DANA, "Fabrikam", "SMB", 12_000.0, date(2026, 12, 1), 4)]

    [digest] = compose_stale_digests(
        digest_date=date(2026, 11, 22),
        as_of=datetime(2026, 11, 22),
        stale=[],
        waiting=list(reversed(waiting)),
        renewals=renewals,
        sender=sender_identity,
    )

    text = flat(digest.text)
    shown = [f"Account {n:02d}" for n in range(ROWS_PER_SECTION)]
    assert all(name in text for name in shown)  # the longest waiting
    assert f"Account {ROWS_PER_SECTION:02d}" not in text
    assert "...and 10 more, the most pressing listed above." in text
    assert "...and 10 more" in digest.html
    # a section within the limit is listed whole, with no count
    assert "renews 1 December 2026 with 4 open items. --" in text
    assert f"{ROWS_PER_SECTION + 11} things slipping" in digest.subject


def test_stale_digest_key_holds_the_date(sender_identity: SenderIdentity) -> None:
    def digest(day: date) -> str:
        [message] = compose_stale_digests(
            digest_date=day,
            as_of=datetime(2026, 11, 22),
            stale=[stale(DANA, "nps:1", datetime(2026, 11, 21))],
            waiting=[],
            renewals=[],
            sender=sender_identity,
        )
        return message.key

    assert digest(date(2026, 11, 22)) == digest(date(2026, 11, 22))
    assert digest(date(2026, 11, 22)) != digest(date(2026, 11, 23))


def test_no_digest_for_a_csm_with_nothing_to_report(sender_identity: SenderIdentity) -> None:
    assert (
        compose_stale_digests(
            digest_date=date(2026, 11, 22),
            as_of=datetime(2026, 11, 22),
            stale=[],
            waiting=[],
            renewals=[],
            sender=sender_identity,
        )
        == []
    )


def health(**changes: object) -> AccountHealth:
    fields: dict[str, object] = {
        "account_id": "001A000001",
        "account_name": "Northwind Logistics",
        "tier": "Enterprise",
        "arr": 180_000.0,
        "renewal_date": date(2027, 1, 15),
        "csm_name": DANA[0],
        "csm_email": DANA[1],
    }
    fields.update(changes)
    return AccountHealth(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("signal", "changes", "headline"),
    [
        pytest.param(
            AtRiskSignal.SEVERAL_ESCALATIONS,
            {"escalated_items_30d": 3},
            "has had 3 escalated items in the last 30 days",
            id="several escalations",
        ),
        pytest.param(
            AtRiskSignal.CHURN_OR_COMPETITOR_MENTION,
            {},
            "mentioned leaving or a competitor in the last 90 days",
            id="churn mention, no competitor named",
        ),
        pytest.param(
            AtRiskSignal.CSAT_FALLING,
            {"csat_satisfied_share_prior_30d": 0.8, "csat_satisfied_share_30d": 0.5},
            "has falling CSAT (80% to 50% satisfied)",
            id="csat falling",
        ),
        pytest.param(
            AtRiskSignal.DETRACTOR,
            {"latest_nps_score": 3},
            "gave a detractor NPS score (3 out of 10)",
            id="detractor",
        ),
    ],
)
def test_the_alert_headline_states_the_reason_with_its_figures(
    signal: AtRiskSignal,
    changes: dict[str, object],
    headline: str,
    sender_identity: SenderIdentity,
) -> None:
    message = compose_at_risk_alert(health(**changes), signal, sender=sender_identity)

    assert message.subject == f"At risk: Northwind Logistics {headline}"
    assert headline in flat(message.text)


def test_at_risk_alert_names_the_signal_and_quotes_the_evidence(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    account = health(competitors=("Looker", "Tableau"))
    evidence = [make_item(text="Looker does this out of the box.")]

    message = compose_at_risk_alert(
        account,
        AtRiskSignal.CHURN_OR_COMPETITOR_MENTION,
        sender=sender_identity,
        evidence=evidence,
    )

    assert message.to_email == DANA[1] and message.kind == "at_risk_alert"
    assert (
        message.subject == "At risk: Northwind Logistics mentioned leaving or a competitor"
        " (Looker, Tableau) in the last 90 days"
    )
    for body in (flat(message.text), flat(message.html)):
        assert "Looker does this out of the box." in body
        assert "$180,000" in body and "15 January 2027" in body


def test_at_risk_alert_key_is_per_account_signal_and_crossing(
    sender_identity: SenderIdentity,
) -> None:
    def key(account: AccountHealth, signal: AtRiskSignal, crossed_on: date | None = None) -> str:
        return compose_at_risk_alert(
            account, signal, sender=sender_identity, crossed_on=crossed_on
        ).key

    churn = AtRiskSignal.CHURN_OR_COMPETITOR_MENTION
    assert key(health(), churn) == key(health(escalated_items_30d=9), churn)
    assert key(health(), churn) != key(health(), AtRiskSignal.DETRACTOR)
    assert key(health(), churn) != key(health(account_id="001A000002"), churn)
    assert key(health(), churn, date(2026, 11, 1)) == key(health(), churn, date(2026, 11, 1))
    assert key(health(), churn, date(2026, 11, 1)) != key(health(), churn, date(2027, 2, 1))


def test_a_digest_item_is_named_as_a_person_finds_it_not_by_its_id(
    sender_identity: SenderIdentity,
) -> None:
    as_of = datetime(2026, 11, 22)
    item = dataclasses.replace(
        stale(DANA, "ticket:40020", datetime(2026, 11, 21, 9)),
        source="ticket",
        source_record_id="40020",
        contact="Priya Raman",
        received_at=datetime(2026, 11, 10, 8),
    )
    widget = dataclasses.replace(
        stale(DANA, "widget:wfb_06GYq81", datetime(2026, 11, 21, 10)),
        source="widget",
        source_record_id="wfb_06GYq81",
        contact="Sam Okafor",
        received_at=datetime(2026, 11, 21, 10),
    )
    [message] = compose_stale_digests(
        digest_date=date(2026, 11, 22),
        as_of=as_of,
        stale=[item, widget],
        waiting=[],
        renewals=[],
        sender=sender_identity,
    )
    for body in (flat(message.text), flat(message.html)):
        assert "(ticket #40020 from Priya Raman, 11 days old)" in body
        assert "(in-app feedback from Sam Okafor, under a day old)" in body
        assert "widget:" not in body and "wfb_06GY" not in body


def test_every_alert_to_a_csm_greets_them_by_first_name(
    make_item: ItemFactory, sender_identity: SenderIdentity
) -> None:
    # Digests, at-risk alerts, hand-offs and QBR drafts: "Hi Dana," never "Hi Dana Whitfield,".
    [digest] = compose_stale_digests(
        digest_date=date(2026, 11, 22),
        as_of=datetime(2026, 11, 22),
        stale=[stale(DANA, "nps:1", datetime(2026, 11, 21, 9))],
        waiting=[],
        renewals=[],
        sender=sender_identity,
    )
    alert = compose_at_risk_alert(
        health(latest_nps_score=3), AtRiskSignal.DETRACTOR, sender=sender_identity
    )
    handoff = compose_handoff(
        make_item(nps_score=3), sender=sender_identity, handed_off_at=datetime(2026, 11, 22)
    )
    qbr = compose_qbr_followup(qbr_note(make_item), sender=sender_identity)
    for message in (digest, alert, handoff, qbr):
        assert message.to_email == DANA[1]
        for body in (flat(message.text), flat(message.html)):
            assert "Hi Dana," in body and "Hi Dana Whitfield" not in body


def test_a_digest_item_without_words_shows_no_empty_quote(sender_identity: SenderIdentity) -> None:
    # An NPS answer with a score and no comment: nothing to quote, not `""`.
    silent = dataclasses.replace(stale(DANA, "nps:9", datetime(2026, 11, 21, 9)), summary="")
    [message] = compose_stale_digests(
        digest_date=date(2026, 11, 22),
        as_of=datetime(2026, 11, 22),
        stale=[silent],
        waiting=[],
        renewals=[],
        sender=sender_identity,
    )
    assert '""' not in message.text and "<em></em>" not in message.html
    assert "(nps:9)" in flat(message.text)
