"""Great Expectations gate over the rows each run loaded, and the hold it keeps.

Suites are built in code, one per source. Expectations marked critical stop the run before
marts are published; the others are reported as warnings. GX is imported lazily (~4 s).

The gate holds until the data is fixed: a source whose rows failed a critical expectation is
held (``raw._gate_holds``), and every later run checks the held load's rows again beside its
own, so a re-run fails the same way and says why. A held row stops counting once a newer
version of its item is loaded (a corrected export) or a person sets it aside
(``loopkeeper quarantine``); the hold is released by the first run whose rows all pass.

A big batch (a first night, a backfill) is not read whole into pandas: DuckDB selects the rows
that could fail some expectation of the suite (conditions derived from the expectations
themselves, _could_fail) and GX validates those, reading only the columns the suite checks. A
row no condition selects passes every expectation, so findings, counts, examples and rows are
the same as validating the whole batch; expectations with ``mostly`` are judged on the whole
batch's count (tests/flows/test_validate.py compares both ways). The SQL data source of GX does
not work over DuckDB (great_expectations issue #10738: every metric fails with an IndexError).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

if TYPE_CHECKING:
    import great_expectations as gx

    from flows.sources.base import Source

CRITICAL = {"severity": "critical"}
WARNING = {"severity": "warning"}


class GateFailed(RuntimeError):
    """Critical expectations failed: marts are not published for this run."""


@dataclass(frozen=True)
class Finding:
    source: str
    expectation: str
    column: str
    severity: str
    unexpected: int
    examples: tuple[str, ...]
    # (file, record) of the first failing rows, where the batch says where its rows came from.
    rows: tuple[tuple[str, int], ...] = ()
    # When the failing rows' load was first held, if an earlier run held it.
    held_since: str | None = None

    def line(self) -> str:
        examples = ", ".join(repr(e) for e in self.examples) or "-"
        text = (
            f"{self.severity}: {self.source}.{self.column}: {self.expectation} "
            f"({self.unexpected} unexpected; e.g. {examples})"
        )
        shown = self.rows[:5]
        if shown:
            text += "; rows: " + "; ".join(f"{file} record {record}" for file, record in shown)
            if self.unexpected > len(shown):
                text += f" and {self.unexpected - len(shown)} more"
        if self.held_since:
            text += f"; held since {self.held_since}"
        return text


@dataclass
class GateReport:
    checked_rows: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def critical(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "critical"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "critical"]


def _expectations(name: str) -> list[Any]:
    """The suite's expectations (building them needs no data context, a suite does)."""
    import great_expectations as gx

    e = gx.expectations
    suites: dict[str, list[Any]] = {
        "crm_accounts": [
            e.ExpectColumnValuesToNotBeNull(column="account_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="account_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeInSet(
                column="tier", value_set=["Enterprise", "Mid-Market", "SMB"], meta=CRITICAL
            ),
            e.ExpectColumnValuesToBeBetween(
                column="arr_value", min_value=0, max_value=1e10, meta=CRITICAL
            ),
            e.ExpectColumnValuesToNotBeNull(column="contact_email", mostly=0.9, meta=WARNING),
            e.ExpectColumnValuesToNotBeNull(column="csm_email", mostly=0.9, meta=WARNING),
        ],
        "nps_responses": [
            e.ExpectColumnValuesToNotBeNull(column="response_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeBetween(
                column="score_value", min_value=0, max_value=10, meta=CRITICAL
            ),
            e.ExpectColumnValuesToNotBeNull(column="responded_at", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="response_id", meta=WARNING),
            e.ExpectColumnValueLengthsToBeBetween(column="comment", max_value=5000, meta=WARNING),
        ],
        "zendesk_tickets": [
            e.ExpectColumnValuesToNotBeNull(column="ticket_id", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="created_at", meta=CRITICAL),
            e.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="updated_at", column_B="created_at", or_equal=True, meta=WARNING
            ),
            e.ExpectColumnValuesToNotBeNull(column="requester_email", mostly=0.95, meta=WARNING),
        ],
        "widget_events": [
            e.ExpectColumnValuesToNotBeNull(column="event_id", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="message", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="event_id", meta=WARNING),
            e.ExpectColumnValuesToNotBeNull(column="account_id", mostly=0.95, meta=WARNING),
        ],
        "note_items": [
            e.ExpectColumnValuesToNotBeNull(column="account_id", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="note_date", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="item_text", meta=CRITICAL),
        ],
        "roadmap_items": [
            e.ExpectColumnValuesToNotBeNull(column="item_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="item_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeInSet(
                column="status_value",
                value_set=["planned", "in_progress", "shipped", "declined"],
                meta=CRITICAL,
            ),
        ],
    }
    return suites[name]


def _suite(name: str) -> gx.ExpectationSuite:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"loopkeeper_{name}")
    for expectation in _expectations(name):
        suite.add_expectation(expectation)
    return suite


# Typed helper columns the suites check (raw columns stay text), computed by DuckDB as it reads
# the batch.
PREPARED = {
    "crm_accounts": {"arr_value": "try_cast(trim(arr) as double)"},
    "nps_responses": {"score_value": "try_cast(trim(score) as double)"},
    "roadmap_items": {"status_value": "replace(lower(status), ' ', '_')"},
}
# A batch of more rows than this is validated through the rows that could fail (module docstring).
WHOLE_BATCH_ROWS = 20_000


@dataclass(frozen=True)
class GateBatch:
    """A table's rows to validate: all of them, or (a big batch) only those that could fail
    some expectation, with ``rows`` the whole batch's count and ``nonnull`` its non-null count
    per column an expectation with ``mostly`` reads."""

    frame: pd.DataFrame
    rows: int
    nonnull: dict[str, int] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return len(self.frame) == self.rows


def _sql_value(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(float(value))  # type: ignore[arg-type]


def _could_fail(expectation: Any) -> str:
    """A SQL condition true for every row that could break ``expectation`` (over the batch CTE
    ``batch``): the rows GX must see. Kept to the expectation types the suites use; a new type
    needs its condition here before a suite can use it."""
    kind = type(expectation).__name__
    column = getattr(expectation, "column", None)
    if kind == "ExpectColumnValuesToNotBeNull":
        return f"{column} is null"
    if kind == "ExpectColumnValuesToBeUnique":
        return (
            f"{column} in (select {column} from batch where {column} is not null"
            f" group by {column} having count(*) > 1)"
        )
    if kind == "ExpectColumnValuesToBeInSet":
        values = ", ".join(_sql_value(v) for v in expectation.value_set)
        return f"{column} not in ({values})"
    if kind in ("ExpectColumnValuesToBeBetween", "ExpectColumnValueLengthsToBeBetween"):
        # Length in bytes is at least the length in characters GX counts: a superset.
        measure = f"strlen({column})" if "Lengths" in kind else f"{column}"
        low, high = expectation.min_value, expectation.max_value
        parts = [f"{measure} < {_sql_value(low)}"] if low is not None else []
        parts += [f"{measure} > {_sql_value(high)}"] if high is not None else []
        # NaN compares above every number in DuckDB: such a row is handed to GX as well.
        return " or ".join(parts) or "false"
    if kind == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = expectation.column_A, expectation.column_B
        below = "<" if expectation.or_equal else "<="
        return f"{a} is null or {b} is null or {a} {below} {b}"
    raise TypeError(f"the gate cannot select the rows {kind} could fail: add it to _could_fail")


def _columns(expectation: Any) -> list[str]:
    names = [getattr(expectation, n, None) for n in ("column", "column_A", "column_B")]
    return [name for name in names if name]


def run_gate(batches: Mapping[str, pd.DataFrame | GateBatch]) -> GateReport:
    """Validate each source's newly loaded rows; returns every failed expectation.

    A DataFrame is a whole batch as raw holds it; a GateBatch may hold only the rows that could
    fail (gate_batches)."""
    report = GateReport()
    read = {
        name: given if isinstance(given, GateBatch) else _whole(name, given)
        for name, given in batches.items()
    }
    read = {name: given for name, given in read.items() if given.rows}
    for name, given in read.items():
        report.checked_rows[name] = given.rows
    read = {name: given for name, given in read.items() if not given.frame.empty}
    if not read:
        return report  # a big batch none of whose rows could fail
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("loopkeeper")
    for table, whole in read.items():
        frame = whole.frame
        asset = datasource.add_dataframe_asset(table)
        batch = asset.add_batch_definition_whole_dataframe(table).get_batch(
            batch_parameters={"dataframe": frame}
        )
        located = {"_file", "_record"} <= set(frame.columns)
        result = batch.validate(
            _suite(table),
            result_format={
                "result_format": "SUMMARY",
                **({"unexpected_index_column_names": ["_file", "_record"]} if located else {}),
            },
        )
        for outcome in result.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            if config is None:
                continue
            kwargs = config.kwargs
            column = kwargs.get("column") or f"{kwargs.get('column_A')},{kwargs.get('column_B')}"
            details = outcome.result or {}
            unexpected = int(details.get("unexpected_count") or 0)
            mostly = kwargs.get("mostly")
            if not whole.whole and mostly is not None and mostly < 1:
                # Judged on the whole batch, as GX would: nulls count against the rows for
                # not-null, values against the column's non-null ones for the others.
                seen = (
                    whole.rows
                    if config.type == "expect_column_values_to_not_be_null"
                    else whole.nonnull[str(kwargs.get("column"))]
                )
                if seen and 1 - unexpected / seen >= mostly:
                    continue
            examples = tuple(str(v) for v in (details.get("partial_unexpected_list") or [])[:3])
            rows = tuple(
                (str(at["_file"]), int(at["_record"]))
                for at in details.get("partial_unexpected_index_list") or []
                if isinstance(at, dict) and "_file" in at
            )
            report.findings.append(
                Finding(
                    source=table,
                    expectation=config.type,
                    column=str(column),
                    severity=str((config.meta or {}).get("severity", "warning")),
                    unexpected=unexpected,
                    examples=examples,
                    rows=rows,
                )
            )
    return report


# What `loopkeeper quarantine` and a failed gate tell a person to do.
FIX_HINT = (
    "The gate holds: these rows are checked again on every run until a corrected export replaces"
    " them (a newer version of the same item) or they are set aside with"
    " `loopkeeper quarantine FILE --record N --reason TEXT`."
)


# A raw table, its items' natural key and the column holding the export's own version stamp.
GatedTable = tuple[str, Sequence[str], str | None]


def gated_tables(sources: Sequence[Source]) -> list[GatedTable]:
    return [(s.table, s.identity, s.version_column) for s in sources]


def _version_rank(alias: str, version_column: str | None) -> str:
    """The tuple that ranks an item's versions as its staging model does: the export's own
    stamp first when the source has one (nulls last), then load order."""
    order = f"{alias}._loaded_at, {alias}._file, {alias}._record"
    if version_column is None:
        return f"({order})"
    # Raw keeps loaded timestamps as `YYYY-MM-DDTHH:MM:SSZ` (flows.sources.checks).
    stamp = f"try_strptime({alias}.{version_column}, '%Y-%m-%dT%H:%M:%SZ')"
    return f"({stamp} is not null, {stamp}, {order})"


def gate_batches(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[GatedTable],
    loaded_at: datetime,
    *,
    whole_below: int = WHOLE_BATCH_ROWS,
) -> dict[str, GateBatch]:
    """Per raw table: this run's rows, and the rows of loads an earlier run held that are still
    the latest version of their item (by the export's own version stamp where it has one).

    Only the columns the suite checks are read, with the row's file and record; a batch of more
    than ``whole_below`` rows is read as the rows that could fail (module docstring)."""
    stamp = loaded_at.replace(tzinfo=None)
    batches = {}
    for table, key, version_column in tables:
        held = con.execute(
            "select count(*) from raw._gate_holds where source_table = ?", [table]
        ).fetchone()
        superseded = "false"
        if key and held and held[0]:
            same = " and ".join(f"newer.{c} = held.{c}" for c in key)
            superseded = (
                f"exists (select 1 from raw.{table} as newer where {same} and"
                f" {_version_rank('newer', version_column)}"
                f" > {_version_rank('held', version_column)})"
            )
        prepared = "".join(f", {sql} as {name}" for name, sql in PREPARED.get(table, {}).items())
        # Without a hold on the table (most nights) the versions are not compared at all.
        holds = (
            " or (_loaded_at in (select loaded_at from raw._gate_holds where source_table = ?)"
            f" and not {superseded})"
            if held and held[0]
            else ""
        )
        params: list[object] = [stamp, table] if holds else [stamp]
        batch = (
            f"with batch as (select *{prepared} from raw.{table} as held"
            f" where _loaded_at = ?{holds})"
        )
        counted = con.execute(f"{batch} select count(*) from batch", params).fetchone()
        rows = int(counted[0]) if counted else 0
        if not rows:  # a quiet night imports no GX at all
            batches[table] = GateBatch(pd.DataFrame(), 0)
            continue
        expectations = _expectations(table)
        columns = list(dict.fromkeys(c for e in expectations for c in _columns(e)))
        read = ", ".join([*columns, "_file", "_record"])
        order = " order by _loaded_at, _file, _record"
        if rows <= whole_below:
            frame = con.execute(f"{batch} select {read} from batch{order}", params).df()
            batches[table] = GateBatch(frame, rows)
            continue
        could_fail = " or ".join(f"({_could_fail(e)})" for e in expectations)
        frame = con.execute(
            f"{batch} select {read} from batch where {could_fail}{order}", params
        ).df()
        partial = [
            c for e in expectations if (getattr(e, "mostly", None) or 1) < 1 for c in _columns(e)
        ]
        counts = con.execute(
            f"{batch} select {', '.join(f'count({c})' for c in partial) or '0'} from batch",
            params,
        ).fetchone()
        nonnull = dict(zip(partial, (int(n) for n in counts or ()), strict=False))
        batches[table] = GateBatch(frame, rows, nonnull)
    return batches


def _whole(table: str, frame: pd.DataFrame) -> GateBatch:
    """A whole batch given as a DataFrame of raw columns, with the typed helper columns."""
    if frame.empty:
        return GateBatch(frame, 0)
    prepared = "".join(f", {sql} as {name}" for name, sql in PREPARED.get(table, {}).items())
    typed = duckdb.query_df(frame, "batch", f"select *{prepared} from batch").df()
    return GateBatch(typed, len(frame))


def hold_or_release(
    con: duckdb.DuckDBPyConnection, report: GateReport, loaded_at: datetime
) -> None:
    """Hold the loads whose rows failed a critical expectation; release every other hold.

    Each finding learns since when its table was held, for the message a re-run prints.
    """
    stamp = loaded_at.replace(tzinfo=None)
    failed = sorted({f.source for f in report.critical})
    con.execute("begin")
    con.execute("delete from raw._gate_holds where not list_contains(?, source_table)", [failed])
    for finding in report.critical:
        con.execute(
            "insert into raw._gate_holds values (?, ?, ?, ?) on conflict do nothing",
            [finding.source, stamp, stamp, finding.line()],
        )
    con.execute("commit")
    since = dict(
        con.execute(
            "select source_table, strftime(min(held_at), '%Y-%m-%d %H:%M UTC')"
            " from raw._gate_holds where held_at < ? group by 1",
            [stamp],
        ).fetchall()
    )
    report.findings = [
        replace(f, held_since=since.get(f.source)) if f.severity == "critical" else f
        for f in report.findings
    ]


def gate(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[GatedTable],
    loaded_at: datetime,
) -> GateReport:
    """The night's gate: this run's rows and the held ones validated, the holds updated."""
    report = run_gate(gate_batches(con, tables, loaded_at))
    hold_or_release(con, report, loaded_at)
    return report


def failure(report: GateReport) -> GateFailed | None:
    """What stops the night, naming the rows, since when they are held and how to fix them."""
    if not report.critical:
        return None
    return GateFailed(
        "critical expectations failed, marts not published:\n"
        + "\n".join(f.line() for f in report.critical)
        + f"\n{FIX_HINT}"
    )


def set_aside(
    con: duckdb.DuckDBPyConnection,
    table: str,
    file: str,
    records: Sequence[int],
    reason: str,
    at: datetime,
) -> int:
    """Move rows of ``file`` (all, or ``records``) from raw into the quarantine; returns how many.

    A person's decision that the rows are wrong: they leave raw, the gate stops checking them,
    and the quarantine keeps them (the row as stored, as JSON) with the reason given.
    """
    where = "_file = ?" + (" and list_contains(?, _record)" if records else "")
    params: list[object] = [file, list(records)] if records else [file]
    rows = con.execute(f"select * exclude (_row_hash) from raw.{table} where {where}", params).df()
    if rows.empty:
        return 0
    content = [
        json.dumps({k: v for k, v in row.items() if not str(k).startswith("_")}, default=str)
        for row in rows.to_dict("records")
    ]
    moved = pd.DataFrame(
        {
            "source": rows["_source"],
            "file": rows["_file"],
            "record": rows["_record"],
            "field": "row",
            "reason": f"set aside by hand: {reason}",
            "content": content,
            "quarantined_at": at.replace(tzinfo=None),
        }
    )
    con.execute("begin")
    con.register("_moved", moved)
    try:
        con.execute("insert into raw._quarantine select * from _moved")
    finally:
        con.unregister("_moved")
    con.execute(f"delete from raw.{table} where {where}", params)
    con.execute("commit")
    return len(rows)
