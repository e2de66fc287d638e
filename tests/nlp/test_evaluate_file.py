import json
from pathlib import Path

import pytest

from nlp import Tagger
from nlp.evaluate import evaluate_file


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


ROWS = [
    ("The export is broken again", "bug"),
    ("How do I add an admin?", "question"),
    ("We are cancelling, Gainsight is cheaper", "churn_risk;competitor;pricing"),
    ("Love the new dashboards", "praise"),
    ("ok", ""),
]


def test_csv_scores_each_intent(tagger: Tagger, tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    lines = ["comment,labels"] + [f'"{text}",{labels}' for text, labels in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = evaluate_file(path, "comment", "labels", tagger)
    assert result.items == 5
    assert result.per_label["question"].support == 1 and result.per_label["bug"].support == 1
    assert result.per_label["competitor"].f == 1.0
    printed = result.lines()
    assert printed[0].endswith("5 items") and printed[-1].startswith("macro F1")
    assert any(line.startswith("churn_risk") for line in printed)


def test_jsonl_labels_may_be_lists_or_joined(tagger: Tagger, tmp_path: Path) -> None:
    path = tmp_path / "labelled.jsonl"
    rows = [{"t": ROWS[0][0], "l": ["bug"]}, {"t": ROWS[1][0], "l": "question"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = evaluate_file(path, "t", "l", tagger)
    assert result.items == 2 and result.per_label["bug"].support == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "text,labels\nslow,rant\n", r"labelled.csv:2: unknown intent 'rant'", id="unknown label"
        ),
        pytest.param(
            "body,labels\nslow,performance\n",
            r"labelled.csv:2: no column 'text'",
            id="missing column",
        ),
        pytest.param("text,labels\n", r"labelled.csv: no rows", id="empty"),
    ],
)
def test_bad_files_name_the_row(tagger: Tagger, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        evaluate_file(path, "text", "labels", tagger)
