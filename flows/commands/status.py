"""`loopkeeper status`: what the published warehouse holds, read read-only (works during a run)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.reports.impact_figures import headline_lines
from flows.sources.base import printable
from flows.warehouse.connection import open_warehouse, scalar
from flows.warehouse.night_record import night_held
from flows.warehouse.publish import run_in_progress
from notifications.outbox_decisions import count_needing_decision


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        scalar(
            con,
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        )
    )


def _column_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    return bool(
        scalar(
            con,
            "select count(*) from information_schema.columns"
            " where table_schema = ? and table_name = ? and column_name = ?",
            [schema, table, column],
        )
    )


def render_status(path: Path, work: Path | None = None) -> list[str]:
    """Describe the published warehouse; ``work`` is the runs' working copy, if known."""
    building = work is not None and run_in_progress(work, path)
    if not path.exists() and work is not None and work.exists():
        state = "is building it now" if building else "has not published one yet (did it fail?)"
        return [f"{path}: no published warehouse yet; the first nightly {state}"]
    try:
        with open_warehouse(path, read_only=True) as con:
            lines = _lines(con, path)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            # Runs never open the published file, so this is someone's read-write connection.
            return [f"{path}: another process has it open read-write; open it read-only"]
        raise
    published = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    with open_warehouse(path, read_only=True) as con:
        night = night_held(con)
    night_of = f"night of {night:%Y-%m-%d} " if night else ""
    lines.insert(1, f"{night_of}published at {published:%Y-%m-%d %H:%M} UTC")
    if building:
        lines.insert(2, "a run is building the next night now; this is the last published one")
    return lines


def _lines(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    out = [f"warehouse: {path} ({path.stat().st_size / 1e6:.1f} MB)"]
    if not _table_exists(con, "raw", "_files"):
        return [*out, "  empty: no nightly has run yet"]
    out.append("loads by source:")
    rows = con.execute(
        """
        select source, count(*) filter (where status = 'loaded'),
            count(*) filter (where status = 'quarantined'), sum(rows_loaded), max(loaded_at)
        from raw._files group by source order by source
        """
    ).fetchall()
    for source, loaded, bad, rows_loaded, last in rows:
        out.append(
            f"  {source:<9} {loaded:>4} files loaded, {bad:>2} unreadable, {rows_loaded or 0:>8} rows, last load {last:%Y-%m-%d %H:%M} UTC"
        )
    out.extend(_version_lines(con))
    cursors = con.execute(
        "select source, cursor, value from raw._cursors order by source, cursor"
    ).fetchall()
    if cursors:
        out.append("cursors:")
        out.extend(f"  {source:<9} {cursor:<17} {value}" for source, cursor, value in cursors)
    quarantine = con.execute(
        """
        select source, field, regexp_replace(reason, '^[^:]+\\.[a-z]+: ', '') as why, count(*) as n, min(file)
        from raw._quarantine group by all order by n desc limit 10
        """
    ).fetchall()
    out.append(f"quarantine: {scalar(con, 'select count(*) from raw._quarantine')} rows")
    for source, field, why, n, example in quarantine:
        out.append(f"  {n:>6} × {source}.{field}: {printable(why)}  (e.g. {printable(example)})")
    if _table_exists(con, "marts", "fct_feedback"):
        ((total, tagged),) = con.execute(
            "select count(*), count(model_version) from marts.fct_feedback"
        ).fetchall()
        out.append(f"feedback items: {total}, tagged {tagged}")
    versions = con.execute(
        "select model_version, count(*) from raw.feedback_tags group by 1 order by 1"
    ).fetchall()
    for version, n in versions:
        out.append(f"  model {version}: {n} items tagged")
    if _table_exists(con, "marts", "fct_feedback"):
        out.append("queue by stage:")
        for stage, n, oldest in con.execute(
            "select current_stage, count(*), max(age_days) from marts.fct_feedback"
            " group by 1 order by 2 desc"
        ).fetchall():
            out.append(f"  {stage or 'untagged':<16} {n:>6}  (oldest {oldest} days)")
    if _table_exists(con, "marts", "fct_feedback_sla"):
        out.append("SLA clocks (met / breached / open):")
        for clock in ("ack", "first_plan", "detractor_contact", "product_response"):
            met, breached, open_ = con.execute(
                f"select count(*) filter (where {clock}_sla_status = 'met'),"
                f" count(*) filter (where {clock}_sla_status = 'breached'),"
                f" count(*) filter (where {clock}_sla_status = 'open')"
                " from marts.fct_feedback_sla"
            ).fetchall()[0]
            out.append(f"  {clock:<18} {met:>6} {breached:>6} {open_:>6}")
    out.extend(headline_lines(con))
    if _table_exists(con, "ops", "escalations"):
        out.append(f"escalations to product: {scalar(con, 'select count(*) from ops.escalations')}")
    if _table_exists(con, "ops", "outbox"):
        out.append("outbox:")
        # Chat copies of alerts (Slack, webhook) are counted apart from their emails.
        kind_label = (
            "kind || case when channel = 'email' then '' else ' (' || channel || ')' end"
            if _column_exists(con, "ops", "outbox", "channel")
            else "kind"
        )
        for kind, state, n in con.execute(
            f"select {kind_label}, status, count(*) from ops.outbox group by 1, 2 order by 1, 2"
        ).fetchall():
            out.append(f"  {kind:<16} {state:<8} {n:>6}")
        waiting = count_needing_decision(con)
        if waiting:
            out.append(
                f"  ! {waiting} message(s) wait for a decision (unknown or parked):"
                " run `loopkeeper outbox`"
            )
    return out


def _version_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Items stored in several versions (changed re-deliveries), apart from duplicates, which
    are never stored twice."""
    from flows.sources import SOURCES

    lines = []
    for source in SOURCES:
        if not source.identity:
            continue
        key = ", ".join(source.identity)
        rows, items = con.execute(
            f"select count(*), count(distinct ({key})) from raw.{source.table}"
        ).fetchall()[0]
        if rows > items:
            lines.append(
                f"  {source.name:<9} {rows - items:>6} newer versions of earlier items"
                f" ({items} items, {rows} rows; the latest version counts)"
            )
    return ["versions:", *lines] if lines else []
