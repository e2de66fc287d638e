"""Senders for chat rows of the outbox: Slack incoming webhooks and signed generic webhooks.

Both answer like the email senders (notifications.senders): 429 and 5xx are retried with
back-off, waiting at least what ``Retry-After`` asks; still failing, or asked to wait longer
than ``max_wait``, the message stays pending for the next run (DeliveryUnavailable). Another
4xx parks it with the answer's text (SendRejected). A request that never left (DNS, refused
connection) is DeliveryUnavailable; one that left without a whole answer (a read timeout) is
DeliveryUnknown, which the outbox re-sends for alerts: a CSM may read an alert twice, never zero
times. Neither Slack nor a webhook has an idempotency key; webhook receivers drop repeats by the
``X-Loopkeeper-Delivery`` id. The URLs and the secret are remembered for redaction before first
use and never appear in a repr, an error or the outbox.
"""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from notifications.messages import EmailMessage
from notifications.outbox_schema import OutboxRow
from notifications.secrets import redact_secrets, remember_secret, remember_url
from notifications.senders import DeliveryUnavailable, DeliveryUnknown, SendRejected
from notifications.webhook_signing import MIN_SECRET_LENGTH, signed_headers

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_BODY_LIMIT = 300


@dataclass(frozen=True)
class Answer:
    """What came back for one POST."""

    status: int
    headers: Mapping[str, str]
    body: str


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds ``Retry-After`` asks to wait (seconds or an HTTP date), None without one."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        return max(email.utils.parsedate_to_datetime(text).timestamp() - now, 0.0)
    except (TypeError, ValueError):
        return None


class _RetryingPoster:
    """The retry loop both chat senders share; ``post`` makes one attempt."""

    name = "the webhook"

    def __init__(
        self,
        *,
        retries: int,
        backoff: tuple[float, ...],
        max_wait: float,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self._retries = retries
        self._backoff = backoff
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock

    def _deliver(self, post: Callable[[], Answer]) -> Answer:
        for attempt in range(self._retries + 1):
            answer = post()
            if 200 <= answer.status < 300:
                return answer
            if answer.status not in RETRY_STATUSES:
                # 4xx: this message as it is; 3xx: not delivered where it was sent. Either way
                # nothing arrived and sending it again as it is would not change that.
                raise SendRejected(f"{self.name} answered {answer.status}: {_short(answer.body)}")
            asked = retry_after(answer.headers, self._clock())
            if asked is not None and asked > self._max_wait:
                raise DeliveryUnavailable(
                    f"{self.name} answered {answer.status} and asks to wait {asked:.0f} s"
                    f" (over {self._max_wait:.0f} s): left for the next run"
                )
            if attempt == self._retries:
                break
            wait = self._backoff[min(attempt, len(self._backoff) - 1)]
            self._sleep(max(wait, asked or 0.0))
        raise DeliveryUnavailable(
            f"{self.name} answered {answer.status} {self._retries + 1} times: left for the next run"
        )


def _short(text: str) -> str:
    return redact_secrets(" ".join(str(text).split())[:_BODY_LIMIT]) or "(no text)"


def _row(message: EmailMessage | OutboxRow, channel: str) -> tuple[OutboxRow, Any]:
    """The chat row and the JSON it holds; anything else is not this sender's to send."""
    if not isinstance(message, OutboxRow) or message.channel != channel:
        got = message.channel if isinstance(message, OutboxRow) else "email"
        raise SendRejected(f"a {got} message handed to the {channel} sender")
    try:
        return message, json.loads(message.body_text)
    except ValueError as error:
        raise SendRejected(f"the stored {channel} payload is not JSON: {error}") from None


class SlackSender(_RetryingPoster):
    """Posts Block Kit messages to Slack incoming webhooks through slack_sdk's WebhookClient.

    ``urls`` maps a destination name (``slack:team``, ``slack:csm:<address>``) to its URL.
    slack_sdk's own retries are off: this class retries, so Retry-After and the outbox's
    statuses are handled in one place.
    """

    name = "Slack"

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        timeout: int = 10,
        retries: int = 3,
        backoff: tuple[float, ...] = (1.0, 5.0, 15.0),
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from slack_sdk.webhook import WebhookClient

        for url in urls.values():
            remember_url(url)  # first: whatever fails from here on, its text is redacted
        super().__init__(
            retries=retries, backoff=backoff, max_wait=max_wait, sleep=sleep, clock=clock
        )
        self._clients = {
            destination: WebhookClient(url, timeout=timeout, retry_handlers=[])
            for destination, url in urls.items()
        }

    def __repr__(self) -> str:  # the URLs must never reach a log line through repr()
        return f"SlackSender(destinations={sorted(self._clients)})"

    def send(self, message: EmailMessage | OutboxRow) -> str:
        """Post the row's Block Kit message to its destination's webhook."""
        row, payload = _row(message, "slack")
        client = self._clients.get(row.to_email)
        if client is None:
            raise SendRejected(f"no Slack webhook URL is configured for {row.to_email}")

        def post() -> Answer:
            try:
                response = client.send_dict(payload)
            except urllib.error.URLError as error:
                # urllib raises URLError only before the request was written (DNS, refused,
                # TLS, a connect timeout): Slack never had it.
                raise DeliveryUnavailable(
                    f"Slack unreachable: {_short(str(error.reason))}"
                ) from None
            except Exception as error:
                raise DeliveryUnknown(
                    f"no complete answer from Slack: {type(error).__name__}: {_short(str(error))}"
                ) from None
            return Answer(response.status_code, dict(response.headers or {}), response.body or "")

        answer = self._deliver(post)
        return f"slack:{answer.status}"  # incoming webhooks give no message id


class WebhookSender(_RetryingPoster):
    """POSTs each event's JSON to one URL, signed (notifications.webhook_signing), with httpx."""

    name = "the webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: tuple[float, ...] = (1.0, 5.0, 15.0),
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        import httpx

        remember_url(url)
        remember_secret(secret)
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the webhook secret is shorter than {MIN_SECRET_LENGTH} characters")
        super().__init__(
            retries=retries, backoff=backoff, max_wait=max_wait, sleep=sleep, clock=clock
        )
        self._url = url
        self._secret = secret
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)

    def __repr__(self) -> str:
        return "WebhookSender()"

    def send(self, message: EmailMessage | OutboxRow) -> str:
        """POST the row's event, signed afresh on every attempt (a retry is not a replay)."""
        import httpx

        row, _ = _row(message, "webhook")
        body = row.body_text.encode("utf-8")

        def post() -> Answer:
            headers = signed_headers(self._secret, body, row.message_key, self._clock())
            try:
                response = self._client.post(self._url, content=body, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as error:
                raise DeliveryUnavailable(
                    f"the webhook is unreachable: {_short(str(error))}"
                ) from None
            except httpx.HTTPError as error:
                raise DeliveryUnknown(
                    f"no complete answer from the webhook: {type(error).__name__}:"
                    f" {_short(str(error))}"
                ) from None
            return Answer(response.status_code, dict(response.headers), response.text)

        answer = self._deliver(post)
        return f"webhook:{answer.status}"

    def close(self) -> None:
        self._client.close()
