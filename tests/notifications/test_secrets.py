"""Finding 3: the SendGrid key is checked before anything is sent, and never reaches a log,
the summary or the warehouse, whatever exception quotes it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from flows.loop.mail import MailConfigError, check_mail_settings, error_text
from flows.loop.outcome import delivery_notes
from flows.settings.config import Settings
from notifications import (
    ApiKeyError,
    DeliveryUnavailable,
    DeliveryUnknown,
    EmailMessage,
    Outbox,
    OutboxRow,
    SendGridSender,
    SendRejected,
    check_api_key,
    deliver,
    install_log_redaction,
    remember_secret,
)

KEY = "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"
RUN_DATE = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("key", "says"),
    [
        pytest.param(
            KEY + "\n", "whitespace or a newline", id="trailing newline from $(cat key.txt)"
        ),
        pytest.param(" " + KEY, "whitespace or a newline", id="leading space"),
        pytest.param(KEY[:20] + " " + KEY[20:], "contains whitespace", id="space inside"),
        pytest.param("sk-" + KEY[3:], "does not start with 'SG.'", id="wrong prefix"),
        pytest.param("SG.onlyonepart", "not shaped like", id="truncated key"),
        pytest.param("", "empty", id="empty"),
    ],
)
def test_a_malformed_key_is_one_clear_error_that_never_shows_the_key(key: str, says: str) -> None:
    with pytest.raises(ApiKeyError, match=says) as raised:
        check_api_key(key)
    assert key.strip() == "" or key.strip()[6:] not in str(raised.value)
    with pytest.raises(ApiKeyError):
        SendGridSender(key, host="http://127.0.0.1:9")  # the sender refuses it too


def test_a_key_with_a_trailing_newline_stops_the_run_before_any_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import run_night

    monkeypatch.setenv("SENDGRID_API_KEY", KEY + "\n")
    settings = Settings(
        inbox=tmp_path / "inbox",
        warehouse=tmp_path / "wh" / "lk.duckdb",
        mail_dir=tmp_path / "mail",
        mail_sender="sendgrid",
    )
    with pytest.raises(MailConfigError) as raised:
        run_night(settings, RUN_DATE)
    message = str(raised.value)
    assert message == (
        "the SendGrid API key in SENDGRID_API_KEY starts or ends with whitespace or a newline"
        " (a key read from a file keeps the file's last newline); remove it"
    )
    assert KEY not in message and "\n" not in message
    assert not (tmp_path / "wh").exists()  # nothing created, nothing claimed, nothing sent


def test_a_well_formed_key_passes_the_start_up_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDGRID_API_KEY", KEY)
    check_mail_settings(Settings(mail_sender="sendgrid"))


class LeakingSender:
    """A sender whose every failure quotes the key, the way http.client quotes a bad header."""

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = errors

    def send(self, message: EmailMessage | OutboxRow) -> str:
        raise self.errors.pop(0)


LEAKS = [
    ValueError(f"Invalid header value b'Bearer {KEY}\\n'"),
    OSError(5, f"proxy said: Authorization: Bearer {KEY}"),
    DeliveryUnknown(f"read timed out sending {{'Authorization': 'Bearer {KEY}'}}"),
    SendRejected(f"SendGrid answered 401: key {KEY} is revoked"),
    KeyError(KEY),
    DeliveryUnavailable(f"connect to api.sendgrid.com as {KEY} refused"),
]


def test_every_error_text_is_redacted_on_its_way_to_the_log_the_summary_and_the_warehouse(
    outbox: Outbox,
    make_message: Callable[..., EmailMessage],
    caplog: pytest.LogCaptureFixture,
) -> None:
    remember_secret(KEY)  # as SendGridSender and the start-up check do with the configured key
    messages = [make_message(n) for n in range(len(LEAKS))]
    outbox.enqueue(messages, RUN_DATE)
    caplog.set_level(logging.INFO)

    report = deliver(outbox, LeakingSender(list(LEAKS)))

    assert (report.parked, report.unknown, report.deferred) == (4, 1, 1)
    errors = [outbox.get(message.key).error or "" for message in messages]  # type: ignore[union-attr]
    assert all(errors[:5]) and all("[redacted]" in error for error in errors[:5])
    summary = "\n".join(delivery_notes(report))
    for text in (*errors, caplog.text, summary, report.stopped or ""):
        assert KEY not in text and KEY[3:25] not in text and KEY[26:] not in text


def test_a_key_shaped_text_is_redacted_even_when_this_process_never_saw_the_key() -> None:
    other = "SG.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
    assert error_text(RuntimeError(f"bad key {other} for Bearer abc.def")) == (
        "bad key [redacted] for Bearer [redacted]"
    )


def test_log_lines_and_tracebacks_are_redacted_once_installed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    previous = logging.getLogRecordFactory()
    install_log_redaction()
    remember_secret(KEY)
    log = logging.getLogger("some.library")
    caplog.set_level(logging.DEBUG)
    try:
        raise ValueError(f"Invalid header value b'Bearer {KEY}\\n'")
    except ValueError:
        log.exception("request failed with headers %s", {"Authorization": f"Bearer {KEY}"})
    finally:
        logging.setLogRecordFactory(previous)
    formatted = "\n".join(caplog.handler.format(record) for record in caplog.records)
    assert "ValueError: Invalid header value" in formatted and "Traceback" in formatted
    assert KEY not in formatted and KEY[26:] not in formatted
