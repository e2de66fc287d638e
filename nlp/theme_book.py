"""Themes from sentence embeddings: an item joins the nearest theme close enough, or starts one.

A theme is fixed by its first item (its seed): its vector is the seed's embedding and never
moves, so whether an item joins a theme depends only on the themes that existed before it,
never on what came after. Items are assigned in the order given; the same items in the same
order give the same themes, on a re-run as on a backfill of the same nights. Themes stay inside
one product area (and praise apart from problems), so a theme never spans areas.

The book is plain data (`rows()` / `from_rows()`), so the warehouse can keep it between nights
and a new night's items join the themes of the nights before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Final, cast

import numpy

from nlp.theme_labels import ThemeTerms

# Cosine similarity of text embeddings above which an item joins a theme. In a bucket that the
# taxonomy has narrowed to one area, subject and kind, a loose bar: static word vectors put
# true paraphrases there at 0.2-0.5 ("Excel export keeps failing" / "the xlsx download never
# finishes": 0.24), and the bar only splits off what is plainly unrelated. In the broad
# "other" buckets, where the embedding does all the grouping, a strict one. Chosen on the
# team's own pairs (tests/nlp/test_theme_book.py), not on any labelled set.
JOIN_SIMILARITY: Final = 0.15
JOIN_SIMILARITY_OTHER: Final = 0.55
# Up to this many items of one bucket in a batch, their similarities to each other are one
# matrix product (16 MB at most); a larger batch compares each item with the themes it started.
GRAM_ROWS: Final = 2048


@dataclass
class _Bucket:
    keys: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    # Seed vectors, one row per theme, in a buffer that grows by doubling.
    buffer: numpy.ndarray = field(default_factory=lambda: numpy.zeros((0, 0), "f"))

    @property
    def vectors(self) -> numpy.ndarray:
        return self.buffer[: len(self.keys)] if len(self.keys) else numpy.zeros((0, 1), "f")

    def add(self, key: str, label: str, vector: numpy.ndarray) -> None:
        n = len(self.keys)
        if n == len(self.buffer):
            grown = numpy.zeros((max(16, 2 * n), len(vector)), "f")
            if n:
                grown[:n] = self.buffer[:n]
            self.buffer = grown
        self.buffer[n] = vector
        self.keys.append(key)
        self.labels.append(label)


@dataclass(frozen=True)
class ThemeRow:
    theme_key: str
    bucket: str
    theme_label: str
    vector: tuple[float, ...]


class ThemeBook:
    """The themes seen so far, by bucket (product area, praise apart)."""

    def __init__(
        self, threshold: float = JOIN_SIMILARITY, other_threshold: float = JOIN_SIMILARITY_OTHER
    ) -> None:
        self.threshold = threshold
        self.other_threshold = other_threshold
        self._buckets: dict[str, _Bucket] = {}
        self._new: list[ThemeRow] = []
        # Which bucket each theme is in, and the label it started with (used until its items
        # have words to label it by).
        self.bucket_of: dict[str, str] = {}
        self.first_label: dict[str, str] = {}
        # Word counts per theme, for labels by class-based TF-IDF (nlp/theme_labels.py).
        self.terms = ThemeTerms()

    def __len__(self) -> int:
        return sum(len(b.keys) for b in self._buckets.values())

    @classmethod
    def from_rows(cls, rows: Iterable[ThemeRow]) -> ThemeBook:
        book = cls()
        for row in rows:
            vector = numpy.asarray(row.vector, "f")
            if vector.any():  # a wordless item's theme, from before they got none: never joined
                book._add(row.bucket, row.theme_key, row.theme_label, vector)
        return book

    def assign(
        self,
        buckets: Sequence[str],
        vectors: numpy.ndarray,
        names: Sequence[tuple[str, str]],
    ) -> list[tuple[str, str]]:
        """(theme_key, theme_label) per item; names are (key word, label) if it starts one."""
        members: dict[str, list[int]] = {}
        # An item with no words (an NPS score without a comment) has a zero vector: nothing to
        # group it by, so it stays out of every theme (its key and label are ""). Each one
        # used to start a theme of its own, no item could ever join: on a million items, over
        # a hundred thousand themes of one item, each compared with every later item.
        worded = cast("list[bool]", vectors.any(axis=1).tolist())
        for i, name in enumerate(buckets):
            if worded[i]:
                members.setdefault(name, []).append(i)
        out: list[tuple[str, str]] = [("", "")] * len(buckets)
        # Items of different buckets never meet, so each bucket's items are placed on their
        # own, in order: an item joins the nearest theme that existed before this batch or
        # that an earlier item of the batch started, if close enough, or starts one.
        for name, rows in members.items():
            target = self._bucket(name)
            mark = len(target.keys)
            batch = vectors[rows]
            if mark:
                sims = batch @ target.vectors[:mark].T
                where = sims.argmax(axis=1).tolist()
                best = sims.max(axis=1).tolist()
            else:
                where, best = [-1] * len(rows), [-1.0] * len(rows)
            # Similarities among the bucket's items of this batch, for the themes they start
            # (one product for a batch of usual size, else item by item).
            among = batch @ batch.T if len(rows) <= GRAM_ROWS else None
            seeds: list[int] = []  # positions (in rows) of the items that started a theme
            bar = self.other_threshold if name.startswith("other.") else self.threshold
            for position, i in enumerate(rows):
                score, j = best[position], where[position]
                if seeds:
                    to_seeds = (
                        among[position, seeds]
                        if among is not None
                        else target.vectors[mark:] @ batch[position]
                    )
                    k = int(to_seeds.argmax())
                    if float(to_seeds[k]) > score:
                        score, j = float(to_seeds[k]), mark + k
                if j >= 0 and score >= bar:
                    out[i] = (target.keys[j], target.labels[j])
                    continue
                word, label = names[i]
                key = ".".join(part for part in (name, word, _digest(vectors[i])) if part)
                self._add(name, key, label, vectors[i])
                self._new.append(ThemeRow(key, name, label, tuple(vectors[i].tolist())))
                seeds.append(position)
                out[i] = (key, label)
        return out

    def rows(self) -> list[ThemeRow]:
        """Every theme, for keeping between runs."""
        return [
            ThemeRow(key, name, label, tuple(vector.tolist()))
            for name, b in sorted(self._buckets.items())
            for key, label, vector in zip(b.keys, b.labels, b.vectors, strict=True)
        ]

    def take_new(self) -> list[ThemeRow]:
        """Themes started since the last call: what a warehouse has to insert."""
        new, self._new = self._new, []
        return new

    def _bucket(self, name: str) -> _Bucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = _Bucket()
        return bucket

    def _add(self, bucket: str, key: str, label: str, vector: numpy.ndarray) -> None:
        self._bucket(bucket).add(key, label, vector.astype("f"))
        self.bucket_of[key] = bucket
        self.first_label[key] = label


def _digest(vector: numpy.ndarray) -> str:
    return sha256(numpy.round(vector, 3).astype("f").tobytes()).hexdigest()[:6]
