"""One redaction for every error text: what reaches a log, the run summary or the warehouse.

A sender remembers its secret (``remember_secret``) before it first uses it; ``redact_secrets``
then removes that value from any text, whatever exception produced it. Text shaped like a
SendGrid key, a Slack incoming-webhook URL or an ``Authorization: Bearer`` value is removed too,
remembered or not, because an exception can quote a key this process never saw as a secret (a
second sender, a proxy's echo). Webhook URLs are secrets (whoever has one can post), remembered
whole and by their path (``remember_url``), which is where the secret part of a Slack URL is.
``install_log_redaction`` puts every log record of the process through the same function.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

MASK = "[redacted]"
# The shortest piece of a secret worth matching on its own: shorter ones would mask ordinary words.
_MIN_PIECE = 8
_SHAPES = re.compile(
    r"(?P<bearer>(?i:bearer)\s+)\S+"  # an Authorization header value, quoted in any error
    r"|SG\.[A-Za-z0-9_\-]{6,}(?:\.[A-Za-z0-9_\-]+)?"  # a SendGrid API key: SG.<id>.<secret>
    r"|(?:https?://)?hooks\.slack(?:-gov)?\.com/\S+"  # a Slack webhook URL: the path is the secret
)
_remembered: set[str] = set()


def remember_secret(value: str) -> None:
    """Remove ``value`` from every text ``redact_secrets`` sees from now on in this process.

    Its trimmed form and each whitespace-separated piece are remembered too: an exception quotes
    ``b'Bearer SG.x\\n'`` with the newline escaped, which the raw value would not match.
    """
    for piece in (value, value.strip(), *value.split()):
        if len(piece) >= _MIN_PIECE:
            _remembered.add(piece)


def remember_url(url: str) -> None:
    """Remember a webhook URL as a secret: whole, and its path and query without the host,
    which is how an HTTP client's log line or error can quote it."""
    remember_secret(url)
    parts = urlsplit(url.strip())
    if parts.path not in ("", "/"):
        remember_secret(parts.path + (f"?{parts.query}" if parts.query else ""))


def redact_secrets(text: str) -> str:
    """``text`` with every remembered secret and anything shaped like a key replaced by a mask."""
    for secret in sorted(_remembered, key=len, reverse=True):  # longest first: no half-masking
        text = text.replace(secret, MASK)
    return _SHAPES.sub(lambda match: (match["bearer"] or "") + MASK, text)


class _RedactingRecords:
    """A log record factory that redacts the message and the traceback as the record is made."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it itself, unredacted args aside
            message = str(record.msg)
        record.msg, record.args = redact_secrets(message), None
        if record.exc_info and record.exc_info[0] is not None:
            # Formatters append exc_text as it is; without exc_info none can render it again.
            record.exc_text = redact_secrets(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info)
        return record


def install_log_redaction() -> None:
    """Put every log record this process makes through ``redact_secrets`` (idempotent)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _RedactingRecords):
        logging.setLogRecordFactory(_RedactingRecords(current))
