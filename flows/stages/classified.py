"""What the tag step's classifying processes hand back: a batch's tags as columns, and what each
process did.

Kept apart from the step itself (flows.stages.tagging), which reads and writes the warehouse:
a Dask worker that classifies imports this module, `nlp` and Prefect, never DuckDB or pandas.
DuckDB's bindings list every object of theirs still alive as a process exits ("nanobind:
leaked 27 instances!", some 40 lines), and each worker of a big night printed that into the
nightly's output as it ended. (Importing them also cost each worker ~0.2 s of its start.)
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy

    from nlp.tagger import Classified

# One batch of untagged items: their ids and their texts (None for an item with no text).
Batch = tuple[list[str], list[str | None]]


@dataclass(frozen=True)
class ClassifiedColumns:
    """A classified batch as the tag step moves and writes it: its tags' fields as columns, as
    raw.feedback_tags keeps them (intents and competitors `;`-joined; the intent scores, which
    no table keeps, left out), and what placing it in themes reads (`nlp.tagger.Placeable`).

    A Dask worker's results cross to this process in this form. As `Tag` objects, each with its
    dict of intent scores, they cost 6 ms per 1,000 items to unpickle (more under the collector,
    which the unpickling thread does not pause), and this process does that while the workers
    classify, on the same two cores; as columns, 0.2 ms. The rows are then written from the
    columns without walking the tags again.
    """

    intents: list[str]
    intent: list[str]
    sentiment: list[str]
    sentiment_score: list[float]
    severity: list[str]
    product_area: list[str]
    competitors: list[str]
    redacted_text: list[str]
    names: list[tuple[str, str, str]]
    vectors: numpy.ndarray
    terms: list[list[str]]

    @classmethod
    def of(cls, batch: Classified) -> ClassifiedColumns:
        tags = batch.tags
        return cls(
            intents=[";".join(t.intents) for t in tags],
            intent=[t.intent for t in tags],
            sentiment=[t.sentiment for t in tags],
            sentiment_score=[float(t.sentiment_score) for t in tags],
            severity=[t.severity for t in tags],
            product_area=[t.product_area for t in tags],
            competitors=[";".join(t.competitors) for t in tags],
            redacted_text=[t.redacted_text for t in tags],
            names=batch.names,
            vectors=batch.vectors,
            terms=batch.terms,
        )


# Turns batches of (item ids, texts) into (that batch, its classification), in the same order.
Classify = Callable[[Iterator[Batch]], Iterator[tuple[Batch, ClassifiedColumns]]]


@dataclass
class Classifiers:
    """What each process that classified tonight's items did: items and seconds spent
    classifying, by process ("host:pid"), for a per-worker throughput.

    ``placing_cpu``: when other processes classified (a Dask cluster), the CPU seconds the
    step's own process spent meanwhile, placing and writing their results (and running the
    local scheduler): on two cores, what it takes is taken from the workers."""

    work: dict[str, tuple[int, float]] = field(default_factory=dict)
    placing_cpu: float | None = None

    def add(self, worker: str, items: int, seconds: float) -> None:
        done, spent = self.work.get(worker, (0, 0.0))
        self.work[worker] = (done + items, spent + seconds)

    def line(self) -> str:
        """One line, like "2 workers classified 1,000,000 items at 2,610 and 2,598 items/s
        each"; empty when nothing was classified."""
        rates = [items / spent for items, spent in self.work.values() if spent > 0]
        if not rates:
            return ""
        items = sum(done for done, _ in self.work.values())
        count = f"{len(rates)} worker{'s' if len(rates) > 1 else ''}"
        each = " and ".join(f"{rate:,.0f}" for rate in rates)
        line = f"{count} classified {items:,} items at {each} items/s each"
        if self.placing_cpu is not None:
            line += f"; this process placed and wrote them on {self.placing_cpu:,.1f} s of CPU"
        return line


def this_process() -> str:
    """The name a classifying process goes by in `Classifiers`."""
    return f"{socket.gethostname()}:{os.getpid()}"
