from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import duckdb
import pytest

from flows.warehouse.schema import apply_schema
from notifications import EmailMessage, FeedbackItem, Outbox, SenderIdentity, message_key


@pytest.fixture
def sender_identity() -> SenderIdentity:
    return SenderIdentity(
        team_name="Customer Success",
        from_email="hello@acme-analytics.io",
        reply_to="success@acme-analytics.io",
        product_name="Acme Analytics",
    )


@pytest.fixture
def feedback_item() -> Callable[..., dict[str, Any]]:
    """A new feedback item as the flows hand it over; keyword arguments replace fields."""

    def make(**changes: Any) -> dict[str, Any]:
        item: dict[str, Any] = {
            "item_id": "nps:r_000123",
            "source": "nps",
            "text": "Exports keep timing out when I pick a full year.",
            "received_at": datetime(2026, 11, 3, 14, 22, 5, tzinfo=UTC),
            "contact_email": "priya.raman@northwind-logistics.com",
            "contact_name": "Priya Raman",
            "account_name": "Northwind Logistics",
            "tier": "Enterprise",
            "csm_name": "Dana Whitfield",
            "csm_email": "dana.whitfield@loopkeeper-demo.io",
            "product_area": "exports",
            "intent": "bug",
            "nps_score": 3,
        }
        item.update(changes)
        return item

    return make


@pytest.fixture
def make_message() -> Callable[..., EmailMessage]:
    """A valid message for recipient number ``n``; keyword arguments replace fields."""

    def make(n: int = 0, **changes: Any) -> EmailMessage:
        to_email = f"customer{n}@example.com"
        fields: dict[str, Any] = {
            "key": message_key("acknowledgment", to_email, f"item-{n}", "received"),
            "kind": "acknowledgment",
            "to_email": to_email,
            "to_name": f"Customer {n}",
            "from_email": "hello@acme-analytics.io",
            "from_name": "Acme Analytics Customer Success",
            "reply_to": "success@acme-analytics.io",
            "subject": f"We got your feedback on exports ({n})",
            "text": f"Hi Customer {n},\n\nThank you.\n",
            "html": f"<p>Hi Customer {n},</p><p>Thank you.</p>\n",
            "item_id": f"item-{n}",
            "account_id": f"001A{n:06d}",
        }
        fields.update(changes)
        return EmailMessage(**fields)

    return make


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse with its tables, as a run hands it to the library (flows.warehouse.schema)."""
    connection = duckdb.connect()
    apply_schema(connection)
    yield connection
    connection.close()


@pytest.fixture
def outbox(con: duckdb.DuckDBPyConnection) -> Outbox:
    return Outbox(con)


@pytest.fixture
def make_item(feedback_item: Callable[..., dict[str, Any]]) -> Callable[..., FeedbackItem]:
    """A typed feedback item as the flows build it from a fct_feedback row; keywords replace
    fields. Defaults: a promoter with no hand-off reason, on an Enterprise account."""

    def make(**changes: Any) -> FeedbackItem:
        row = feedback_item(
            account_id="001A000001",
            nps_score=9,
            arr=180_000.0,
            renewal_date=date(2027, 1, 15),
            intents="feature_request",
            intent="feature_request",
            severity="medium",
        )
        row.update(changes)
        return FeedbackItem.from_mapping(row)

    return make


@dataclass
class Posted:
    """One request the stand-in server received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class StandIn:
    """A stand-in Slack / webhook receiver on 127.0.0.1: records every POST and answers from
    ``answers`` (status, headers, body) in turn, then 200 "ok"."""

    port: int = 0
    posted: list[Posted] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    # Called with each request before it is answered (the crash test kills its client here).
    on_post: Callable[[Posted], None] | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    state = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = Posted(self.path, dict(self.headers.items()), body)
            state.posted.append(request)
            if state.on_post is not None:
                state.on_post(request)
            status, headers, text = state.answers.pop(0) if state.answers else (200, {}, "ok")
            payload = text.encode()
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client is gone (killed, or timed out): nobody reads the answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request line holds the webhook path, a secret

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
