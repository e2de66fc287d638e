"""Senders hand one email to whatever delivers it and return the id it was delivered under.

A failure says what is known about the message by its type, and the outbox acts on that:
``DeliveryUnavailable`` (nothing left; the sender cannot deliver anything now) leaves it pending
and stops the batch, ``SendRejected`` (this message will not go as it is) parks it with the
reason, ``DeliveryUnknown`` (it may have gone out) waits for a person or a reconciliation.
"""

from __future__ import annotations

import ctypes
import email.parser
import email.policy
import os
import re
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

from notifications.eml import eml_bytes, message_id
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


@runtime_checkable
class Batching(Protocol):
    """A sender that makes a batch durable at once: delivery calls ``begin_batch`` before a
    batch's sends and ``end_batch`` before recording them. A message counts as sent only once
    ``end_batch`` returned; it raises DeliveryUnavailable when the batch could not be made
    durable, and then every message of the batch is safe to send again."""

    def begin_batch(self) -> None: ...

    def end_batch(self) -> None: ...


def as_message(message: EmailMessage | OutboxRow) -> EmailMessage:
    """The validated email behind either an outbox row or a composed message."""
    return message.to_message() if isinstance(message, OutboxRow) else message


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

    In a batch (``begin_batch``/``end_batch``) files are written unsynced and renamed only at the
    end, after one flush of the whole file system (``syncfs``) made them durable, followed by one
    fsync of the folder: on this machine's disk a fsync per file cost more than everything else
    a message takes. The guarantee is the same: a renamed file is whole, and every file of the
    batch is on disk before the outbox records it sent. A run killed mid-batch leaves only
    temporary files, which the next pass removes before sending those messages again.
    """

    # Claims settle by looking for the file, so a batch costs nothing after a crash.
    claim_batch = 200

    def __init__(self, mail_dir: Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.mail_dir = Path(mail_dir)
        self._clock = clock
        # (temporary, target) pairs of the open batch; None outside a batch
        self._staged: list[tuple[str, Path]] | None = None

    def begin_batch(self) -> None:
        """Stage the following sends' files until ``end_batch``."""
        self._discard_staged()
        self._staged = []

    def end_batch(self) -> None:
        """Make the batch's files durable, then put them in place; DeliveryUnavailable if not."""
        staged, self._staged = self._staged or [], None
        if not staged:
            return
        try:
            _sync_file_system(self.mail_dir, [temporary for temporary, _ in staged])
            for temporary, target in staged:
                os.replace(temporary, target)
            _fsync_path(self.mail_dir)
        except OSError as error:
            for temporary, _ in staged:
                Path(temporary).unlink(missing_ok=True)
            raise DeliveryUnavailable(
                f"cannot write to the mail folder {self.mail_dir}: {error.strerror or error}"
            ) from None

    def _discard_staged(self) -> None:
        for temporary, _ in self._staged or []:
            Path(temporary).unlink(missing_ok=True)
        self._staged = None

    def send(self, message: EmailMessage | OutboxRow) -> str:
        """Write the message's .eml file; returns its Message-ID."""
        try:
            composed = as_message(message)
            data = eml_bytes(composed, self._clock())
        except ValueError as error:
            raise SendRejected(f"not a valid email: {error}") from None
        target = self.mail_dir / eml_file_name(composed)
        try:
            self._write(target, data)
        except OSError as error:
            # Permissions, a full disk, a read-only or missing mount: the folder, not the message.
            raise DeliveryUnavailable(
                f"cannot write to the mail folder {self.mail_dir}: {error.strerror or error}"
            ) from None
        return message_id(composed)

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
                if self._staged is None:
                    stream.flush()
                    os.fsync(stream.fileno())
            if self._staged is None:
                os.replace(temporary, target)
            else:
                self._staged.append((temporary, target))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _sync_file_system(folder: Path, paths: list[str]) -> None:
    """Make ``paths`` (files in ``folder``) durable: one syncfs(2) of the folder's file system
    on Linux, a fsync of each file elsewhere."""
    syncfs = getattr(_libc(), "syncfs", None)
    if syncfs is not None:
        handle = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(handle) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
        finally:
            os.close(handle)
        return
    for path in paths:
        _fsync_path(Path(path))


def _fsync_path(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
