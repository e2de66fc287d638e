"""Acknowledgments: one per person and night, naming each item, and still exactly once per item."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flows.loop.acknowledgments import queue_acknowledgments
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema
from notifications import FeedbackItem, Outbox, SenderIdentity

SENDER = SenderIdentity(
    team_name="Customer Success",
    from_email="hello@acme-analytics.io",
    reply_to="success@acme-analytics.io",
    product_name="Acme Analytics",
)


def row(item_id: str, email: str, day: int, text: str) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "source": "widget",
        "text": text,
        "received_at": datetime(2026, 11, day, 9, tzinfo=UTC),
        "contact_email": email,
        "contact_name": "Priya Raman" if email.startswith("priya") else "Sam Okafor",
        "account_name": "Northwind Logistics",
        "tier": "SMB",
        "csm_name": "",
        "csm_email": "",
        "product_area": "exports",
        "intent": "feature_request",
        "intents": ["feature_request"],
        "nps_score": None,
    }


def item(item_id: str, email: str, day: int, text: str) -> FeedbackItem:
    """The row as the loop hands it on: read once into a typed item (flows/loop/rows.py)."""
    return FeedbackItem.from_mapping(row(item_id, email, day, text))


def covered(con: Any) -> dict[str, str]:
    return dict(con.execute("select item_id, message_key from ops.message_items").fetchall())


def test_one_acknowledgment_per_person_and_each_item_answered_once(tmp_path: Path) -> None:
    a1 = item("widget:a1", "priya@northwind.com", 20, "Please add an Excel export.")
    a2 = item("widget:a2", "priya@northwind.com", 21, "And a scheduled export, please.")
    b1 = item("widget:b1", "sam@northwind.com", 21, "Dark mode would help.")
    a3 = item("widget:a3", "priya@northwind.com", 22, "Also an API for exports.")
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        outbox = Outbox(con)
        apply_schema(con)
        night = queue_acknowledgments(
            outbox, [a1, a2, b1], run_date=date(2026, 11, 22), identity=SENDER
        )
        assert (night.due, night.queued) == (3, 2)
        [(subject, body)] = con.execute(
            "select subject, body_text from ops.outbox where to_email = 'priya@northwind.com'"
        ).fetchall()
        assert subject == "We got your 2 pieces of feedback"
        assert "Excel export" in body and "scheduled export" in body
        first = covered(con)
        assert set(first) == {"widget:a1", "widget:a2", "widget:b1"}
        assert first["widget:a1"] == first["widget:a2"] != first["widget:b1"]

        again = queue_acknowledgments(
            outbox, [a1, a2, b1], run_date=date(2026, 11, 22), identity=SENDER
        )
        assert again.queued == 0

        # The next night still has a1 and a2 in its window: only the new item is answered.
        later = queue_acknowledgments(
            outbox, [a1, a2, a3], run_date=date(2026, 11, 23), identity=SENDER
        )
        assert later.queued == 1
        newest = con.execute(
            "select subject, body_text from ops.outbox where run_date = '2026-11-23'"
        ).fetchall()
        assert len(newest) == 1 and "API for exports" in newest[0][1]
        assert "Excel export" not in newest[0][1]
        assert con.execute("select count(*) from ops.outbox").fetchone() == (3,)
        assert set(covered(con)) == {"widget:a1", "widget:a2", "widget:a3", "widget:b1"}


def test_one_hand_off_per_person_listing_each_item_and_none_twice() -> None:
    from flows.loop.handoffs import compose_handoffs
    from notifications import FeedbackItem

    def detractor(item_id: str, email: str, text: str) -> FeedbackItem:
        fields = row(item_id, email, 21, text)
        fields.update(source="nps", nps_score=2, item_id=item_id, intents=["bug"], intent="bug")
        return FeedbackItem.from_mapping(fields)

    items = [
        detractor("nps:a1", "priya@northwind.com", "Exports fail every night."),
        detractor("nps:a2", "priya@northwind.com", "And support never answers."),
        detractor("nps:b1", "sam@northwind.com", "Too slow."),
    ]
    as_of = datetime(2026, 11, 22)
    messages, rejected = compose_handoffs(items, as_of=as_of, identity=SENDER)
    assert rejected == []
    by_items = {ids: message for message, ids in messages}
    assert set(by_items) == {("nps:a1", "nps:a2"), ("nps:b1",)}
    both = by_items[("nps:a1", "nps:a2")]
    assert "(2 pieces of feedback)" in both.subject
    text = " ".join(both.text.split())
    assert "Exports fail every night." in text and "support never answers." in text
    assert "Feedback 1 of 2" in text and "Feedback 2 of 2" in text
    again, _ = compose_handoffs(items, as_of=as_of, identity=SENDER, answered={"nps:a1", "nps:a2"})
    assert [ids for _, ids in again] == [("nps:b1",)]
