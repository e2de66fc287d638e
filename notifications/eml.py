"""An email as the bytes of an RFC 5322 ``.eml`` file: text and HTML alternatives.

Built with the email package's compat32 classes, not ``email.message.EmailMessage``: the latter
parses every header it is given back through its header registry, which made composing a file
cost ~3.8 ms, most of the file sender's time per message (~0.3 ms here). Nothing needs parsing:
``EmailMessage`` (notifications.messages) has already validated every address and kept line
breaks out of every header field, so the values are written as they are, and encoded words only
where a value is not ASCII. A mail client, or ``email.parser`` with the default policy, reads
the same headers and bodies from both (tests/notifications/test_eml.py).
"""

from __future__ import annotations

from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import format_datetime, formataddr
from typing import Any

from notifications.messages import EmailMessage, key_digest

_LINE_LIMIT = 998
_UTF8 = "utf-8"


class _Policy(Compat32):
    """compat32, writing a header that needs no folding as it is.

    compat32 runs every header through ``email.header.Header`` to fold it, ~0.3 ms a message
    for values that fit on their line anyway (a header of ASCII text without line breaks within
    the line limit comes back from it unchanged). Any other value still goes that way.
    """

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (
            isinstance(value, str)
            and value.isascii()
            and "\r" not in value
            and "\n" not in value
            and len(name) + 2 + len(value) <= _LINE_LIMIT
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]  # not in typeshed


# CRLF line ends as RFC 5322 asks; lines up to its hard limit of 998, because the 78-column
# soft limit would fold the long X-Loopkeeper-Key into encoded words nobody can grep for.
_POLICY = _Policy(linesep="\r\n", max_line_length=_LINE_LIMIT)


def message_id(message: EmailMessage) -> str:
    """A Message-ID that is the same every time the same message key is sent."""
    domain = message.from_email.rsplit("@", 1)[1]
    return f"<{key_digest(message.key)[:32]}.{message.kind}@{domain}>"


def eml_bytes(message: EmailMessage, sent_at: datetime) -> bytes:
    """The ``.eml`` file of a message: automated-mail headers, text and HTML alternatives."""
    mime = MIMEMultipart("alternative", boundary=_boundary(message), policy=_POLICY)
    mime["From"] = formataddr((message.from_name, message.from_email), charset=_UTF8)
    mime["To"] = formataddr((message.to_name, message.to_email), charset=_UTF8)
    mime["Reply-To"] = message.reply_to
    mime["Subject"] = _header(message.subject)
    mime["Date"] = format_datetime(sent_at)
    mime["Message-ID"] = message_id(message)
    # Marks the mail as machine-sent (RFC 3834) so autoresponders do not answer it in a loop.
    mime["Auto-Submitted"] = "auto-generated"
    mime["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    mime["X-Loopkeeper-Key"] = message.key
    mime.attach(_body(message.text, "plain"))
    mime.attach(_body(message.html, "html"))
    return mime.as_bytes(policy=_POLICY)


def _boundary(message: EmailMessage) -> str | None:
    """The same MIME boundary every time a message is written, from its key; None (the email
    package draws one at random and checks it against the bodies) in the unlikely case that a
    body holds it. The package's own check compiles a pattern per message, ~0.2 ms."""
    boundary = f"{'=' * 15}{key_digest(message.key)[:32]}=="
    if boundary in message.text or boundary in message.html:
        return None
    return boundary


def _header(value: str) -> str:
    """A header value as it is when ASCII, else as RFC 2047 encoded words."""
    return value if value.isascii() else Header(value, _UTF8).encode(linesep="\r\n")


def _body(text: str, subtype: str) -> MIMENonMultipart:
    """One alternative in UTF-8: 7bit or 8bit as it is, so the file stays readable as text, and
    quoted-printable only when a line is longer than a mail line may be."""
    charset = Charset(_UTF8)
    too_long = any(len(line.encode(_UTF8)) > _LINE_LIMIT for line in text.splitlines())
    # None: the body as it is (7bit or 8bit); typeshed allows only the encodings' numbers
    charset.body_encoding = QP if too_long else None  # type: ignore[assignment]
    part = MIMENonMultipart("text", subtype, policy=_POLICY)
    part.set_payload(text, charset)
    return part
