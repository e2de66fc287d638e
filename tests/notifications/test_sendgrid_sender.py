"""The SendGrid sender against a local stand-in for mail/send (the real client, a fake server)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import duckdb
import pytest

from flows.warehouse.schema import apply_schema
from notifications import (
    DeliveryUnavailable,
    DeliveryUnknown,
    EmailMessage,
    Outbox,
    SendGridSender,
    deliver,
    message_key,
)

API_KEY = "SG.test-key-id.that-must-never-be-printed"


class StandIn:
    """Answers each POST /v3/mail/send with the next scripted (status, headers, delay)."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str], float]] = []
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []


@pytest.fixture
def stand_in() -> Iterator[tuple[StandIn, str]]:
    state = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append((dict(self.headers), body))
            status, headers, delay = state.script.pop(0) if state.script else (202, {}, 0.0)
            time.sleep(delay)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            payload = b"" if status == 202 else b'{"errors":[{"message":"scripted"}]}'
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            # The timeout case has the client gone by now: a broken pipe is the expected end.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def sender(host: str, sleeps: list[float] | None = None, **options: Any) -> SendGridSender:
    return SendGridSender(
        API_KEY,
        host=host,
        sleep=(sleeps.append if sleeps is not None else lambda _: None),
        clock=lambda: 1_000.0,
        **options,
    )


def test_accepted_message_returns_sendgrids_id_and_carries_our_key(
    stand_in: tuple[StandIn, str], make_message: Callable[..., EmailMessage]
) -> None:
    state, host = stand_in
    state.script = [(202, {"X-Message-Id": "sg-abc123"}, 0.0)]
    message = make_message()
    assert sender(host, sandbox=True).send(message) == "sg-abc123"
    headers, body = state.requests[0]
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert body["custom_args"]["loopkeeper_key"] == message.key
    assert body["personalizations"][0]["to"][0]["email"] == message.to_email
    assert body["mail_settings"]["sandbox_mode"]["enable"] is True
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]


def test_rate_limit_waits_until_the_reset_time_then_sends(
    stand_in: tuple[StandIn, str], make_message: Callable[..., EmailMessage]
) -> None:
    state, host = stand_in
    state.script = [
        (429, {"X-RateLimit-Reset": "1007"}, 0.0),
        (503, {}, 0.0),
        (202, {"X-Message-Id": "ok"}, 0.0),
    ]
    sleeps: list[float] = []
    assert sender(host, sleeps).send(make_message()) == "ok"
    assert sleeps == [7.0, 10.0]
    assert len(state.requests) == 3


def test_server_errors_after_the_retries_leave_the_message_for_another_night(
    stand_in: tuple[StandIn, str], make_message: Callable[..., EmailMessage]
) -> None:
    state, host = stand_in
    state.script = [(500, {}, 0.0)] * 4
    with pytest.raises(DeliveryUnavailable, match="500 4 times"):
        sender(host, retries=3).send(make_message())


def test_client_error_is_parked_with_the_reason_and_never_shows_the_key(
    stand_in: tuple[StandIn, str], make_message: Callable[..., EmailMessage]
) -> None:
    state, host = stand_in
    state.script = [(400, {}, 0.0)]
    con = duckdb.connect()
    outbox = Outbox(con)
    apply_schema(con)
    message = make_message()
    outbox.enqueue([message], run_date=date(2026, 11, 20))
    report = deliver(outbox, sender(host))
    row = outbox.get(message.key)
    assert (report.parked, report.sent) == (1, 0)
    assert row is not None and row.status == "parked"
    assert "SendGrid answered 400" in (row.error or "")
    assert API_KEY not in (row.error or "") and API_KEY not in repr(sender(host))


def test_timeout_after_the_request_left_is_unknown_not_retried(
    stand_in: tuple[StandIn, str], make_message: Callable[..., EmailMessage]
) -> None:
    state, host = stand_in
    state.script = [(202, {}, 1.0)]
    with pytest.raises(DeliveryUnknown):
        sender(host, timeout=0.2).send(make_message())
    assert len(state.requests) == 1


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        SendGridSender("")


def test_an_address_without_a_name_is_sent_without_one(
    stand_in: tuple[StandIn, str], make_message: Callable[..., EmailMessage]
) -> None:
    state, host = stand_in
    sender(host).send(
        make_message(
            3,
            to_name="",
            kind="handoff",
            key=message_key("handoff", "customer3@example.com", "i", "s"),
        )
    )
    [(_, body)] = state.requests
    assert body["personalizations"] == [{"to": [{"email": "customer3@example.com"}]}]
    assert body["custom_args"]["kind"] == "handoff"
