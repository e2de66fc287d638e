"""Signing webhook bodies with HMAC-SHA256 over timestamp and body, and checking them.

The sender puts three headers on every POST:

- ``X-Loopkeeper-Timestamp``: Unix seconds when this attempt was signed (each retry re-signs);
- ``X-Loopkeeper-Signature``: ``v1=`` and the hex HMAC-SHA256, keyed with the shared secret,
  of ``<timestamp>.`` followed by the raw body bytes;
- ``X-Loopkeeper-Delivery``: the message's id (also the body's ``id``), the same on every
  re-send of one message.

A receiver recomputes the HMAC over the raw bytes it received (before parsing the JSON),
compares in constant time, rejects a timestamp more than ``TOLERANCE_SECONDS`` from its own
clock (a replayed request), and drops a delivery id it has already handled within that window
(a legitimate re-send). ``verify_signature`` does the first three.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Loopkeeper-Timestamp"
SIGNATURE_HEADER = "X-Loopkeeper-Signature"
DELIVERY_HEADER = "X-Loopkeeper-Delivery"
SCHEME = "v1"
# Five minutes either way: room for clock drift and a slow queue, not for a replay days later.
TOLERANCE_SECONDS = 300
# A secret shorter than this is guessable offline from one signed body.
MIN_SECRET_LENGTH = 16


class SignatureError(ValueError):
    """The request is not a fresh one signed with the shared secret; the text says which check
    failed and never includes the secret."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Loopkeeper-Signature`` value for a body sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(
        secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"{SCHEME}={digest}"


def signed_headers(secret: str, body: bytes, delivery_id: str, now: float) -> dict[str, str]:
    """Every header a signed POST carries, signed at ``now``."""
    timestamp = int(now)
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        DELIVERY_HEADER: delivery_id,
    }


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise SignatureError unless ``signature`` signs ``body`` at ``timestamp`` with ``secret``
    and ``timestamp`` is within ``tolerance`` seconds of ``now`` (default: this clock)."""
    try:
        sent_at = int(timestamp.strip())
    except ValueError:
        raise SignatureError(f"{TIMESTAMP_HEADER} is not Unix seconds: {timestamp!r}") from None
    age = (time.time() if now is None else now) - sent_at
    if abs(age) > tolerance:
        when = "old" if age > 0 else "in the future"
        raise SignatureError(
            f"timestamp is {abs(age):.0f} s {when}, over the {tolerance} s allowed: a replay or a"
            " wrong clock"
        )
    expected = sign(secret, sent_at, body)
    given = signature.strip()
    if not given.startswith(f"{SCHEME}="):
        raise SignatureError(f"{SIGNATURE_HEADER} does not start with '{SCHEME}='")
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace")):
        raise SignatureError("signature does not match the body and timestamp")
