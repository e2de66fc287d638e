from __future__ import annotations

import email.message
import errno
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from notifications import DeliveryUnavailable, EmailMessage, FileSender, Outbox

MessageFactory = Callable[..., EmailMessage]
SENT_AT = datetime(2026, 11, 22, 3, 15, tzinfo=UTC)


def read_eml(path: Path) -> email.message.EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def lf(text: str) -> str:
    """Text with the CRLF line ends of the wire format turned back into Python's."""
    return text.replace("\r\n", "\n")


def test_file_sender_writes_an_eml_a_mail_client_can_read(
    tmp_path: Path, make_message: MessageFactory
) -> None:
    message = make_message(1, to_name="Priya Ramán", text="Hi Priya,\n\nThanks — noted.\n")
    sender = FileSender(tmp_path / "mail", clock=lambda: SENT_AT)

    message_id = sender.send(message)

    [path] = (tmp_path / "mail").iterdir()
    assert path.name == f"acknowledgment-{message.key.split('-')[1][:16]}.eml"
    parsed = read_eml(path)
    assert parsed["To"].addresses[0].addr_spec == "customer1@example.com"
    assert parsed["To"].addresses[0].display_name == "Priya Ramán"
    assert parsed["From"].addresses[0].display_name == "Acme Analytics Customer Success"
    assert parsed["From"].addresses[0].addr_spec == "hello@acme-analytics.io"
    assert parsed["Reply-To"] == "success@acme-analytics.io"
    assert parsed["Subject"] == message.subject
    assert parsed["Message-ID"] == message_id
    assert parsed["X-Loopkeeper-Key"] == message.key
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Date"].datetime == SENT_AT
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert lf(text.get_content()) == message.text
    assert lf(html.get_content()) == message.html


def test_sending_the_same_key_again_replaces_its_file(
    tmp_path: Path, make_message: MessageFactory
) -> None:
    sender = FileSender(tmp_path)
    first_id = sender.send(make_message(1))
    second_id = sender.send(make_message(1, subject="Reworded"))
    sender.send(make_message(2))

    assert first_id == second_id
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 2  # one file per key, no leftover temporary files
    assert all(name.endswith(".eml") and not name.startswith(".") for name in names)


def test_a_failed_write_leaves_no_file_behind_and_says_the_folder_is_unavailable(
    tmp_path: Path, make_message: MessageFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(DeliveryUnavailable, match="No space left on device"):
        FileSender(tmp_path).send(make_message(1))
    assert list(tmp_path.iterdir()) == []


def test_file_sender_sends_an_outbox_row(
    tmp_path: Path, outbox: Outbox, make_message: MessageFactory
) -> None:
    message = make_message(3)
    outbox.enqueue([message], date(2026, 11, 22))
    [row] = outbox.claim()

    FileSender(tmp_path).send(row)

    [path] = tmp_path.iterdir()
    assert read_eml(path)["X-Loopkeeper-Key"] == message.key
