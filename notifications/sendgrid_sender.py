"""SendGrid through the official client: retries on 429/5xx, parks on other 4xx, never leaks the key.

mail/send has no idempotency key, so this sender only ever makes one attempt per answer it
gets back: a request that timed out after leaving may have been delivered, and raises
DeliveryUnknown for the outbox to park rather than be retried blindly.
"""

from __future__ import annotations

import contextlib
import socket
import time
import urllib.error
from collections.abc import Callable
from typing import Any

from notifications.messages import EmailMessage
from notifications.outbox_schema import OutboxRow
from notifications.senders import DeliveryUnknown, as_message

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SendRejected(Exception):
    """SendGrid refused the message (a 4xx other than 429): park it with the reason."""


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

        if not api_key:
            raise ValueError("SendGrid API key is empty")
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

        email = as_message(message)
        body = mail_body(email, sandbox=self._sandbox)
        for attempt in range(self._retries + 1):
            try:
                response = self._client.send(body)
            except HTTPError as error:
                status = int(getattr(error, "status_code", 0) or 0)
                if status not in RETRY_STATUSES:
                    raise SendRejected(f"SendGrid answered {status}: {_reason(error)}") from None
                if attempt == self._retries:
                    raise SendRejected(
                        f"SendGrid answered {status} {self._retries + 1} times; giving up"
                    ) from None
                self._sleep(self._wait(attempt, getattr(error, "headers", None)))
                continue
            except TimeoutError as error:
                raise DeliveryUnknown(f"no answer from SendGrid ({error})") from None
            except urllib.error.URLError as error:
                if isinstance(error.reason, (TimeoutError, socket.timeout)):
                    raise DeliveryUnknown(f"no answer from SendGrid ({error.reason})") from None
                # Refused or unresolvable: the request never left, so trying again is safe.
                if attempt == self._retries:
                    raise SendRejected(f"SendGrid unreachable: {error.reason}") from None
                self._sleep(self._wait(attempt, None))
                continue
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
    return text[:300]
