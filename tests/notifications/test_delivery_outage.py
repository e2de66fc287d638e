"""Finding 2: failures by kind. An outage leaves mail pending and stops at once; a 4xx parks."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from notifications import (
    DeliveryUnavailable,
    DeliveryUnknown,
    EmailMessage,
    FileSender,
    Outbox,
    SendGridSender,
    deliver,
)

MessageFactory = Callable[..., EmailMessage]
RUN_DATE = date(2026, 12, 3)
KEY = "SG.outage-test-key-id.outage-test-key-secret"


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def stand_in(port: int, answers: dict[str, int]) -> Iterator[list[str]]:
    """SendGrid's mail/send on ``port``: 202 unless ``answers`` names the recipient; yields
    the outbox key of every request it accepted, in order."""
    accepted: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            to = body["personalizations"][0]["to"][0]["email"]
            status = answers.get(to, 202)
            if status == 202:
                accepted.append(body["custom_args"]["loopkeeper_key"])
            payload = b"" if status == 202 else b'{"errors":[{"message":"does not exist"}]}'
            self.send_response(status)
            self.send_header("X-Message-Id", f"sg-{len(accepted)}")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield accepted
    finally:
        server.shutdown()
        server.server_close()


def test_an_outage_ends_in_seconds_parks_nothing_and_the_next_run_delivers_everything_once(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    messages = [make_message(n) for n in range(40)]
    outbox.enqueue(messages, RUN_DATE)
    port = free_port()
    # Real back-off waits: an outage must not be waited out message by message.
    sender = SendGridSender(KEY, host=f"http://127.0.0.1:{port}", timeout=5)

    started = time.monotonic()
    down = deliver(outbox, sender)
    took = time.monotonic() - started

    assert took < 3, f"an outage held delivery for {took:.1f} s"
    assert (down.sent, down.parked, down.unknown, down.deferred) == (0, 0, 0, 40)
    assert down.stopped is not None and "SendGrid unreachable" in down.stopped
    assert "Connection refused" in down.stopped and KEY not in down.stopped
    assert outbox.counts_by_status()["pending"] == 40
    [attempted] = [m for m in messages if outbox.get(m.key).attempts == 1]  # type: ignore[union-attr]
    assert "refused" in (outbox.get(attempted.key).error or "")  # type: ignore[union-attr]

    with stand_in(port, {}) as accepted:
        up = deliver(outbox, sender)

    assert (up.sent, up.parked, up.unknown, up.stopped) == (40, 0, 0, None)
    assert sorted(accepted) == sorted(m.key for m in messages)  # every one, once


def test_a_4xx_parks_that_message_with_the_reason_and_the_others_go(
    outbox: Outbox, make_message: MessageFactory
) -> None:
    messages = [make_message(n) for n in range(3)]
    outbox.enqueue(messages, RUN_DATE)
    port = free_port()
    with stand_in(port, {"customer1@example.com": 400}) as accepted:
        report = deliver(outbox, SendGridSender(KEY, host=f"http://127.0.0.1:{port}"))

    assert (report.sent, report.parked, report.stopped, report.waiting) == (2, 1, None, 1)
    parked = outbox.get(messages[1].key)
    assert parked is not None and parked.status == "parked"
    assert parked.error == 'SendGrid answered 400: {"errors":[{"message":"does not exist"}]}'
    assert len(accepted) == 2


def test_a_mail_folder_that_cannot_be_written_leaves_the_night_pending(
    tmp_path: Path, outbox: Outbox, make_message: MessageFactory
) -> None:
    messages = [make_message(n) for n in range(11)]
    outbox.enqueue(messages, RUN_DATE)
    blocker = tmp_path / "mail"
    blocker.write_text("a file where the mail folder should be")  # fails even for root

    report = deliver(outbox, FileSender(blocker / "out"))

    assert (report.sent, report.parked, report.deferred) == (0, 0, 11)
    assert report.stopped is not None and "cannot write to the mail folder" in report.stopped
    blocker.unlink()
    again = deliver(outbox, FileSender(blocker / "out"))
    assert (again.sent, again.parked, again.stopped) == (11, 0, None)
    assert len(list((blocker / "out").glob("*.eml"))) == 11


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        pytest.param(
            urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
            DeliveryUnavailable,
            id="no DNS: pending",
        ),
        pytest.param(
            urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")),
            DeliveryUnavailable,
            id="refused: pending",
        ),
        pytest.param(
            urllib.error.URLError(ssl.SSLCertVerificationError("certificate verify failed")),
            DeliveryUnavailable,
            id="TLS fails before the request: pending",
        ),
        pytest.param(
            TimeoutError("The read operation timed out"),
            DeliveryUnknown,
            id="read timeout: unknown",
        ),
        pytest.param(
            http.client.RemoteDisconnected("Remote end closed connection without response"),
            DeliveryUnknown,
            id="dropped after the request: unknown",
        ),
    ],
)
def test_a_failure_is_classified_by_whether_the_request_can_have_arrived(
    make_message: MessageFactory, failure: Exception, kind: type[Exception]
) -> None:
    sender = SendGridSender(KEY, host="http://127.0.0.1:9")

    def fail(body: object) -> None:
        raise failure

    sender._client.send = fail  # type: ignore[method-assign]
    with pytest.raises(kind):
        sender.send(make_message())
