import json
import shutil
from pathlib import Path

import pytest

from nlp.corpus import CorpusError
from nlp.corpus_build import CORPUS_DIR, main, read_final, read_statements, typo


def test_rebuilding_gives_the_shipped_corpus(tmp_path: Path) -> None:
    shutil.copy(CORPUS_DIR / "seed.jsonl", tmp_path / "seed.jsonl")
    shutil.copytree(CORPUS_DIR / "statements", tmp_path / "statements")
    shutil.copytree(CORPUS_DIR / "final", tmp_path / "final")
    main(["--corpus-dir", str(tmp_path)])
    assert (tmp_path / "feedback.jsonl").read_bytes() == (
        CORPUS_DIR / "feedback.jsonl"
    ).read_bytes()


def test_variants_of_a_statement_stay_in_one_source_group() -> None:
    groups: dict[str, set[str]] = {}
    for line in (CORPUS_DIR / "feedback.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        key = json.dumps([row["intents"], row["sentiment"], row["severity"]])
        groups.setdefault(row["text"].lower()[-30:] + key, set()).add(row["source"])
    mixed = [
        k
        for k, sources in groups.items()
        if {"nps", "ticket"} & sources and {"widget", "note"} & sources
    ]
    assert len(mixed) <= len(groups) // 100  # a few short texts coincide, nothing systematic


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("bug | neg | m", "expected 'intents", id="missing text"),
        pytest.param("rant | neg | m | so bad", "unknown intent", id="unknown intent"),
        pytest.param("bug | angry | m | so bad", "sentiment neg", id="unknown sentiment"),
    ],
)
def test_bad_statement_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "s.txt"
    path.write_text(f"# comment\n{line}\n")
    with pytest.raises(CorpusError, match=f"s.txt:2: {message}"):
        read_statements(path)


def test_typo_changes_one_long_word_by_one_letter() -> None:
    import random

    text = "the dashboard refresh is painfully slow"
    changed = typo(text, random.Random(3))
    diffs = [(a, b) for a, b in zip(text.split(), changed.split(), strict=True) if a != b]
    assert len(diffs) == 1 and abs(len(diffs[0][0]) - len(diffs[0][1])) <= 1


def test_final_items_keep_their_source_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "final.txt"
    path.write_text("# comment\nticket | bug | neg | m | Subject: sync died\\n\\nSince Monday.\n")
    (row,) = read_final(path)
    assert row["source"] == "ticket" and row["split"] == "final"
    assert row["text"] == "Subject: sync died\n\nSince Monday."


def test_final_line_with_unknown_source_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "final.txt"
    path.write_text("chat | bug | neg | m | broken\n")
    with pytest.raises(CorpusError, match=r"final\.txt:1: source must be one of"):
        read_final(path)
