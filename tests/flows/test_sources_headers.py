"""Ambiguous headers (issue 16, finding 6): two columns mapping to one field quarantine the file,
naming both columns; the team's column mapping settles which one to read."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flows.sources import SOURCES
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)


def load(root: Path, name: str, columns: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    source = next(s for s in SOURCES if s.name == name)
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        result = load_source(con, root, source, loaded_at=LOADED_AT, columns=columns)
        rows = con.execute("select file, record, field, reason from raw._quarantine").fetchall()
        stored = con.execute(f"select * from raw.{source.table}").df()
    return result, rows, stored


@pytest.mark.parametrize(
    ("name", "file", "text", "reason"),
    [
        pytest.param(
            "nps", "repeated-comment.csv",
            "Response ID,Email,Score,Comment,Responded At,Survey ID,Comment\n"
            "r1,a@acme.io,9,first,2026-11-03T10:00:00Z,s1,second words\n",
            "repeated-comment.csv: columns `Comment` (column 4) and `Comment` (column 7) both map to comment",
            id="nps comment header repeated",
        ),
        pytest.param(
            "nps", "two-aliases.csv",
            "Response ID,Email,Score,Comment,Feedback,Responded At\n"
            "r1,a@acme.io,9,first,second,2026-11-03T10:00:00Z\n",
            "two-aliases.csv: columns `Comment` (column 4) and `Feedback` (column 5) both map to comment",
            id="nps comment and feedback",
        ),
        pytest.param(
            "accounts", "arr-twice.csv",
            "Account ID,Account Name,Tier,ARR,Annual Recurring Revenue\na1,Acme,SMB,100,200\n",
            "arr-twice.csv: columns `ARR` (column 4) and `Annual Recurring Revenue` (column 5) both map to arr",
            id="accounts arr twice",
        ),
        pytest.param(
            "tickets", "export.csv",
            "ID,Subject,Description,Description,Created at,Updated at\n"
            "1,s,one,two,2026-11-03T10:00:00Z,2026-11-03T10:00:00Z\n",
            "export.csv: columns `Description` (column 3) and `Description` (column 4) both map to description",
            id="zendesk csv description twice",
        ),
        pytest.param(
            "roadmap", "items.csv",
            "Key,Summary,Title,Status\nP-1,Faster export,Other,Done\n",
            "items.csv: columns `Summary` (column 2) and `Title` (column 3) both map to title",
            id="roadmap summary and title",
        ),
    ],
)  # fmt: skip
def test_two_columns_mapping_to_one_field_quarantine_the_file_naming_both(
    tmp_path: Path, name: str, file: str, text: str, reason: str
) -> None:
    (tmp_path / name).mkdir()
    (tmp_path / name / file).write_text(text)
    result, rows, stored = load(tmp_path, name)
    assert len(stored) == 0 and result.files_quarantined == 1
    assert [row[:3] for row in rows] == [(f"{name}/{file}", 0, "file")]
    assert rows[0][3].startswith(reason)
    assert f"[loopkeeper.columns.{name}]" in rows[0][3]


def test_the_team_mapping_says_which_of_two_columns_to_read(tmp_path: Path) -> None:
    (tmp_path / "nps").mkdir()
    (tmp_path / "nps" / "two.csv").write_text(
        "Response ID,Email,Score,Comment,Feedback,Responded At\n"
        "r1,a@acme.io,9,first,the words we want,2026-11-03T10:00:00Z\n"
    )
    result, rows, stored = load(tmp_path, "nps", columns={"Feedback": "comment"})
    assert rows == [] and result.rows_loaded == 1
    assert list(stored["comment"]) == ["the words we want"]


def test_jira_repeated_labels_columns_are_still_one_list(tmp_path: Path) -> None:
    (tmp_path / "roadmap").mkdir()
    (tmp_path / "roadmap" / "jira.csv").write_text(
        "Issue key,Summary,Status,Labels,Labels,Labels\nP-1,Faster export,Done,export,speed,\n"
    )
    result, rows, stored = load(tmp_path, "roadmap")
    assert rows == [] and result.rows_loaded == 1
    assert list(stored["theme_keywords"]) == ["export;speed"]
