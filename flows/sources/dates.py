"""Dates and times as exports write them, parsed to UTC by a short list of explicit formats.

Guessing (``dateutil``, pandas' ``format="mixed"``) reads ``04/11/2026`` day-first or
month-first depending on the rest of the column; an explicit list never guesses. Slash dates
are month-first, as US survey tools and CRMs export them; a value no format reads is rejected
so the row is quarantined, never loaded at a guessed date.

The parser is one DuckDB SQL expression, so a million rows are parsed where they already are,
in parallel, without a trip through Python. It never depends on the session's TimeZone: text
with an offset goes through TIMESTAMPTZ to an absolute instant, text without one is UTC.
"""

from __future__ import annotations

from flows.sources.base import literal

DATE_FORMATS_HELP = "ISO 8601, M/D/YYYY [h:mm [AM|PM]] or epoch seconds"

_OFFSET = r"(?:Z|[+-]\d{2}(?::?\d{2})?)"
_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?" + _OFFSET + "?"
_DAY = r"\d{1,2}/\d{1,2}/\d{4}"
# (shape, format): each shape has exactly one format, so no row tries formats one by one.
_SHAPES = (
    (_DAY, "%m/%d/%Y"),
    (_DAY + r" \d{1,2}:\d{2}", "%m/%d/%Y %H:%M"),
    (_DAY + r" \d{1,2}:\d{2}:\d{2}", "%m/%d/%Y %H:%M:%S"),
    (_DAY + r" \d{1,2}:\d{2} [AP]M", "%m/%d/%Y %I:%M %p"),
    (_DAY + r" \d{1,2}:\d{2}:\d{2} [AP]M", "%m/%d/%Y %I:%M:%S %p"),
    (_DAY + r" \d{1,2}:\d{2}[AP]M", "%m/%d/%Y %I:%M%p"),
    # Jira's CSV export writes `04/Nov/26 9:30 AM`: the month is a name, nothing is ambiguous.
    (r"\d{1,2}/[A-Z]{3}/\d{2} \d{1,2}:\d{2} [AP]M", "%d/%b/%y %I:%M %p"),
    (r"\d{1,2}/[A-Z]{3}/\d{2}", "%d/%b/%y"),
)


def timestamp_text_sql(column: str) -> str:
    """The value trimmed and upper-cased, a trailing ` UTC` or ` +01:00` joined to the time as
    ISO writes it: what ``timestamp_sql`` parses. Kept apart so it is computed once per row."""
    return timestamp_zone_sql(f"upper(trim({column}, ' \t\r\n'))")


def timestamp_zone_sql(text: str) -> str:
    """``timestamp_text_sql`` over text already trimmed and upper-cased (a column, so that the
    validation computes it once and reads it three times).

    Only text ending in UTC/GMT or in a digit (an offset) has anything to join; the ending is
    tested first, so most values pass no pattern. After a UTC/GMT join the text ends in Z and
    the offset pattern cannot apply: at most one of the two replacements runs.
    """
    utc = f"regexp_replace({text}, '\\s+(?:UTC|GMT)$', 'Z')"
    offset = f"regexp_replace({text}, '(\\d)\\s+([+-]\\d{{2}}:?\\d{{2}})$', '\\1\\2')"
    return (
        f"(case when suffix({text}, 'UTC') or suffix({text}, 'GMT') then {utc}"
        f" when ascii(right({text}, 1)) between 48 and 57 then {offset} else {text} end)"
    )


def timestamp_sql(text: str) -> str:
    """A SQL expression: the UTC TIMESTAMP the text (from ``timestamp_text_sql``) stands for, or NULL.

    A value without an offset is UTC. Epoch values are seconds (9-10 digits) or milliseconds (13).
    Only slash dates contain a slash, and only the 12-hour ones end in M: testing that first
    spares most values all but one of the shape patterns.
    """
    iso = f"replace({text}, ',', '.')"
    with_offset = literal(r"[T ]\d.*" + _OFFSET + "$")

    def shapes(twelve_hour: bool) -> str:
        return " ".join(
            f"when regexp_full_match({text}, {literal(shape)})"
            f" then try_strptime({text}, {literal(fmt)})"
            for shape, fmt in _SHAPES
            if shape.endswith("M") == twelve_hour
        )

    return f"""(case
        when contains({text}, '/') then
            case when suffix({text}, 'M') then case {shapes(True)} end
            else case {shapes(False)} end end
        when regexp_full_match({text}, {literal(_ISO)}) then
            case when regexp_matches({text}, {with_offset})
                then make_timestamp(epoch_us(try_cast({iso} as timestamptz)))
                else try_cast(rtrim({iso}, 'Z') as timestamp)
            end
        when regexp_full_match({text}, '\\d{{9,10}}')
            then make_timestamp(try_cast({text} as bigint) * 1000000)
        when regexp_full_match({text}, '\\d{{13}}')
            then make_timestamp(try_cast({text} as bigint) // 1000 * 1000000)
    end)"""
