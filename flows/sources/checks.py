"""Row-level validation as a few set-based DuckDB passes over a batch of incoming rows.

Every field rule becomes a SQL condition with its reason; the first failing rule of a row is
its reason, as a person would read the row left to right. Good rows come out normalised (UTC
ISO 8601 timestamps, lower-case emails, one-line names, plain numbers), bad rows keep their
original content for the quarantine. The rows never leave DuckDB: a million-row export is
checked in parallel where it was read, with no trip through pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from flows.sources.base import EMAIL_RE, MAX_TEXT_CHARS, FieldRule, literal, quote
from flows.sources.dates import DATE_FORMATS_HELP, timestamp_sql, timestamp_text_sql

# A plain decimal number; `inf`, `nan`, hex and the like are not what an export means.
NUMBER_RE = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
# `$412,000`, `USD 1,250.50`, `€ 98000`: a currency and thousands separators around a number.
MONEY_PREFIX = r"^(?:[A-Za-z]{3}\s*)?[$€£]?\s*"
MONEY_SUFFIX = r"\s*(?:[A-Za-z]{3})?$"
GROUPED_RE = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
CONTENT_CHARS = 20_000


@dataclass(frozen=True)
class _Check:
    condition: str
    field: str
    reason: str


def _stripped(column: str) -> str:
    return f"trim({column}, ' \t\r\n')"


def _first_pass(rule: FieldRule) -> dict[str, str]:
    """Narrow helper columns over the incoming row: stripped text, timestamp text."""
    c = quote(rule.name)
    if rule.kind == "text" and not rule.one_line:
        return {}  # checked in place: a copy of every comment would cost more than the checks
    out = {f"_t_{rule.name}": _stripped(c)}
    if rule.kind in ("timestamp", "date"):
        out[f"_x_{rule.name}"] = timestamp_text_sql(c)
    return out


def _second_pass(rule: FieldRule) -> dict[str, str]:
    """Parsed values over the first pass: numbers and timestamps."""
    t = quote(f"_t_{rule.name}")
    if rule.kind in ("int", "number"):
        cleaned = t
        if rule.kind == "number":
            bare = (
                f"regexp_replace(regexp_replace({t}, {literal(MONEY_PREFIX)}, ''),"
                f" {literal(MONEY_SUFFIX)}, '')"
            )
            cleaned = (
                f"(case when regexp_full_match({t}, {literal(NUMBER_RE)}) then {t}"
                f" when regexp_full_match({bare}, {literal(GROUPED_RE)}) then replace({bare}, ',', '')"
                f" else {bare} end)"
            )
        return {
            f"_c_{rule.name}": cleaned,
            f"_n_{rule.name}": f"case when regexp_full_match({cleaned}, {literal(NUMBER_RE)})"
            f" then try_cast({cleaned} as double) end",
        }
    if rule.kind in ("timestamp", "date"):
        return {f"_s_{rule.name}": timestamp_sql(quote(f"_x_{rule.name}"))}
    return {}


def _checks(rule: FieldRule, now: str) -> list[_Check]:
    name = rule.name
    if rule.kind == "text" and not rule.one_line:
        c = quote(name)
        present = f"({c} is not null and {_stripped(c)} <> '')"
        length = f"length({c})"
    else:
        t = quote(f"_t_{name}")
        present = f"({t} is not null and {t} <> '')"
        length = f"length({t})"
    t = quote(f"_t_{name}")
    checks = []
    if rule.required:
        checks.append(_Check(f"not {present}", name, f"{name} is empty"))
    if rule.kind == "text":
        value = quote(name) if not rule.one_line else t
        checks.append(
            _Check(
                f"{present} and {length} > {MAX_TEXT_CHARS}",
                name,
                f"{name} is longer than {MAX_TEXT_CHARS} characters",
            )
        )
        checks.append(
            _Check(f"{present} and contains({value}, chr(0))", name, f"{name} contains a NUL byte")
        )
    elif rule.kind == "email":
        checks.append(
            _Check(
                f"{present} and not regexp_full_match({t}, {literal(EMAIL_RE.strip('^$'))})",
                name,
                f"{name} is not an email address",
            )
        )
    elif rule.kind in ("int", "number"):
        number = quote(f"_n_{name}")
        checks.append(_Check(f"{present} and {number} is null", name, f"{name} is not a number"))
        if rule.kind == "int":
            checks.append(
                _Check(
                    f"{present} and {number} <> floor({number})",
                    name,
                    f"{name} is not a whole number",
                )
            )
        if rule.low is not None:
            checks.append(
                _Check(
                    f"{present} and {number} < {rule.low}", name, f"{name} is below {rule.low:g}"
                )
            )
        if rule.high is not None:
            checks.append(
                _Check(
                    f"{present} and {number} > {rule.high}", name, f"{name} is above {rule.high:g}"
                )
            )
    elif rule.kind in ("timestamp", "date"):
        stamp = quote(f"_s_{name}")
        checks.append(
            _Check(
                f"{present} and {stamp} is null",
                name,
                f"{name} is not a date/time we can read ({DATE_FORMATS_HELP})",
            )
        )
        if not rule.allow_future:
            checks.append(
                _Check(f"{present} and {stamp} > {now}", name, f"{name} is in the future")
            )
    elif rule.kind == "choice":
        allowed = ", ".join(literal(c.lower()) for c in rule.choices)
        checks.append(
            _Check(
                f"{present} and lower({t}) not in ({allowed})",
                name,
                f"{name} must be one of {', '.join(rule.choices)}",
            )
        )
    return checks


def _normalised(rule: FieldRule) -> str:
    """The value a good row stores."""
    c, t = quote(rule.name), quote(f"_t_{rule.name}")
    if rule.kind == "text" and rule.one_line:
        return f"regexp_replace({t}, '\\s*[\\r\\n]+\\s*', ' ', 'g')"
    if rule.kind == "email":
        return f"lower({t})"
    if rule.kind == "number":
        # A cleaned-up amount is stored as the number it is; anything else exactly as exported.
        cleaned, number = quote(f"_c_{rule.name}"), quote(f"_n_{rule.name}")
        return f"case when {cleaned} <> {t} and {number} is not null then {cleaned} else {c} end"
    if rule.kind in ("timestamp", "date"):
        fmt = "%Y-%m-%dT%H:%M:%SZ" if rule.kind == "timestamp" else "%Y-%m-%d"
        return f"strftime({quote(f'_s_{rule.name}')}, {literal(fmt)})"
    return c


def row_hash_sql(rules: Sequence[FieldRule]) -> str:
    """md5 of a row's stored values: the same fact re-delivered hashes the same.

    A column added later joins the hash only when it has a value, so rows stored before it
    existed keep their hash.
    """
    parts = [f"coalesce({quote(r.name)}, '\\N')" for r in rules if not r.added_later]
    parts += [
        f"case when {quote(r.name)} is null then '' else '{r.name}=' || {quote(r.name)} end"
        for r in rules
        if r.added_later
    ]
    return "md5(concat_ws(chr(31), " + ", ".join(parts) + "))"


def check_batch(
    con: duckdb.DuckDBPyConnection,
    incoming: str,
    checked: str,
    rules: Sequence[FieldRule],
    *,
    now: datetime,
    key: Sequence[str] = (),
) -> None:
    """Create temp table ``checked`` from table ``incoming`` (raw columns, ``_record``, ``_file``).

    ``checked`` has a row for every incoming row, in the same order: the raw columns normalised,
    ``_record``, ``_file``, ``_reason`` and ``_field`` (NULL for a good row) and ``_row_hash``
    (for a good row). ``key`` repeated in one file with other values quarantines the later rows;
    an identical repeat is left to the row hash, which stores it once.

    Each pass is a narrow table joined back by position (DuckDB keeps insertion order), so
    every expression is computed once per row and the wide text is copied once.
    """
    stamp = f"timestamp {literal(now.strftime('%Y-%m-%d %H:%M:%S'))}"
    first = {n: sql for r in rules for n, sql in _first_pass(r).items()} or {"_none": "null"}
    second = {n: sql for r in rules for n, sql in _second_pass(r).items()} or {"_none2": "null"}
    checks = [check for rule in rules for check in _checks(rule, stamp)]
    names = {"first": f"{checked}_p1", "second": f"{checked}_p2", "fail": f"{checked}_p3"}
    source = quote(incoming)
    joined = (
        f"{source} positional join {quote(names['first'])} positional join {quote(names['second'])}"
    )
    failing = (
        "case " + " ".join(f"when {c.condition} then {i}" for i, c in enumerate(checks, 1)) + " end"
    )
    statements = [
        (names["first"], f"select {_columns(first)} from {source}"),
        (names["second"], f"select {_columns(second)} from {quote(names['first'])}"),
        (names["fail"], f"select {failing if checks else 'null'}::integer as _fail from {joined}"),
    ]
    try:
        for table, select in statements:
            con.execute(f"create or replace temp table {quote(table)} as {select}")
        reasons = "[" + ", ".join(literal(c.reason) for c in checks) + "]::varchar[]"
        fields = "[" + ", ".join(literal(c.field) for c in checks) + "]::varchar[]"
        normalised = ", ".join(f"{_normalised(r)} as {quote(r.name)}" for r in rules)
        con.execute(
            f"create or replace temp table {quote(checked)} as"
            f" select *, case when _reason is null then {row_hash_sql(rules)} end as _row_hash"
            f" from (select {normalised}, _record, _file, ({reasons})[_fail] as _reason,"
            f" ({fields})[_fail] as _field from {joined} positional join {quote(names['fail'])})"
        )
    finally:
        for table in names.values():
            con.execute(f"drop table if exists {quote(table)}")
    if key:
        _mark_repeated_keys(con, checked, list(key))


def _columns(expressions: dict[str, str]) -> str:
    return ", ".join(f"{sql} as {quote(name)}" for name, sql in expressions.items())


def _mark_repeated_keys(con: duckdb.DuckDBPyConnection, checked: str, key: list[str]) -> None:
    """Quarantine rows whose key was first seen in the same file with other values.

    Only files where a key repeats with another row hash are looked at, which on a normal
    export is none: the common case costs one grouping.
    """
    keys = ["_file", *map(quote, key)]
    listed = ", ".join(keys)
    label = literal(" + ".join(key))
    table = quote(checked)
    on = " and ".join(f"rows.{k} = groups.{k}" for k in keys)
    con.execute(
        f"""
        update {table} set
            _reason = {label} || ' repeats record ' || firsts._first
                || ' of this file with different values',
            _field = {literal(key[0])}
        from (
            select rows._file, rows._record, rows._row_hash,
                first_value(rows._record) over w as _first,
                first_value(rows._row_hash) over w as _first_hash
            from {table} as rows
            join (
                select {listed} from {table} where _reason is null
                group by {listed} having count(distinct _row_hash) > 1
            ) as groups on {on}
            where rows._reason is null
            window w as (partition by {", ".join(f"rows.{k}" for k in keys)} order by rows._record)
        ) as firsts
        where firsts._row_hash <> firsts._first_hash
            and {table}._file = firsts._file and {table}._record = firsts._record
        """
    )


def content_sql(rules: Sequence[FieldRule], alias: str) -> str:
    """The row as exported, as JSON text, from ``incoming`` under ``alias``: what quarantine keeps."""
    originals = ", ".join(f"{literal(r.name)}: {alias}.{quote(r.name)}" for r in rules)
    return f"left(to_json({{{originals}}})::varchar, {CONTENT_CHARS})"
