"""SendGrid through the official client: retries on 429/5xx, parks on other 4xx, never leaks the key.

mail/send has no idempotency key, so this sender only ever makes one attempt per answer it
gets back: a request that timed out after leaving may have been delivered, and raises
DeliveryUnknown for a person to decide rather than be retried blindly. A request that never
left (DNS, refused, TLS) raises DeliveryUnavailable at once: the message stays pending and the
batch stops, instead of every message waiting out its own retries.
"""

from __future__ import annotations

import contextlib
import re
import time
import urllib.error
from collections.abc import Callable
from typing import Any

from notifications.messages import EmailMessage
from notifications.outbox_schema import OutboxRow
from notifications.secrets import redact_secrets, remember_secret
from notifications.senders import DeliveryUnavailable, DeliveryUnknown, SendRejected, as_message

__all__ = ["ApiKeyError", "SendGridSender", "SendRejected", "check_api_key", "mail_body"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# SendGrid API keys read SG.<key id>.<secret>, in the URL-safe base64 alphabet.
_KEY_SHAPE = re.compile(r"SG\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+")


class ApiKeyError(ValueError):
    """The SendGrid key is malformed; the message says how, never what the key is."""


def check_api_key(key: str) -> None:
    """Refuse a key SendGrid would refuse, before any message is claimed for it.

    A key read with ``$(cat key.txt)`` or pasted from an email keeps a newline or a space; sent
    as is, the HTTP client quotes the whole header, key included, in its error.
    """
    if not key:
        raise ApiKeyError("is empty")
    if key != key.strip():
        raise ApiKeyError(
            "starts or ends with whitespace or a newline (a key read from a file keeps the"
            " file's last newline); remove it"
        )
    if any(character.isspace() for character in key):
        raise ApiKeyError("contains whitespace; a SendGrid key is one word")
    if not key.startswith("SG."):
        raise ApiKeyError(
            "does not start with 'SG.' as SendGrid API keys do (is it another secret?)"
        )
    if _KEY_SHAPE.fullmatch(key) is None:
        raise ApiKeyError(
            "is not shaped like a SendGrid API key (SG.<id>.<secret>: letters, digits, '-', '_')"
        )


def mail_body(message: EmailMessage, *, sandbox: bool) -> dict[str, Any]:
    """The v3 mail/send JSON for one message; our outbox key rides along in custom_args."""
    return {
        "personalizations": [{"to": [_address(message.to_email, message.to_name)]}],
        "from": _address(message.from_email, message.from_name),
        "reply_to": {"email": message.reply_to},
        "subject": message.subject,
        "content": [
            {"type": "text/plain", "value": message.text},
            {"type": "text/html", "value": message.html},
        ],
        "custom_args": {"loopkeeper_key": message.key, "kind": message.kind},
        "headers": {"Auto-Submitted": "auto-generated"},
        "mail_settings": {"sandbox_mode": {"enable": sandbox}},
    }


def _address(email: str, name: str) -> dict[str, str]:
    # SendGrid refuses an empty "name"; an address without a display name leaves it out.
    return {"email": email, "name": name} if name.strip() else {"email": email}


class SendGridSender:
    """Sends through SendGrid's mail/send; returns the ``X-Message-Id`` SendGrid assigns."""

    def __init__(
        self,
        api_key: str,
        *,
        sandbox: bool = False,
        host: str = "https://api.sendgrid.com",
        retries: int = 3,
        backoff: tuple[float, ...] = (2.0, 10.0, 30.0),
        max_wait: float = 60.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from sendgrid import SendGridAPIClient

        remember_secret(api_key)  # first: whatever fails from here on, its text is redacted
        check_api_key(api_key)
        self._client = SendGridAPIClient(api_key=api_key, host=host)
        self._client.client.timeout = timeout
        self._sandbox = sandbox
        self._retries = retries
        self._backoff = backoff
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock

    def __repr__(self) -> str:  # the key must never reach a log line through repr()
        return f"SendGridSender(sandbox={self._sandbox})"

    def send(self, message: EmailMessage | OutboxRow) -> str:
        from python_http_client.exceptions import HTTPError

        try:
            body = mail_body(as_message(message), sandbox=self._sandbox)
        except ValueError as error:
            raise SendRejected(f"not a valid email: {error}") from None
        for attempt in range(self._retries + 1):
            try:
                response = self._client.send(body)
            except HTTPError as error:
                status = int(getattr(error, "status_code", 0) or 0)
                if status in RETRY_STATUSES and attempt < self._retries:
                    self._sleep(self._wait(attempt, getattr(error, "headers", None)))
                    continue
                if status in RETRY_STATUSES:  # busy or down at SendGrid: try again another night
                    raise DeliveryUnavailable(
                        f"SendGrid answered {status} {self._retries + 1} times"
                    ) from None
                if 400 <= status < 500:
                    raise SendRejected(f"SendGrid answered {status}: {_reason(error)}") from None
                raise DeliveryUnknown(f"SendGrid answered {status}: {_reason(error)}") from None
            except urllib.error.URLError as error:
                # urllib raises URLError only while connecting or writing the request (DNS,
                # refused, TLS handshake, reset mid-upload): SendGrid never had all of it.
                raise DeliveryUnavailable(f"SendGrid unreachable: {_text(error.reason)}") from None
            except Exception as error:
                # The request was written and the answer did not come back whole (a timeout, a
                # dropped connection): it may have been accepted.
                raise DeliveryUnknown(f"no complete answer from SendGrid: {_text(error)}") from None
            headers = getattr(response, "headers", None) or {}
            return str(headers.get("X-Message-Id") or headers.get("x-message-id") or "")
        raise AssertionError("unreachable")

    def _wait(self, attempt: int, headers: Any) -> float:
        """Back-off for this attempt, or until ``X-RateLimit-Reset`` when SendGrid says so."""
        wait = self._backoff[min(attempt, len(self._backoff) - 1)]
        reset = headers.get("X-RateLimit-Reset") if headers is not None else None
        if reset:
            with contextlib.suppress(ValueError):
                wait = max(wait, float(reset) - self._clock())
        return min(max(wait, 0.0), self._max_wait)


def _reason(error: Exception) -> str:
    """SendGrid's error text, short; the request (with its Authorization header) is never shown."""
    body = getattr(error, "body", b"")
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return redact_secrets(text[:300])


def _text(error: object) -> str:
    """An exception as one short line, without the key whatever the exception quotes."""
    name = type(error).__name__ if isinstance(error, BaseException) else ""
    text = redact_secrets(str(error))[:300]
    return f"{name}: {text}" if name else text
