"""Matching a customer's words to the roadmap item they ask for, by meaning (nlp/roadmap_match.py).

The threshold was chosen on the team's labelled pairs (tests/fixtures/roadmap_matching); these
tests measure it there again, so a change of model or reading that moves the scores shows here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from flows.loop.closed_loop import RequestReading
from nlp.embed import Embedder
from nlp.roadmap_match import MIN_SIMILARITY, AsksReader, RoadmapItem, score_items, sentences_of

FIXTURES = Path(__file__).parents[1] / "fixtures" / "roadmap_matching"


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


ROADMAP = [
    RoadmapItem(row["roadmap_item_id"], row["title"], tuple(row["keywords"].split(";")))
    for row in _rows("roadmap.csv")
]
PAIRS = _rows("pairs.csv")


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder.load()


@pytest.fixture(scope="module")
def reading() -> RequestReading:
    """The shipped tagger reading each sentence, with the warehouse's default request intents."""
    return RequestReading(frozenset({"feature_request", "question"}))


def told(
    embedder: Embedder,
    text: str,
    roadmap: list[RoadmapItem] = ROADMAP,
    asks: AsksReader | None = None,
) -> list[str]:
    """The roadmap items a text would be told about at the default threshold."""
    ids = [item.roadmap_item_id for item in roadmap]
    return [
        s.roadmap_item_id
        for s in score_items(embedder, [text], roadmap, ids, asks=asks)
        if s.is_match(MIN_SIMILARITY)
    ]


def test_the_threshold_tells_no_one_wrongly_and_most_who_asked_on_the_teams_pairs(
    embedder: Embedder,
) -> None:
    ids = [item.roadmap_item_id for item in ROADMAP]
    scored = score_items(embedder, [pair["text"] for pair in PAIRS], ROADMAP, ids)
    matched = {(s.item_index, s.roadmap_item_id) for s in scored if s.is_match(MIN_SIMILARITY)}
    asked = {(i, pair["asks_for"]) for i, pair in enumerate(PAIRS) if pair["asks_for"]}
    wrong = [PAIRS[i]["text"] for i, _ in matched - asked]
    assert wrong == []  # precision 1.0
    assert len(matched & asked) >= 0.9 * len(asked)


def test_a_paraphrase_sharing_no_word_with_the_roadmap_item_is_told(embedder: Embedder) -> None:
    text = "Could the screen be black instead of white at night?"
    assert not {"dark", "mode", "theme"} & set(text.lower().split())
    assert told(embedder, text) == ["R-DARK"]


def test_a_request_for_a_neighbouring_roadmap_item_is_told_only_the_nearest(
    embedder: Embedder,
) -> None:
    # "Audit log" and "Sync audit log" share words; the request is for the sync one.
    assert told(embedder, "Please add a sync log showing what changed in the integration.") == [
        "R-SYNCLOG"
    ]


def test_a_text_asking_for_two_things_is_told_of_each(
    embedder: Embedder, reading: RequestReading
) -> None:
    # Each sentence is nearest its own roadmap item; judged as a whole text, only one would be.
    text = "Please add an Excel export. We also need PO numbers on invoices."
    assert told(embedder, text, asks=reading) == ["R-EXPORT", "R-PO"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "The new dark theme looks great. Any chance of getting keyboard shortcuts?",
            id="praise",
        ),
        pytest.param(
            "Dark mode text is unreadable in the tables. Please add keyboard shortcuts.",
            id="fault",
        ),
    ],
)
def test_praise_or_a_fault_beside_a_request_is_no_request_for_what_it_names(
    embedder: Embedder, reading: RequestReading, text: str
) -> None:
    # The first sentence is nearest dark mode, but asks for nothing: only the request counts.
    assert told(embedder, text) == ["R-DARK", "R-KEYS"]  # every sentence taken as asking
    assert told(embedder, text, asks=reading) == ["R-KEYS"]
    [dark] = score_items(embedder, [text], ROADMAP, ["R-DARK"], asks=reading)
    assert dark.nearest_roadmap_item_id is None  # fct_closed_loop_matches: not asked as a request


def test_a_text_of_one_sentence_is_not_read_again(embedder: Embedder) -> None:
    # The caller chose it as a request (the closed loop's candidates carry a request intent).
    def never(sentences: list[str]) -> list[bool]:
        raise AssertionError(f"read again: {sentences}")

    assert told(embedder, "Please make the dark mode happen.", asks=never) == ["R-DARK"]


def test_the_best_sentence_of_a_longer_text_is_what_matched(embedder: Embedder) -> None:
    text = "We hit the 429 errors every night during the bulk job. Could you give us a higher rate limit?"
    [scored] = score_items(embedder, [text], ROADMAP, ["R-RATE"])
    assert scored.matched_text in sentences_of(text)
    assert scored.is_match(MIN_SIMILARITY)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        pytest.param("Please add dark mode.", ["Please add dark mode."], id="one sentence"),
        pytest.param(
            "Thanks! Please add dark mode to the app. It hurts my eyes at night.",
            ["Please add dark mode to the app.", "It hurts my eyes at night."],
            id="a greeting is no sentence of its own",
        ),
        pytest.param(
            "Invoice query\n\nHey,\n\nThe price increase caught us off guard.",
            ["The price increase caught us off guard."],
            id="a ticket's subject and greeting are lines, not requests",
        ),
        pytest.param("Hi there!", ["Hi there!"], id="only short ones: the whole text"),
    ],
)
def test_sentences_of(text: str, sentences: list[str]) -> None:
    assert sentences_of(text) == sentences


def test_nothing_to_score_is_no_score(embedder: Embedder) -> None:
    assert score_items(embedder, [], ROADMAP, ["R-DARK"]) == []
    assert score_items(embedder, ["Please add dark mode."], [], []) == []
