"""Which roadmap item a customer's words ask for, by meaning: the closed loop's matcher.

A customer hears "you asked, we built it" only when their own item asked for that thing. Words
shared with the roadmap item are not enough ("Global search shows deleted records" shares
"search" with "Full-text search in attachments"), and a paraphrase that shares none must count
("Could the screen be black instead of white at night?" asks for "Dark mode"). So items and
roadmap items are compared as sentence embeddings (nlp/embed.py, the tagger's own): the
roadmap item is read as its title and as its title with its theme keywords, an item as each of
its sentences, and the score is the best cosine of any pair. Which items may
be matched at all (those carrying a request intent) is the warehouse's definition
(loop.loop_closed_loop_candidates); this module only scores.

Each sentence is read on its own: the roadmap item it is nearest, and (when a reader is given)
whether it asks for something at all. An item matches a roadmap item when one of its sentences
that asks for something is nearer that roadmap item than any other and scores at least
MIN_SIMILARITY. So a ticket that asks for two things in two sentences is told of either, a request
for an audit log is not told that the sync audit log shipped, and praise beside a request ("The new
dashboards look great.") does not count as asking for the dashboards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
METHOD = (
    "wordllama-256 cosine, best request sentence nearest the roadmap item,"
    " vs title or title + keywords"
)
# A sentence shorter than this many words ("Thanks!") is no request of its own.
MIN_SENTENCE_WORDS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

# Which of some sentences ask for something (a request or a question), in order.
AsksReader = Callable[[list[str]], list[bool]]


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
    """How one item scored against one roadmap item.

    ``nearest_roadmap_item_id`` is the roadmap item the scored sentence is nearest; None when that
    sentence is nearest this roadmap item but does not ask for anything.
    """

    item_index: int
    roadmap_item_id: str
    score: float
    matched_text: str
    nearest_roadmap_item_id: str | None
    nearest_score: float | None

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
    asks: AsksReader | None = None,
) -> list[Scored]:
    """Score every text against each roadmap item in ``targets`` (ids of ``roadmap``).

    ``roadmap`` is every roadmap item a text could be asking for: the nearest is judged among
    all of them, per sentence, not only the targets. ``asks`` reads which sentences ask for
    something; it is handed only the sentences nearest a target (the others cannot match) of
    texts with more than one (a text of one sentence asks as the caller chose it: the closed
    loop's candidates carry a request intent), and without it every sentence counts as asking.
    For each target, the score is that of the item's best sentence nearest it that asks; failing
    one, of its best sentence nearest it (``nearest_roadmap_item_id`` None: not asked for);
    failing that, of its sentence closest to it (and the roadmap item that sentence is nearest).
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
    nearest = per_item.argmax(axis=1)
    by_id = {item.roadmap_item_id: row for row, item in enumerate(roadmap)}
    # A text's units are consecutive (built in text order): its rows are a slice, found by
    # bisection rather than by comparing every unit with every text (quadratic in the night's
    # candidates, which are a whole history the night a decision arrives).
    unit_owner = numpy.asarray([index for index, _ in units])
    bounds = numpy.searchsorted(unit_owner, numpy.arange(len(texts) + 1))
    asking = numpy.ones(len(units), dtype=bool)
    if asks is not None:
        # A text of one sentence is read as the caller read the text; only a sentence among
        # others is read alone.
        among_others = numpy.diff(bounds)[unit_owner] > 1
        near_target = numpy.isin(nearest, [by_id[t] for t in targets])
        readable = numpy.flatnonzero(among_others & near_target)
        if len(readable):
            asking[readable] = asks([units[int(u)][1] for u in readable])
    scored: list[Scored] = []
    for index in range(len(texts)):
        rows = numpy.arange(bounds[index], bounds[index + 1])
        for target in targets:
            column = by_id[target]
            near = rows[nearest[rows] == column]
            if len(near[asking[near]]):
                near = near[asking[near]]
            unit = int(
                near[per_item[near, column].argmax()]
                if len(near)
                else rows[per_item[rows, column].argmax()]
            )
            score = round(float(per_item[unit, column]), 4)
            nearest_id: str | None = roadmap[int(nearest[unit])].roadmap_item_id
            nearest_score: float | None = round(float(per_item[unit, nearest[unit]]), 4)
            if nearest_id == target and not asking[unit]:
                nearest_id = nearest_score = None
            scored.append(
                Scored(
                    item_index=index,
                    roadmap_item_id=target,
                    score=score,
                    matched_text=units[unit][1],
                    nearest_roadmap_item_id=nearest_id,
                    nearest_score=nearest_score,
                )
            )
    return scored
