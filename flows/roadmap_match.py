"""Which roadmap item a customer's words ask for, by meaning: the closed loop's matcher.

A customer hears "you asked, we built it" only when their own item asked for that thing. Words
shared with the roadmap item are not enough ("Global search shows deleted records" shares
"search" with "Full-text search in attachments"), and a paraphrase that shares none must count
("Could the screen be black instead of white at night?" asks for "Dark mode"). So items and
roadmap items are compared as sentence embeddings (nlp/embed.py, the tagger's own): the
roadmap item is read as its title and as its title with its theme keywords, an item as each of
its sentences, and the score is the best cosine of any pair. Which items may
be matched at all (requests, not bug reports or praise) is the warehouse's definition
(loop.loop_closed_loop_candidates); this module only scores.

An item matches a roadmap item when the score reaches MIN_SIMILARITY and no other roadmap item
scores higher for it: a request for an audit log is not told that the sync audit log shipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy

    from nlp.embed import Embedder

# The lowest score that counts as asking for a roadmap item; the `closed_loop_min_similarity`
# setting's default. Chosen on the labelled pairs in tests/fixtures/roadmap_matching/pairs.csv
# (requests and paraphrases written by the team, against a roadmap of their own): there the
# paraphrases that share no word with the roadmap item score 0.38-0.45 and the requests for
# something else at most 0.33, so the line sits between them. tests/flows/loop/
# test_roadmap_match.py re-measures it on every run.
MIN_SIMILARITY = 0.36
# Stored beside every score, so an analyst knows how it was computed.
METHOD = "wordllama-256 cosine, best sentence vs title or title + keywords"
# A sentence shorter than this many words ("Thanks!") is no request of its own.
MIN_SENTENCE_WORDS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class RoadmapItem:
    """A roadmap item as the matcher reads it."""

    roadmap_item_id: str
    title: str
    keywords: tuple[str, ...] = ()

    def readings(self) -> list[str]:
        """The title alone, and the title with the keywords product gave it."""
        if not self.keywords:
            return [self.title]
        return [self.title, f"{self.title}. {', '.join(self.keywords)}"]


@dataclass(frozen=True)
class Scored:
    """How one item scored against one roadmap item, and the item's nearest roadmap item."""

    item_index: int
    roadmap_item_id: str
    score: float
    matched_text: str
    nearest_roadmap_item_id: str
    nearest_score: float

    def is_match(self, min_score: float) -> bool:
        return self.score >= min_score and self.nearest_roadmap_item_id == self.roadmap_item_id


def sentences_of(text: str) -> list[str]:
    """The sentences of a text (a line break ends one too: a ticket's subject, greeting and
    steps are lines), leaving out those shorter than MIN_SENTENCE_WORDS; the whole text when
    none is that long.

    An item is matched by its best sentence, not its whole text: a request is one sentence,
    and a ticket's subject line or a complaint beside it should not carry it ("Invoice query"
    above "The price increase caught us off guard" is no request for PO numbers on invoices).
    """
    parts = [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]
    long_enough = [part for part in parts if len(part.split()) >= MIN_SENTENCE_WORDS]
    return long_enough or [text.strip()]


def _embed(embedder: Embedder, texts: Sequence[str]) -> numpy.ndarray:
    from nlp.tokens import words_of

    return embedder([" ".join(words_of(text)) for text in texts])


def score_items(
    embedder: Embedder,
    texts: Sequence[str],
    roadmap: Sequence[RoadmapItem],
    targets: Sequence[str],
) -> list[Scored]:
    """Score every text against each roadmap item in ``targets`` (ids of ``roadmap``).

    ``roadmap`` is every roadmap item a text could be asking for: the nearest is judged among
    all of them, not only the targets.
    """
    import numpy

    if not texts or not roadmap:
        return []
    readings = [(row, reading) for row, item in enumerate(roadmap) for reading in item.readings()]
    reading_vectors = _embed(embedder, [reading for _, reading in readings])
    owners = numpy.asarray([row for row, _ in readings])
    units = [(index, unit) for index, text in enumerate(texts) for unit in sentences_of(text)]
    similarity = _embed(embedder, [unit for _, unit in units]) @ reading_vectors.T
    # Best reading of each roadmap item, per unit: (units, roadmap items).
    per_item = numpy.full((len(units), len(roadmap)), -1.0, dtype="float32")
    for row in range(len(roadmap)):
        per_item[:, row] = similarity[:, owners == row].max(axis=1)
    # A text's units are consecutive (built in text order): its rows are a slice, found by
    # bisection rather than by comparing every unit with every text (quadratic in the night's
    # candidates, which are a whole history the night a decision arrives).
    unit_owner = numpy.asarray([index for index, _ in units])
    bounds = numpy.searchsorted(unit_owner, numpy.arange(len(texts) + 1))
    by_id = {item.roadmap_item_id: row for row, item in enumerate(roadmap)}
    scored: list[Scored] = []
    for index in range(len(texts)):
        rows = numpy.arange(bounds[index], bounds[index + 1])
        best = per_item[rows]  # (units of this text, roadmap items)
        item_scores = best.max(axis=0)
        nearest = int(item_scores.argmax())
        for target in targets:
            column = by_id[target]
            unit = int(rows[best[:, column].argmax()])
            scored.append(
                Scored(
                    item_index=index,
                    roadmap_item_id=target,
                    score=round(float(item_scores[column]), 4),
                    matched_text=units[unit][1],
                    nearest_roadmap_item_id=roadmap[nearest].roadmap_item_id,
                    nearest_score=round(float(item_scores[nearest]), 4),
                )
            )
    return scored
