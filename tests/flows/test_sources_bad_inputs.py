"""Bad inputs of every source: each is quarantined with a clear reason, the good rows of the
same file still load."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from flows.sources import SOURCES
from flows.sources.dates import DATE_FORMATS_HELP
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

BAD = Path(__file__).parents[1] / "fixtures" / "sources" / "bad"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
# Each case gets a fresh in-memory warehouse: a file per case would cost most of the run.
MEMORY = Path(":memory:")
DATES = f"is not a date/time we can read ({DATE_FORMATS_HELP})"


def case(source: str, file: str, record: int, field: str, reason: str, good: int, id: str):  # type: ignore[no-untyped-def]
    return pytest.param(source, file, record, field, reason, good, id=id)


CASES = [
    case("nps", "score-eleven.csv", 2, "score", "score is above 10", 1, "nps score 11"),
    case("nps", "score-minus-one.csv", 2, "score", "score is below 0", 1, "nps score -1"),
    case("nps", "score-na.csv", 2, "score", "score is not a number", 1, "nps score n/a"),
    case("nps", "score-decimal.csv", 2, "score", "score is not a whole number", 1, "nps score 7.5"),
    case("nps", "score-empty.csv", 2, "score", "score is empty", 1, "nps score missing"),
    case("nps", "date-words.csv", 2, "responded_at", f"responded_at {DATES}", 1, "date in words"),
    case("nps", "date-day-first.csv", 2, "responded_at", f"responded_at {DATES}", 1, "day-first date"),
    case("nps", "date-two-digit-year.csv", 2, "responded_at", f"responded_at {DATES}", 1, "two-digit year"),
    case("nps", "date-impossible.csv", 2, "responded_at", f"responded_at {DATES}", 1, "30 february"),
    case("nps", "date-future.csv", 2, "responded_at", "responded_at is in the future", 1, "future date"),
    case("nps", "email-invalid.csv", 2, "email", "email is not an email address", 1, "bad email"),
    case("nps", "email-empty.csv", 2, "email", "email is empty", 1, "empty email"),
    case("nps", "id-empty.csv", 2, "response_id", "response_id is empty", 1, "empty id"),
    case("nps", "comment-nul.csv", 2, "comment", "comment contains a NUL byte", 1, "nul byte"),
    case("nps", "duplicate-id.csv", 2, "response_id", "response_id repeats record 1 of this file with different values", 1, "duplicate id"),
    case("nps", "too-many-fields.csv", 2, "row", "row has more fields than the header (an unquoted comma?)", 1, "unquoted comma"),
    case("nps", "too-few-fields.csv", 2, "row", "row has fewer fields than the header", 1, "short row"),
    case("nps", "missing-email-column.csv", 0, "file", "missing-email-column.csv: missing required column(s) email (found: Response ID, Score, Comment, Responded At)", 0, "missing column"),
    case("nps", "renamed-columns.csv", 0, "file", "renamed-columns.csv: missing required column(s) response_id, email, score, responded_at (found: Respondent, Mail, NPS Rating, When)", 0, "renamed columns"),
    case("nps", "empty.csv", 0, "file", "empty.csv: the file is empty", 0, "empty file"),
    case("nps", "header-only.csv", 0, "file", "header-only.csv: a header (Response ID, Email, Score, Comment, Responded At, Survey ID) but no data rows", 0, "header only"),
    case("nps", "excel-workbook.csv", 0, "file", "excel-workbook.csv: a binary file, not CSV text (an Excel workbook renamed .csv?)", 0, "xlsx named csv"),
    case("tickets", "status-unknown.json", 2, "status", "status must be one of new, open, pending, hold, solved, closed", 1, "ticket status"),
    case("tickets", "updated-missing.json", 2, "updated_at", "updated_at is empty", 1, "ticket no updated_at"),
    case("tickets", "created-unreadable.json", 2, "created_at", f"created_at {DATES}", 1, "ticket bad date"),
    case("tickets", "rating-unknown.json", 2, "satisfaction_score", "satisfaction_score must be one of good, bad, offered, unoffered, not offered", 1, "csat score"),
    case("tickets", "truncated.json", 0, "file", "truncated.json: not a readable JSON export: Invalid Input Error: Malformed JSON in file truncated.json, at byte 50 in record/value 2: unexpected end of data.", 0, "truncated json"),
    case("tickets", "not-an-export.json", 0, "file", "not-an-export.json: not a Zendesk incremental export page (expected one JSON object with a `tickets` list)", 0, "json without tickets"),
    case("tickets", "export-missing-id.csv", 0, "file", "export-missing-id.csv: missing required column(s) ticket_id (found: Subject, Status, Created at, Updated at)", 0, "ticket csv no id"),
    case("tickets", "export-bad-date.csv", 2, "created_at", f"created_at {DATES}", 1, "ticket csv bad date"),
    case("widget", "line-not-json.jsonl", 2, "line", "line is not valid JSON: Expecting property name enclosed in double quotes", 1, "line not json"),
    case("widget", "line-is-array.jsonl", 2, "line", "line is not a JSON object", 1, "line is array"),
    case("widget", "message-empty.jsonl", 2, "message", "message is empty", 1, "empty message"),
    case("widget", "epoch-future.jsonl", 2, "created_at", "created_at is in the future", 1, "epoch in 3000"),
    case("widget", "duplicate-id.jsonl", 2, "event_id", "event_id repeats record 1 of this file with different values", 1, "duplicate event"),
    case("widget", "latin1.jsonl", 2, "line", "line has bytes that are not UTF-8 (byte offset 254)", 1, "latin-1 jsonl"),
    case("notes", "no-front-matter.md", 0, "file", "no-front-matter.md: no YAML front matter (--- ... ---) at the top", 0, "no front matter"),
    case("notes", "unknown-type.md", 7, "note_type", "note_type must be one of qbr, csm_call", 0, "note type"),
    case("notes", "no-account.md", 6, "account_id", "account_id is empty", 0, "note without account"),
    case("accounts", "arr-negative.csv", 2, "arr", "arr is below 0", 1, "negative arr"),
    case("accounts", "tier-unknown.csv", 2, "tier", "tier must be one of Enterprise, Mid-Market, SMB", 1, "unknown tier"),
    case("accounts", "duplicate-id.csv", 2, "account_id", "account_id repeats record 1 of this file with different values", 1, "account twice"),
    case("roadmap", "status-unknown.csv", 2, "status", "status must be one of planned, in progress, shipped, declined", 1, "roadmap status"),
    case("roadmap", "effort-letter.csv", 2, "effort", "effort is not a number", 1, "t-shirt effort"),
    case("roadmap", "date-day-first.csv", 2, "created_at", f"created_at {DATES}", 1, "roadmap day-first"),
    case("roadmap", "unknown-shape.json", 0, "file", "unknown-shape.json: not a Jira (`issues`), Linear (`data.issues.nodes`) or Productboard (`data`) roadmap export", 0, "unknown json"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "file", "record", "field", "reason", "good"), CASES)
def test_bad_input_is_quarantined_and_good_rows_load(
    tmp_path: Path, name: str, file: str, record: int, field: str, reason: str, good: int
) -> None:
    source = next(s for s in SOURCES if s.name == name)
    inbox = tmp_path / "inbox"
    (inbox / name).mkdir(parents=True)
    shutil.copy(BAD / name / file, inbox / name / file)
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        result = load_source(con, inbox, source, loaded_at=LOADED_AT)
        quarantined = con.execute(
            "select file, record, field, reason, content from raw._quarantine"
        ).fetchall()
        loaded = con.execute(f"select count(*) from raw.{source.table}").fetchall()[0][0]
    assert [q[:4] for q in quarantined] == [(f"{name}/{file}", record, field, reason)]
    # The original content is kept: the row, or the head of a whole file (none for an empty one).
    assert quarantined[0][4] or file == "empty.csv"
    assert (loaded, result.rows_loaded) == (good, good)


def test_a_one_megabyte_comment_is_quarantined_not_truncated(tmp_path: Path) -> None:
    source = next(s for s in SOURCES if s.name == "nps")
    (tmp_path / "nps").mkdir()
    big = "x" * 1_000_000
    (tmp_path / "nps" / "big.csv").write_text(
        "Response ID,Email,Score,Comment,Responded At\n"
        "r1,a@acme.io,9,short,2026-11-03T10:00:00Z\n"
        f'r2,b@acme.io,9,"{big}",2026-11-03T10:00:00Z\n'
    )
    with open_warehouse(MEMORY) as con:
        apply_schema(con)
        result = load_source(con, tmp_path, source, loaded_at=LOADED_AT)
        reasons = con.execute("select record, field, reason from raw._quarantine").fetchall()
    assert reasons == [(2, "comment", "comment is longer than 100000 characters")]
    assert result.rows_loaded == 1
