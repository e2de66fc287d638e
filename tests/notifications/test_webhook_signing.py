"""Webhook signatures: what a receiver following the README's recipe accepts and rejects."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from notifications.webhook_signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    sign,
    signed_headers,
    verify_signature,
)

SECRET = "s3cret-shared-with-the-receiver"
BODY = b'{"id": "at_risk_alert-00", "title": "At risk: Northwind"}'
NOW = 1_796_000_000


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body_as_the_readme_says() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, NOW, BODY) == f"v1={expected}"


def test_a_fresh_signed_request_verifies() -> None:
    headers = signed_headers(SECRET, BODY, "at_risk_alert-00", NOW)

    verify_signature(
        SECRET, BODY, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=NOW + 30
    )


@pytest.mark.parametrize(
    ("secret", "body", "shift", "signature", "reason"),
    [
        pytest.param(SECRET, BODY + b" ", 0, None, "does not match", id="body changed"),
        pytest.param("another-secret-entirely", BODY, 0, None, "does not match", id="wrong secret"),
        pytest.param(SECRET, BODY, 301, None, "301 s old", id="replayed after five minutes"),
        pytest.param(SECRET, BODY, -400, None, "in the future", id="timestamp in the future"),
        pytest.param(SECRET, BODY, 0, "deadbeef", "does not start with 'v1='", id="no scheme"),
    ],
)
def test_a_receiver_rejects(
    secret: str, body: bytes, shift: int, signature: str | None, reason: str
) -> None:
    headers = signed_headers(SECRET, BODY, "at_risk_alert-00", NOW)

    with pytest.raises(SignatureError, match=reason) as caught:
        verify_signature(
            secret,
            body,
            headers[TIMESTAMP_HEADER],
            signature or headers[SIGNATURE_HEADER],
            now=NOW + shift,
        )
    assert SECRET not in str(caught.value)


def test_a_replay_with_a_new_timestamp_but_the_old_signature_is_rejected() -> None:
    old = signed_headers(SECRET, BODY, "at_risk_alert-00", NOW)

    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(SECRET, BODY, str(NOW + 600), old[SIGNATURE_HEADER], now=NOW + 600)


def test_a_timestamp_that_is_not_a_number_is_rejected() -> None:
    with pytest.raises(SignatureError, match="not Unix seconds"):
        verify_signature(SECRET, BODY, "yesterday", sign(SECRET, NOW, BODY), now=NOW)
