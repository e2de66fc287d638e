"""`loopkeeper tag`: the DESIGN.md output contract on CSV and JSONL, streamed in chunks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.commands.cli import app
from flows.commands.tag_file import TAG_COLUMNS, TagFileError, tag_file
from nlp import Tagger

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tag"
INTENTS = {
    "bug", "feature_request", "usability", "performance", "pricing",
    "documentation", "praise", "question", "churn_risk", "competitor",
}  # fmt: skip


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_csv_keeps_input_columns_and_adds_exactly_the_tag_columns(
    tagger: Tagger, tmp_path: Path
) -> None:
    out = tmp_path / "tagged.csv"
    result = tag_file(FIXTURES / "feedback.csv", out, text_column="comment", tagger=tagger)
    frame = read_csv(out)
    assert result.rows == 6
    assert list(frame.columns) == ["id", "comment", "channel", *TAG_COLUMNS]
    assert frame["id"].tolist()[0] == "007"  # ids stay text
    assert (
        frame.loc[4, "comment"]
        == "We will cancel and move to Gainsight if SSO stays broken.\r\nNobody can log in."
    )
    for intents, intent in zip(frame["intents"], frame["intent"], strict=True):
        labels = [label for label in intents.split(";") if label]
        assert set(labels) <= INTENTS
        assert intent == (labels[0] if labels else "")
    assert set(frame["sentiment"]) <= {"negative", "neutral", "positive"}
    assert all(-1 <= float(score) <= 1 for score in frame["sentiment_score"])
    assert frame.loc[3, ["intents", "intent"]].tolist() == ["", ""]  # empty text, no intents


def test_near_duplicates_in_one_file_share_a_theme(tagger: Tagger, tmp_path: Path) -> None:
    out = tmp_path / "tagged.csv"
    tag_file(FIXTURES / "feedback.csv", out, text_column="comment", tagger=tagger)
    themes = read_csv(out)["theme"].tolist()
    # Two reports of failing exports share a theme; asking for an export is another theme, so
    # "we heard you" for a shipped request never reaches the people who reported the fault.
    assert themes[0] == themes[2]
    assert themes[1] != themes[0]
    assert themes[5] != themes[0]


def test_routing_signals_survive_the_file_round_trip(tagger: Tagger, tmp_path: Path) -> None:
    out = tmp_path / "tagged.csv"
    tag_file(FIXTURES / "feedback.csv", out, text_column="comment", tagger=tagger)
    churn = read_csv(out).loc[4]
    assert {"churn_risk", "competitor"} <= set(churn["intents"].split(";"))
    assert churn["severity"] == "critical"


def test_small_chunks_give_the_same_file_as_one_chunk(tagger: Tagger, tmp_path: Path) -> None:
    one, many = tmp_path / "one.csv", tmp_path / "many.csv"
    tag_file(FIXTURES / "feedback.csv", one, text_column="comment", tagger=tagger)
    tag_file(FIXTURES / "feedback.csv", many, text_column="comment", tagger=tagger, chunk_rows=2)
    assert one.read_bytes() == many.read_bytes()


def test_jsonl_in_jsonl_out_keeps_nested_values(tagger: Tagger, tmp_path: Path) -> None:
    out = tmp_path / "tagged.jsonl"
    assert tag_file(FIXTURES / "widget.jsonl", out, text_column="text", tagger=tagger).rows == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["meta"] == {"page": "/settings"}
    assert "feature_request" in rows[0]["intents"].split(";")
    assert "pricing" in rows[2]["intents"].split(";")
    assert set(rows[1]) >= set(TAG_COLUMNS)


@pytest.mark.parametrize(
    ("name", "column", "output", "message"),
    [
        pytest.param(
            "feedback.csv",
            "text",
            "out.csv",
            "no column 'text' (found: id, comment, channel)",
            id="missing text column",
        ),
        pytest.param(
            "feedback.csv",
            "comment",
            "out.xlsx",
            "unsupported file type .xlsx",
            id="unsupported output",
        ),
        pytest.param(
            "absent.csv", "comment", "out.csv", "input file not found", id="missing input"
        ),
    ],
)
def test_bad_requests_name_the_file_and_leave_nothing_behind(
    tagger: Tagger, tmp_path: Path, name: str, column: str, output: str, message: str
) -> None:
    with pytest.raises(TagFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        tag_file(FIXTURES / name, tmp_path / output, text_column=column, tagger=tagger)
    assert list(tmp_path.iterdir()) == []


def test_command_line_reports_rows_and_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        ["tag", str(FIXTURES / "feedback.csv"), "--text-column", "comment", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "tagged 6 rows" in result.output
    assert len(read_csv(out)) == 6


def test_formula_like_cells_are_written_as_text_numbers_stay_numbers(
    tagger: Tagger, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    pd.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5"],
            "comment": [
                '=HYPERLINK("http://evil.example","export")',
                "+1 555 0100 call me, exports fail",
                "@SUM(A1:A9) is what I typed",
                "-- exports are slow",
                "Exports are slow",
            ],
            "delta": ["-3.5", "+2", "=1+1", "7", "-"],
        }
    ).to_csv(source, index=False)
    out = tmp_path / "out.csv"
    tag_file(source, out, text_column="comment", tagger=tagger)
    frame = read_csv(out)
    assert frame["comment"].tolist() == [
        '\'=HYPERLINK("http://evil.example","export")',
        "'+1 555 0100 call me, exports fail",
        "'@SUM(A1:A9) is what I typed",
        "'-- exports are slow",
        "Exports are slow",
    ]
    assert frame["delta"].tolist() == ["-3.5", "+2", "'=1+1", "7", "'-"]
    assert not any(str(v).startswith("'") for v in frame["sentiment_score"])
