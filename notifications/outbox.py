"""The outbox: email written down before it is sent, so each one goes out as often as its kind allows.

Life of a row: ``pending`` (enqueued) -> ``claimed`` (committed before the send starts) ->
``sent`` (provider message id recorded), ``parked`` (the send failed for a known reason; nothing
left the building), ``unknown`` (it may or may not have gone out) or back to ``pending`` (the
sender could not deliver anything: an outage, for the next run).

Delivery claims a few rows at a time and commits their outcomes together, so a crash leaves at
most that batch ``claimed``: one row with a sender that cannot be asked afterwards, a batch with
one that can (``settle_claim``: the file sender knows whether the .eml exists). A claim nobody
can settle becomes ``unknown`` (``reconcile_stale_claims``), never ``pending``: customer email is
at most once, and an ``unknown`` or ``parked`` one waits for a person (see
notifications.outbox_decisions). Alerts to the team's own CSMs are at least once: ``requeue_unknown_alerts`` puts
them back to ``pending`` for the next delivery, a bounded number of times.

Chat copies of alerts (notifications.chat: Slack, signed webhooks) are rows of this same table
with their own ``channel``; each channel is delivered by its own pass (``channel=`` below), so
a Slack outage never holds back email.

The outbox works on ``ops.outbox`` (and ``ops.escalations``, ``ops.suppressions``) as it finds
them: the application creates and upgrades them with the rest of its warehouse (the table's
DDL is flows/warehouse/schema/ops_outbox.sql; its row is notifications.outbox_schema.OutboxRow).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from notifications.messages import AT_LEAST_ONCE_KINDS, EmailMessage
from notifications.outbox_schema import (
    MESSAGE_COLUMNS,
    ROW_COLUMNS,
    OutboxRow,
    OutboxStatus,
)
from notifications.secrets import redact_secrets

if TYPE_CHECKING:
    import duckdb

    from notifications.chat import ChatMessage, ChatRoutes

_ERROR_LIMIT = 2000
# An alert that times out every night is a problem for a person, not a loop without end.
MAX_ALERT_ATTEMPTS = 5
# The reason of a row parked because its address is suppressed: policy, not a question for anyone.
SUPPRESSED_PREFIX = "suppressed: "


# Which statuses a row may move to a given status from; anything else is a bug in the caller.
_MOVES_FROM = {
    OutboxStatus.SENT: (OutboxStatus.CLAIMED, OutboxStatus.UNKNOWN),
    OutboxStatus.PARKED: (OutboxStatus.PENDING, OutboxStatus.CLAIMED, OutboxStatus.UNKNOWN),
    OutboxStatus.UNKNOWN: (OutboxStatus.CLAIMED,),
    # Back to pending: an outage (claimed), a settled crash (claimed), a person's decision.
    OutboxStatus.PENDING: (OutboxStatus.CLAIMED, OutboxStatus.UNKNOWN, OutboxStatus.PARKED),
}


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row, recorded with the others of its batch in one commit."""

    key: str
    status: OutboxStatus
    provider_message_id: str | None = None
    error: str | None = None


def utc_now() -> datetime:
    """The current time in UTC, naive, as the outbox's TIMESTAMP columns hold it."""
    return datetime.now(UTC).replace(tzinfo=None)


class Outbox:
    """The ``ops.outbox`` table on a DuckDB connection the caller opened and owns.

    The connection is expected in DuckDB's default autocommit mode. ``enqueue`` joins a
    transaction the caller holds (so items and their email can be written together); ``claim``
    refuses to, because a claim that is not committed before sending protects nothing.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        clock: Callable[[], datetime] = utc_now,
        chat: ChatRoutes | None = None,
    ) -> None:
        self._con = con
        self._clock = clock
        self._chat = chat

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The connection the outbox works on (for the other ``ops`` tables next to it)."""
        return self._con

    def enqueue(self, messages: Iterable[EmailMessage | ChatMessage], run_date: date) -> int:
        """Add messages as ``pending``; keys already in the outbox are left alone.

        With ``chat`` routes, each email's chat copies (CSM alerts only) are added with it, in
        the same statement. Returns how many of the given messages were new (copies aside). Runs in the caller's transaction when one is open, so the
        state that caused a message (an ``ops.escalations`` row, say) and the message commit or
        roll back together. One INSERT for the whole batch: row-by-row inserts into DuckDB take
        seconds per thousand.
        """
        import pandas as pd  # only the batch insert needs it; keeps `import notifications` light

        given: list[EmailMessage | ChatMessage] = list(messages)
        chat = self._chat
        copies = [
            copy
            for message in (given if chat is not None else [])
            if isinstance(message, EmailMessage) and chat is not None
            for copy in chat.copies(message)
        ]
        copy_keys = {copy.key for copy in copies}
        given += copies
        records = [
            {column: getattr(message, attribute) for column, attribute in MESSAGE_COLUMNS.items()}
            for message in given
        ]
        if not records:
            return 0
        incoming = pd.DataFrame.from_records(records, columns=list(MESSAGE_COLUMNS))
        columns = ", ".join(MESSAGE_COLUMNS)
        selected = ", ".join(f"cast({column} as varchar)" for column in MESSAGE_COLUMNS)
        view = "_loopkeeper_outbox_incoming"
        self._con.register(view, incoming)
        try:
            # ON CONFLICT also drops repeats of one key inside the batch: the first one wins.
            new = self._con.execute(
                f"""
                insert into ops.outbox ({columns}, status, attempts, created_at, run_date)
                select {selected}, 'pending', 0, ?, ?
                from {view}
                on conflict do nothing
                returning message_key
                """,
                [self._clock(), run_date],
            ).fetchall()
        finally:
            self._con.unregister(view)
        return sum(key not in copy_keys for (key,) in new)

    def claim(self, limit: int | None = None, *, channel: str | None = None) -> list[OutboxRow]:
        """Mark up to ``limit`` pending rows ``claimed`` and return them, oldest first; only
        those of ``channel`` when one is given.

        The claim is committed before this returns, so it is on disk before any send begins.
        Raises if the caller holds an open transaction, which would keep the claim uncommitted.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit: must be zero or more, got {limit}")
        self._con.begin()
        try:
            rows = self._con.execute(
                f"""
                update ops.outbox
                set status = 'claimed', claimed_at = ?, attempts = attempts + 1
                where message_key in (
                    select message_key from ops.outbox
                    where status = 'pending' and (? is null or channel = ?)
                    order by created_at, message_key
                    limit ?
                )
                returning {ROW_COLUMNS}
                """,
                [self._clock(), channel, channel, limit],
            ).fetchall()
            self._con.commit()
        except BaseException:
            self._con.rollback()
            raise
        claimed = [OutboxRow(*row) for row in rows]
        return sorted(claimed, key=lambda row: (row.created_at, row.message_key))

    def mark_sent(self, key: str, provider_message_id: str) -> None:
        """Record that the provider accepted the message, with the id it gave it."""
        self._move(
            key, OutboxStatus.SENT, provider_message_id=provider_message_id, sent_at=self._clock()
        )

    def mark_parked(self, key: str, reason: str) -> None:
        """Set a message aside: it was not sent and will not be retried without a person."""
        self._move(key, OutboxStatus.PARKED, error=reason[:_ERROR_LIMIT])

    def mark_unknown(self, key: str, reason: str) -> None:
        """Record that a send may or may not have reached the provider."""
        self._move(key, OutboxStatus.UNKNOWN, error=reason[:_ERROR_LIMIT])

    def record(self, outcomes: Sequence[Outcome], unsent: Sequence[str] = ()) -> None:
        """Commit a batch's outcomes, and put its ``unsent`` claims back to pending, at once.

        The unsent rows were claimed but never tried (delivery stopped before them), so their
        claim does not count as an attempt.
        """
        self._con.begin()
        try:
            for outcome in outcomes:
                values: dict[str, Any] = {"error": outcome.error}
                if outcome.status is OutboxStatus.SENT:
                    values.update(
                        provider_message_id=outcome.provider_message_id, sent_at=self._clock()
                    )
                elif outcome.status is OutboxStatus.PENDING:
                    values["claimed_at"] = None
                self._move(outcome.key, outcome.status, **values)
            for key in unsent:
                self._con.execute(
                    "update ops.outbox set status = 'pending', claimed_at = null,"
                    " attempts = attempts - 1 where message_key = ? and status = 'claimed'",
                    [key],
                )
            self._con.commit()
        except BaseException:
            self._con.rollback()
            raise

    def stale_claims(
        self, older_than: timedelta = timedelta(0), *, channel: str | None = None
    ) -> list[OutboxRow]:
        """Rows claimed more than ``older_than`` ago: a run that did not finish left them."""
        rows = self._con.execute(
            f"select {ROW_COLUMNS} from ops.outbox where status = 'claimed' and claimed_at <= ?"
            " and (? is null or channel = ?) order by created_at, message_key",
            [self._clock() - older_than, channel, channel],
        ).fetchall()
        return [OutboxRow(*row) for row in rows]

    def settle_claim(self, key: str, provider_message_id: str | None) -> None:
        """Settle a crashed run's claim with what the sender knows: sent under that id, or not
        delivered at all (back to pending, safe to send)."""
        if provider_message_id is not None:
            self._move(
                key,
                OutboxStatus.SENT,
                provider_message_id=provider_message_id,
                sent_at=self._clock(),
                error="sent by a run that did not finish; found delivered",
            )
        else:
            self._move(
                key,
                OutboxStatus.PENDING,
                claimed_at=None,
                error="claimed by a run that did not finish; found not delivered",
            )

    def reconcile_stale_claims(
        self, older_than: timedelta = timedelta(0), *, channel: str | None = None
    ) -> int:
        """Move rows claimed more than ``older_than`` ago to ``unknown``; returns how many.

        Only a crashed run leaves rows claimed, and whether their email went out is unknown, so
        they are never put back to pending. With one writer per DuckDB file the default (every
        claimed row) is right; a shared warehouse with overlapping runs passes a margin.
        """
        rows = self._con.execute(
            """
            update ops.outbox
            set status = 'unknown', error = 'claimed by a run that did not finish (claimed at '
                || strftime(claimed_at, '%Y-%m-%d %H:%M:%S') || ' UTC)'
            where status = 'claimed' and claimed_at <= ? and (? is null or channel = ?)
            returning message_key
            """,
            [self._clock() - older_than, channel, channel],
        ).fetchall()
        return len(rows)

    def requeue_unknown_alerts(
        self, max_attempts: int = MAX_ALERT_ATTEMPTS, *, channel: str | None = None
    ) -> int:
        """Put ``unknown`` CSM alerts back to ``pending``; returns how many.

        Only at-least-once kinds: an unknown customer email stays unknown. An alert already tried
        ``max_attempts`` times stays unknown too, for a person to look at.
        """
        kinds = ", ".join(f"'{kind.value}'" for kind in sorted(AT_LEAST_ONCE_KINDS))
        rows = self._con.execute(
            f"""
            update ops.outbox
            set status = 'pending', claimed_at = null,
                error = 'sent again after an unknown outcome: ' || coalesce(error, '')
            where status = 'unknown' and kind in ({kinds}) and attempts < ?
                and (? is null or channel = ?)
            returning message_key
            """,
            [max_attempts, channel, channel],
        ).fetchall()
        return len(rows)

    def pending_count(self, channel: str | None = None) -> int:
        """How many rows wait to be sent, of ``channel`` when one is given."""
        row = self._con.execute(
            "select count(*) from ops.outbox where status = 'pending' and (? is null or channel = ?)",
            [channel, channel],
        ).fetchone()
        return int(row[0]) if row else 0

    def counts_by_status(self) -> dict[str, int]:
        """Number of rows in each status, every status present (zero when none)."""
        totals: dict[str, int] = {str(status): 0 for status in OutboxStatus}
        for by_status in self.counts_by_kind().values():
            for status, count in by_status.items():
                totals[status] += count
        return totals

    def counts_by_kind(self) -> dict[str, dict[str, int]]:
        """For ``loopkeeper status``: per kind present, the number of rows in every status."""
        counts: dict[str, dict[str, int]] = {}
        for kind, status, count in self._con.execute(
            "select kind, status, count(*) from ops.outbox group by kind, status order by kind"
        ).fetchall():
            by_status = counts.setdefault(kind, {str(item): 0 for item in OutboxStatus})
            by_status[status] = int(count)
        return counts

    def get(self, key: str) -> OutboxRow | None:
        """The row for one message key, if there is one."""
        row = self._con.execute(
            f"select {ROW_COLUMNS} from ops.outbox where message_key = ?", [key]
        ).fetchone()
        return None if row is None else OutboxRow(*row)

    def _move(self, key: str, status: OutboxStatus, **values: Any) -> None:
        # Statuses are our own constants, so they are written into the SQL; the values are bound.
        sources = ", ".join(f"'{source.value}'" for source in _MOVES_FROM[status])
        if values.get("error"):
            # Every error text that reaches the warehouse goes through the one redaction.
            values["error"] = redact_secrets(values["error"])[:_ERROR_LIMIT]
        assignments = ", ".join(f"{column} = ?" for column in values)
        result = self._con.execute(
            f"""
            update ops.outbox set status = '{status.value}', {assignments}
            where message_key = ? and status in ({sources})
            """,
            [*values.values(), key],
        ).fetchone()
        if not result or result[0] == 0:
            current = self.get(key)
            found = "no such message" if current is None else f"it is {current.status}"
            raise ValueError(f"outbox message {key}: cannot mark {status.value}, {found}")
