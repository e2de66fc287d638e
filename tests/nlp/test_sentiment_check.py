"""The sentiment check: the bundled hard texts, read strictly, scored beside VADER."""

from pathlib import Path

import pytest

from nlp import Tagger
from nlp.corpus import CorpusError
from nlp.sentiment_check import CHECK_FILE, CheckItem, compare, read_check, vader_labels


def test_a_malformed_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "check.txt"
    path.write_text("# header\npositive | plain | love it\nglad | plain | yay\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"check\.txt:3:"):
        read_check(path)


def test_scores_are_macro_recall_and_accuracy_by_kind() -> None:
    items = [
        CheckItem("positive", "plain", "a"),
        CheckItem("negative", "sarcasm", "b"),
        CheckItem("negative", "sarcasm", "c"),
    ]
    result = compare(items, {"sys": ["positive", "negative", "neutral"]})
    recall, accuracy, by_kind = result.scores["sys"]
    assert (recall, accuracy) == (0.75, 0.667)
    assert by_kind == {"plain": 1.0, "sarcasm": 0.5}


def test_vader_follows_its_authors_bands() -> None:
    assert vader_labels(["I love it", "I hate it", "It is a table"]) == [
        "positive",
        "negative",
        "neutral",
    ]


def test_the_tagger_beats_vader_on_the_bundled_check_set() -> None:
    # The set was written blind (before any tuning against it) and is never trained on.
    items = read_check(CHECK_FILE)
    assert len(items) >= 200 and {i.kind for i in items} >= {"sarcasm", "negation", "emoji"}
    texts = [item.text for item in items]
    ours = [tag.sentiment for tag in Tagger.load().tag(texts)]
    result = compare(items, {"loopkeeper": ours, "vader": vader_labels(texts)})
    assert result.scores["loopkeeper"][0] > result.scores["vader"][0]
    assert result.scores["loopkeeper"][1] > result.scores["vader"][1]
