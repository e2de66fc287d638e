"""Row-level validation as one set-based DuckDB statement over a batch of incoming rows.

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
from flows.sources.dates import DATE_FORMATS_HELP, timestamp_sql, timestamp_zone_sql

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
    """The value without leading or trailing spaces, tabs and line breaks.

    DuckDB's ``trim`` with a character list costs ~0.6 us a value even when there is nothing to
    trim; it only runs where the first or last character is a space or a control character.
    (``<= 32``, not ``in (9, 10, 13, 32)``: DuckDB's IN list made the test itself slower.)
    """
    edges = f"ascii({column}) <= 32 or ascii(right({column}, 1)) <= 32"
    return f"(case when {edges} then trim({column}, ' \t\r\n') else {column} end)"


def _has_text(column: str) -> str:
    """Not NULL and not only spaces, tabs and line breaks (``trim(...) <> ''``, without a copy).

    A CASE, because DuckDB evaluates both sides of an OR in a select list: the regular
    expression only runs on text starting with a space or a control character.
    """
    return (
        f"(case when {column} is null then false when ascii({column}) > 32 then true"
        f" else regexp_matches({column}, '[^ \t\r\n]') end)"
    )


def _is_wide(rule: FieldRule) -> bool:
    """Free text (comments, descriptions): checked in place, never trimmed into a copy."""
    return rule.kind == "text" and not rule.one_line


def _layers(rules: Sequence[FieldRule]) -> list[dict[str, str]]:
    """Helper columns, each layer computed over the one before, so every expression runs once.

    1: the stripped text; 2: whether there is a value (``_p_``, read by most checks), the upper
    case (timestamps) and the cleaned-up number text; 3: parsed numbers and the timestamp text
    with its zone joined on; 4: parsed timestamps.
    """
    layers: list[dict[str, str]] = [{}, {}, {}, {}]
    for rule in rules:
        name = rule.name
        if _is_wide(rule):
            layers[1][f"_p_{name}"] = _has_text(quote(name))
            continue
        t = quote(f"_t_{name}")
        layers[0][f"_t_{name}"] = _stripped(quote(name))
        layers[1][f"_p_{name}"] = f"({t} is not null and {t} <> '')"
        if rule.kind in ("timestamp", "date"):
            layers[1][f"_u_{name}"] = f"upper({t})"
            layers[2][f"_x_{name}"] = timestamp_zone_sql(quote(f"_u_{name}"))
            layers[3][f"_s_{name}"] = timestamp_sql(quote(f"_x_{name}"))
        elif rule.kind in ("int", "number"):
            cleaned = t
            if rule.kind == "number":
                bare = (
                    f"regexp_replace(regexp_replace({t}, {literal(MONEY_PREFIX)}, ''),"
                    f" {literal(MONEY_SUFFIX)}, '')"
                )
                layers[1][f"_c_{name}"] = (
                    f"(case when regexp_full_match({t}, {literal(NUMBER_RE)}) then {t}"
                    f" when regexp_full_match({bare}, {literal(GROUPED_RE)})"
                    f" then replace({bare}, ',', '') else {bare} end)"
                )
                cleaned = quote(f"_c_{name}")
            layers[2][f"_n_{name}"] = (
                f"case when regexp_full_match({cleaned}, {literal(NUMBER_RE)})"
                f" then try_cast({cleaned} as double) end"
            )
    return [layer for layer in layers if layer]


def _checks(rule: FieldRule, now: str) -> list[_Check]:
    """The rule's checks in the order a person reads them. The first, for a required field, is
    "empty"; the others hold only for a value that is there (``_failing`` tests that once)."""
    name = rule.name
    t = quote(f"_t_{name}")
    length = f"length({quote(name) if _is_wide(rule) else t})"
    checks = []
    if rule.required:
        checks.append(_Check(f"not {quote(f'_p_{name}')}", name, f"{name} is empty"))
    if rule.kind == "text":
        value = quote(name) if not rule.one_line else t
        checks.append(
            _Check(
                f"{length} > {MAX_TEXT_CHARS}",
                name,
                f"{name} is longer than {MAX_TEXT_CHARS} characters",
            )
        )
        checks.append(_Check(f"contains({value}, chr(0))", name, f"{name} contains a NUL byte"))
    elif rule.kind == "email":
        checks.append(
            _Check(
                f"not regexp_full_match({t}, {literal(EMAIL_RE.strip('^$'))})",
                name,
                f"{name} is not an email address",
            )
        )
    elif rule.kind in ("int", "number"):
        number = quote(f"_n_{name}")
        checks.append(_Check(f"{number} is null", name, f"{name} is not a number"))
        if rule.kind == "int":
            checks.append(
                _Check(f"{number} <> floor({number})", name, f"{name} is not a whole number")
            )
        if rule.low is not None:
            checks.append(_Check(f"{number} < {rule.low}", name, f"{name} is below {rule.low:g}"))
        if rule.high is not None:
            checks.append(_Check(f"{number} > {rule.high}", name, f"{name} is above {rule.high:g}"))
    elif rule.kind in ("timestamp", "date"):
        stamp = quote(f"_s_{name}")
        checks.append(
            _Check(
                f"{stamp} is null",
                name,
                f"{name} is not a date/time we can read ({DATE_FORMATS_HELP})",
            )
        )
        if not rule.allow_future:
            checks.append(_Check(f"{stamp} > {now}", name, f"{name} is in the future"))
    elif rule.kind == "choice":
        allowed = ", ".join(literal(c.lower()) for c in rule.choices)
        checks.append(
            _Check(
                f"lower({t}) not in ({allowed})",
                name,
                f"{name} must be one of {', '.join(rule.choices)}",
            )
        )
    return checks


def _failing(rules: Sequence[FieldRule], now: str) -> tuple[str, list[_Check]]:
    """The 1-based number of a row's first failing check (NULL: none) and the checks.

    One CASE per field, the first that is not NULL wins: a field without a value skips its
    value checks with one test, and a field with one pays no presence test per check.
    """
    fields: list[str] = []
    checks: list[_Check] = []
    for rule in rules:
        own = _checks(rule, now)
        numbered = list(enumerate(own, len(checks) + 1))
        checks += own
        empty = str(numbered.pop(0)[0]) if rule.required else "null"
        whens = " ".join(f"when {check.condition} then {i}" for i, check in numbered)
        if numbered or rule.required:
            fields.append(f"case when not {quote(f'_p_{rule.name}')} then {empty} {whens} end")
    if not fields:
        return "null", checks
    return (f"coalesce({', '.join(fields)})" if len(fields) > 1 else fields[0]), checks


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
    # concat_ws skips a null part, separator and all: an empty value without a slot adds nothing.
    parts += [
        f"case when {quote(r.name)} is null then {literal('') if r.empty_hash_slot else 'null'}"
        f" else '{r.name}=' || {quote(r.name)} end"
        for r in rules
        if r.added_later
    ]
    return "md5(concat_ws(chr(31), " + ", ".join(parts) + "))"


@dataclass(frozen=True)
class Checked:
    """What ``check_batch`` found, for the insert to skip work a batch does not need."""

    good: int
    # Whether two good rows can share a row hash: several files, or a key repeated in a file
    # (or no key to tell). When not, the insert needs no first-of-each pass.
    may_repeat: bool


def check_batch(
    con: duckdb.DuckDBPyConnection,
    incoming: str,
    checked: str,
    rules: Sequence[FieldRule],
    *,
    now: datetime,
    key: Sequence[str] = (),
) -> Checked:
    """Create temp table ``checked`` from table or view ``incoming`` (raw columns, ``_record``,
    ``_file``; ``_file`` and ``_record`` name one row).

    ``checked`` has a row for every incoming row: the raw columns normalised, ``_record``,
    ``_file``, ``_reason`` and ``_field`` (NULL for a good row) and ``_content`` (for a bad one:
    the row as exported). The row hash (``row_hash_sql``) is left to the insert, which writes
    it anyway: computed there it is never copied into the checked rows. ``key`` repeated in one file with other
    values quarantines the later rows; an identical repeat is left to the row hash, which stores
    it once.

    One statement: the helper columns are stacked subqueries that DuckDB streams through in
    one pipeline, so every expression runs once per row and the wide text is copied once.
    """
    stamp = f"timestamp {literal(now.strftime('%Y-%m-%d %H:%M:%S'))}"
    failing, checks = _failing(rules, stamp)
    select = f"select * from {quote(incoming)}"
    for layer in [*_layers(rules), {"_fail": f"({failing})::integer"}]:
        select = f"select *, {_columns(layer)} from ({select})"
    reasons = "[" + ", ".join(literal(c.reason) for c in checks) + "]::varchar[]"
    fields = "[" + ", ".join(literal(c.field) for c in checks) + "]::varchar[]"
    normalised = ", ".join(f"{_normalised(r)} as {quote(r.name)}" for r in rules)
    con.execute(
        f"create or replace temp table {quote(checked)} as"
        f" select {normalised}, _record, _file,"
        # Guarded: indexing the list costs ~4x more than the test, and most rows are good.
        f" case when _fail is not null then ({reasons})[_fail] end as _reason,"
        f" case when _fail is not null then ({fields})[_fail] end as _field,"
        f" case when _fail is not null then {content_sql(rules, 'helped')} end as _content"
        f" from ({select}) as helped"
    )
    keys = ", ".join(["_file", *map(quote, key)])
    good, keyed, files = con.execute(
        f"select count(*), count(distinct ({keys})), count(distinct _file)"
        f" from {quote(checked)} where _reason is null"
    ).fetchall()[0]
    marked = 0
    if key and keyed < good:
        marked = _mark_repeated_keys(con, incoming, checked, rules, list(key))
    return Checked(int(good) - marked, not key or keyed < good or files > 1)


def _columns(expressions: dict[str, str]) -> str:
    return ", ".join(f"{sql} as {quote(name)}" for name, sql in expressions.items())


def _mark_repeated_keys(
    con: duckdb.DuckDBPyConnection,
    incoming: str,
    checked: str,
    rules: Sequence[FieldRule],
    key: list[str],
) -> int:
    """Quarantine rows whose key was first seen in the same file with other values; returns
    how many. Only called when some key repeats in a file: on a normal export none does.
    """
    keys = ["_file", *map(quote, key)]
    listed = ", ".join(keys)
    label = literal(" + ".join(key))
    table = quote(checked)
    good = f"(select *, {row_hash_sql(rules)} as _row_hash from {table} where _reason is null)"
    on = " and ".join(f"rows.{k} = groups.{k}" for k in keys)
    marked = con.execute(
        f"""
        update {table} set
            _reason = {label} || ' repeats record ' || firsts._first
                || ' of this file with different values',
            _field = {literal(key[0])}
        from (
            select rows._file, rows._record, rows._row_hash,
                first_value(rows._record) over w as _first,
                first_value(rows._row_hash) over w as _first_hash
            from {good} as rows
            join (
                select {listed} from {good}
                group by {listed} having count(distinct _row_hash) > 1
            ) as groups on {on}
            window w as (partition by {", ".join(f"rows.{k}" for k in keys)} order by rows._record)
        ) as firsts
        where firsts._row_hash <> firsts._first_hash
            and {table}._file = firsts._file and {table}._record = firsts._record
        """
    ).fetchall()[0][0]
    if marked:
        # The checks kept the exported row only for the rows they turned down: the row as
        # exported is looked up for the few marked here (semi join first, JSON after).
        con.execute(
            f"update {table} set _content = exported._content from ("
            f" select incoming._file, incoming._record, {content_sql(rules, 'incoming')} as _content"
            f" from {quote(incoming)} as incoming semi join ("
            f"  select _file, _record from {table} where _reason is not null and _content is null"
            " ) as marked on incoming._file = marked._file and incoming._record = marked._record"
            f") as exported where {table}._file = exported._file"
            f" and {table}._record = exported._record"
        )
    return int(marked)


def content_sql(rules: Sequence[FieldRule], alias: str) -> str:
    """The row as exported, as JSON text, from ``incoming`` under ``alias``: what quarantine keeps."""
    originals = ", ".join(f"{literal(r.name)}: {alias}.{quote(r.name)}" for r in rules)
    return f"left(to_json({{{originals}}})::varchar, {CONTENT_CHARS})"
