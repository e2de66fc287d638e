import json
from collections import Counter
from pathlib import Path

import pytest

from nlp.corpus import CorpusError, read_corpus, split_by_source, split_final, split_random
from nlp.labels import INTENTS
from nlp.train import CORPUS


def test_shipped_corpus_is_valid_and_covers_every_intent() -> None:
    items = read_corpus(CORPUS)
    counts = Counter(label for item in items for label in item.intents)
    assert len(items) >= 3000
    assert {label: counts[label] >= 150 for label in INTENTS} == dict.fromkeys(INTENTS, True)
    assert {item.source for item in items} == {"nps", "ticket", "widget", "note"}


GOOD = {"text": "ok", "source": "nps", "intents": [], "sentiment": "neutral", "severity": "low"}


def row(**changes: object) -> str:
    return json.dumps(GOOD | changes)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param("{not json", r":2: not valid JSON", id="bad json"),
        pytest.param(row(text=""), r":2: field 'text'", id="empty text"),
        pytest.param(row(intents=["rant"]), r":2: field 'intents'", id="unknown intent"),
        pytest.param(row(source="email"), r":2: field 'source'", id="unknown source"),
        pytest.param(row(sentiment="meh"), r":2: field 'sentiment'", id="unknown sentiment"),
        pytest.param(row(severity="p1"), r":2: field 'severity'", id="unknown severity"),
        pytest.param(row(split="test"), r":2: field 'split'", id="unknown split"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(f"{row()}\n{line}\n")
    with pytest.raises(CorpusError, match=f"corpus.jsonl{message}"):
        read_corpus(path)


def test_splits_are_disjoint_and_deterministic() -> None:
    items = read_corpus(CORPUS)
    train, test = split_by_source(items, ("widget", "note"))
    assert {i.source for i in test} == {"widget", "note"} and len(train) + len(test) == len(items)
    assert split_random(items, 0.2, 7) == split_random(items, 0.2, 7)
    train, test = split_random(items, 0.2, 7)
    assert len(test) == round(len(items) * 0.2) and len(train) + len(test) == len(items)


def test_final_slice_is_apart_and_in_every_source_style() -> None:
    tuning, final = split_final(read_corpus(CORPUS))
    assert len(final) >= 400 and {item.source for item in final} == {
        "nps",
        "ticket",
        "widget",
        "note",
    }
    assert not {item.text for item in tuning} & {item.text for item in final}
