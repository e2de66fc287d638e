"""Senders hand one email to whatever delivers it and return the id it was delivered under.

A failure says what is known about the message by its type, and the outbox acts on that:
``DeliveryUnavailable`` (nothing left; the sender cannot deliver anything now) leaves it pending
and stops the batch, ``SendRejected`` (this message will not go as it is) parks it with the
reason, ``DeliveryUnknown`` (it may have gone out) waits for a person or a reconciliation.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import os
import re
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from notifications.messages import EmailMessage, key_digest
from notifications.outbox_schema import OutboxRow


class DeliveryUnknown(Exception):
    """A send whose outcome is not known (a timeout after the request left): never retry blindly."""


class DeliveryUnavailable(Exception):
    """Nothing was delivered because the way out is down, not because of this message.

    DNS, a refused connection, TLS failing before the request, a mail folder that cannot be
    written, a full disk: the message stays pending for the next run, and so does the rest of
    the batch, since every other message would meet the same failure.
    """


class SendRejected(Exception):
    """This message was refused as it is (a 4xx answer, an invalid field): park it with the reason."""


class Sender(Protocol):
    def send(self, message: EmailMessage | OutboxRow) -> str:
        """Deliver one message; return the provider's message id.

        Raise DeliveryUnknown when the message may have gone out, DeliveryUnavailable when
        nothing can go out now, any other exception when this message certainly did not.
        """
        ...


@runtime_checkable
class Reconciling(Protocol):
    """A sender that can tell afterwards whether a message was delivered.

    Delivery claims such a sender's messages a batch at a time: after a crash every claim of
    the batch is settled by asking, so at most nothing is left for a person to decide.
    """

    claim_batch: int

    def delivered_id(self, message: EmailMessage | OutboxRow) -> str | None:
        """The id the message was delivered under, or None when it certainly was not delivered."""
        ...


@runtime_checkable
class LeavesLeftovers(Protocol):
    """A sender whose killed writes can leave partial files behind: each pass removes them first."""

    def remove_leftovers(self) -> int:
        """Remove what killed writes left; how many."""
        ...


# CRLF line ends as RFC 5322 asks; lines up to its hard limit of 998, because the 78-column
# soft limit would fold the long X-Loopkeeper-Key into encoded words nobody can grep for.
_POLICY = email.policy.SMTP.clone(max_line_length=998)


def as_message(message: EmailMessage | OutboxRow) -> EmailMessage:
    """The validated email behind either an outbox row or a composed message."""
    return message.to_message() if isinstance(message, OutboxRow) else message


def message_id(message: EmailMessage) -> str:
    """A Message-ID that is the same every time the same message key is sent."""
    domain = message.from_email.rsplit("@", 1)[1]
    return f"<{key_digest(message.key)[:32]}.{message.kind}@{domain}>"


def mime_message(message: EmailMessage, sent_at: datetime) -> email.message.EmailMessage:
    """The RFC 5322 email for a message: text and HTML alternatives, automated-mail headers."""
    mime = email.message.EmailMessage(policy=_POLICY)
    mime["From"] = Address(display_name=message.from_name, addr_spec=message.from_email)
    mime["To"] = Address(display_name=message.to_name, addr_spec=message.to_email)
    mime["Reply-To"] = message.reply_to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(sent_at)
    mime["Message-ID"] = message_id(message)
    # Marks the mail as machine-sent (RFC 3834) so autoresponders do not answer it in a loop.
    mime["Auto-Submitted"] = "auto-generated"
    mime["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    mime["X-Loopkeeper-Key"] = message.key
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime


def eml_file_name(message: EmailMessage) -> str:
    """``<kind>-<first 16 hex of the key>.eml``: one file per message key."""
    return f"{message.kind}-{key_digest(message.key)[:16]}.eml"


def _utc_now() -> datetime:
    return datetime.now(UTC)


# A half-written .eml of FileSender: `.<pid of the writer>.<random>.eml.tmp`.
# (Files of earlier versions, without the pid, go by age alone.)
_TEMPORARY = re.compile(r"\.(?:(\d+)\.)?[^/.]+\.eml\.tmp")
# Writing one .eml takes milliseconds: a temporary file this old is a leftover, whoever wrote it.
LEFTOVER_AGE = timedelta(hours=1)


def _writer_alive(pid: int) -> bool:
    """Whether the process that wrote a temporary file may still be writing it."""
    if pid == os.getpid():
        return False  # this process writes one file at a time, and not while it sweeps
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists (another user's): leave its file to the age limit
    return True


class FileSender:
    """The embedded default: each email becomes an ``.eml`` file in a mail folder.

    Files open in any mail client. Writing goes through a temporary file and a rename, so a
    crash leaves either the whole file or none; sending the same key again replaces its file.
    That makes the folder its own record: a message was delivered exactly when its file exists.
    """

    # Claims settle by looking for the file, so a batch costs nothing after a crash.
    claim_batch = 20

    def __init__(self, mail_dir: Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.mail_dir = Path(mail_dir)
        self._clock = clock

    def send(self, message: EmailMessage | OutboxRow) -> str:
        """Write the message's .eml file; returns its Message-ID."""
        try:
            composed = as_message(message)
            data = mime_message(composed, self._clock())
        except ValueError as error:
            raise SendRejected(f"not a valid email: {error}") from None
        target = self.mail_dir / eml_file_name(composed)
        try:
            self._write(target, data.as_bytes())
        except OSError as error:
            # Permissions, a full disk, a read-only or missing mount: the folder, not the message.
            raise DeliveryUnavailable(
                f"cannot write to the mail folder {self.mail_dir}: {error.strerror or error}"
            ) from None
        return str(data["Message-ID"])

    def delivered_id(self, message: EmailMessage | OutboxRow) -> str | None:
        """The Message-ID in the message's .eml file, or None when there is no file."""
        path = self.mail_dir / eml_file_name(as_message(message))
        try:
            with path.open("rb") as stream:
                headers = email.parser.BytesHeaderParser(policy=email.policy.default).parse(stream)
        except FileNotFoundError:
            return None
        return str(headers["Message-ID"] or message_id(as_message(message)))

    def remove_leftovers(self) -> int:
        """Delete the hidden ``.eml.tmp`` files a killed run left half-written; how many.

        A temporary file names the process writing it (``.<pid>.….eml.tmp``): one is removed
        when that process is gone, or when it is older than ``LEFTOVER_AGE`` (the process id
        was reused), never a file a live run may still be writing. Only regular files of that
        shape are touched, never a link or anything else in the folder.
        """
        try:
            entries = list(os.scandir(self.mail_dir))
        except OSError:
            return 0  # no folder yet, or unreadable: the send itself reports it
        removed = 0
        now = time.time()
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            try:
                age = now - entry.stat(follow_symlinks=False).st_mtime
                writer = int(match.group(1)) if match.group(1) else None
                if age < LEFTOVER_AGE.total_seconds() and (writer is None or _writer_alive(writer)):
                    continue
                os.unlink(entry.path)
            except OSError:
                continue
            removed += 1
        return removed

    def _write(self, target: Path, data: bytes) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.mail_dir, prefix=f".{os.getpid()}.", suffix=".eml.tmp"
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
