"""The tag step on every core: batches classified on Dask workers through Prefect's Dask task
runner, then placed in themes and written by the step's own process.

Classifying an item (intents, sentiment, severity, area, its embedding) depends on that item
alone, so it fans out; placing items in themes does not (an item joins a theme an earlier item
started), so the step's process places each batch in item order as its result comes back, and
is the warehouse's only writer. The same items get the same tags and themes whatever the
number of workers (a test holds it to that).

By default a local cluster starts with one worker process per core; `dask_address` names an
existing scheduler instead, whose workers need Loopkeeper installed, the model at `model_dir`
and the Prefect API's address (PREFECT_API_URL). Each worker loads the model once.
"""

from __future__ import annotations

import contextvars
import gc
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext

# Only these at the top: a worker imports this module for its task, and never loads DuckDB
# (flows/stages/classified.py says why). The step's own process takes the rest when it runs.
from flows.stages.classified import Batch, ClassifiedColumns, Classifiers, Classify, this_process

if TYPE_CHECKING:
    import duckdb

    from flows.stages.tagging import Untagged
    from nlp import Tagger

# Batches of `tag_batch_size` items per Dask task: each task costs a Prefect task run (~0.1-0.3 s
# of API calls here), so a task carries enough work (~20,000 items, 3-4 s) to make that small.
BATCHES_PER_TASK = 20
# Tasks running per worker: enough to keep every worker busy while results are placed. Finished
# results waiting behind a slower task at the head of the line are held too, up to as many again,
# so they do not pile up in memory (~20 MB each) while that task runs or is retried.
TASKS_IN_FLIGHT_PER_WORKER = 2


def worker_count(setting: int) -> int:
    """`tag_workers` as a number of processes: 0 means one per core."""
    return setting or os.cpu_count() or 1


def tag_on_cluster(
    con: duckdb.DuckDBPyConnection,
    tagger: Tagger,
    *,
    model_dir: Path,
    taxonomy_dir: Path | None,
    workers: int,
    address: str = "",
    batch_size: int = 1000,
    write_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
    tagged_at: datetime | None = None,
    classifiers: Classifiers | None = None,
    items: int | None = None,
    untagged: Untagged | None = None,
) -> int:
    """`tag_items`, with classification on a Dask cluster (a local one unless `address`);
    each worker's items and seconds go into `classifiers` if given, with this process's CPU
    seconds meanwhile. ``items``, how many there are to tag, lets the last tasks be smaller;
    ``write_rows`` (`tagging.WRITE_ROWS` unless given) and ``untagged``, as `tag_items` takes
    them."""
    from prefect_dask import DaskTaskRunner

    from flows.stages.tagging import WRITE_ROWS, tag_items

    runner: Any  # prefect-dask's runner, typed against an older TaskRunner generic
    if address:
        runner = DaskTaskRunner(address=address)
    else:
        runner = DaskTaskRunner(
            cluster_kwargs={
                "n_workers": workers,
                "threads_per_worker": 1,
                "processes": True,
                # No dashboard: a fixed port would clash between two runs on one machine.
                "dashboard_address": None,
                "silence_logs": logging.ERROR,
                # Workers are new processes: they report their task runs to this run's API.
                "env": {"PREFECT_API_URL": _api_url()},
            },
            # Results come straight from the workers, not relayed by the scheduler, which
            # runs in this same process: relaying each result cost it a second handling.
            client_kwargs={"direct_to_workers": True},
        )
    classify = submitting(
        str(model_dir),
        str(taxonomy_dir) if taxonomy_dir else None,
        workers,
        classifiers,
        items=items,
        batch_size=batch_size,
    )
    run = uuid4().hex
    _RUNS[run] = partial(
        tag_items,
        con,
        tagger,
        batch_size=batch_size,
        write_rows=write_rows or WRITE_ROWS,
        progress=progress,
        tagged_at=tagged_at,
        classify=classify,
        untagged=untagged,
    )
    started = time.process_time()
    try:
        with _dask_logs_quiet():
            return int(tag_on_workers.with_options(task_runner=runner)(run))
    finally:
        _RUNS.pop(run, None)
        if classifiers is not None:
            classifiers.placing_cpu = time.process_time() - started


# Loggers that tell, at info level, how the cluster starts and stops: some 35 lines a night of
# scheduler, nanny and connection events, and a dashboard "available at" port 8787 that is not
# served (no dashboard is asked for, and bokeh is not installed). The step logs where it
# classifies and how fast each worker went; their warnings and errors still reach the log. A
# logger someone set to debug (Prefect's logging settings), to look into the cluster, is left so.
DASK_LOGGERS = ("distributed", "prefect.task_runner.dask")


@contextmanager
def _dask_logs_quiet() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in DASK_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        if logger.getEffectiveLevel() == logging.INFO:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# The work of the runs in progress, by run key. The flow takes only the key: Prefect ships the
# flow run's context (the flow and its parameters) to the workers with every task, and neither
# the warehouse connection nor the loaded model can or should travel.
_RUNS: dict[str, Callable[[], int]] = {}


@flow(name="loopkeeper-tag-on-cluster")
def tag_on_workers(run: str) -> int:
    """Tag the night's items, classifying on the flow's Dask task runner."""
    return _run(run)


def _run(run: str) -> int:
    return _RUNS[run]()


def submitting(
    model_dir: str,
    taxonomy_dir: str | None,
    workers: int,
    classifiers: Classifiers | None = None,
    *,
    items: int | None = None,
    batch_size: int = 1000,
) -> Classify:
    """Classify batches as tasks on the running flow's task runner, yielding them in order.

    ``limit`` tasks are kept running: a task that finished waits here for its turn to be placed
    while the next one is sent, so a fast worker is not left idle behind a slower worker's task
    at the head of the line. Knowing how many ``items`` there are, tasks shrink towards the end
    (`task_batches`), so the workers finish together rather than one running the last full task
    alone.
    """

    def classify(batches: Iterator[Batch]) -> Iterator[tuple[Batch, ClassifiedColumns]]:
        in_flight: deque[tuple[list[Batch], Any]] = deque()
        limit = max(1, workers * TASKS_IN_FLIGHT_PER_WORKER)
        left = items
        ended = threading.Event()  # set when any task ends (Dask calls back on its own thread)

        def running() -> int:
            return sum(not f.wrapped_future.done() for _, f in in_flight)

        while True:
            ended.clear()
            while (
                running() < limit
                and len(in_flight) < 2 * limit
                and (group := list(islice(batches, task_batches(left, batch_size, workers))))
            ):
                texts = [batch_texts for _, batch_texts in group]
                # a PrefectDaskFuture: its wrapped Dask future says when the task ended
                future: Any = _submit(model_dir, taxonomy_dir, Texts(texts))
                future.wrapped_future.add_done_callback(lambda _: ended.set())
                in_flight.append((group, future))
                if left is not None:
                    left -= sum(len(ids) for ids, _ in group)
            if not in_flight:
                return
            group, future = in_flight[0]
            if not future.wrapped_future.done() and len(in_flight) > 1:
                # A task that ends before the head frees a worker for the next one.
                ended.wait()
                continue
            in_flight.popleft()
            worker, seconds, results = future.result()
            if classifiers is not None:
                classifiers.add(worker, sum(len(ids) for ids, _ in group), seconds)
            yield from zip(group, results, strict=True)

    return classify


def _submit(model_dir: str, taxonomy_dir: str | None, texts: Texts) -> Any:
    """Submit a classify task as a task of the tag flow alone.

    Prefect sends each task the context it was submitted in, and the night's `tag` step, whose
    task this flow runs in, is part of it: its function went along by value with every 20,000
    texts, and unpickling it made each worker import what the step imports, DuckDB among them
    (flows/stages/classified.py says what that cost). A copy of the context without it is
    sent instead; the tag flow run, and the step it runs in, stay as they were."""

    def submit() -> Any:
        # typed for contexts only; `TaskRunContext.get()` reads None as no task run
        TaskRunContext.__var__.set(None)  # type: ignore[arg-type]
        return classify_batches.submit(model_dir, taxonomy_dir, texts)

    return contextvars.copy_context().run(submit)


def task_batches(left: int | None, batch_size: int, workers: int) -> int:
    """How many batches the next task takes: BATCHES_PER_TASK, and towards the end an even share
    of what is left among twice the workers, down to a quarter of that (below it, each task's
    Prefect run costs more than the balance it buys)."""
    if left is None:
        return BATCHES_PER_TASK
    share = -(-left // max(1, batch_size * workers * 2))
    return max(BATCHES_PER_TASK // 4, min(BATCHES_PER_TASK, share), 1)


@task(name="classify", cache_policy=NO_CACHE, retries=1)
def classify_batches(
    model_dir: str, taxonomy_dir: str | None, texts: Texts
) -> tuple[str, float, list[ClassifiedColumns]]:
    """Classify batches of texts on a worker (the model is loaded once per worker process):
    the worker's name, the seconds spent classifying (model loading apart) and the results,
    as columns (the form that is cheap for the flow's process to unpickle)."""
    tagger = _worker_tagger(model_dir, taxonomy_dir)
    started = time.perf_counter()
    results = [ClassifiedColumns.of(tagger.classify_texts(batch)) for batch in texts.batches]
    return this_process(), time.perf_counter() - started, results


class Texts:
    """A task's batches of texts, in a box Prefect does not open.

    Prefect walks a task's parameters looking for futures in every list, tuple and dict; over
    20,000 texts a task, that walk cost about a tenth of the tag step on a million items.
    (`prefect.utilities.annotations.quote` is meant for this, but the Dask task runner hands
    the task a plain tuple in its place.)
    """

    __slots__ = ("batches",)

    def __init__(self, batches: list[list[str | None]]) -> None:
        self.batches = batches


@lru_cache(maxsize=2)
def _worker_tagger(model_dir: str, taxonomy_dir: str | None) -> Tagger:
    from nlp import Tagger

    tagger = Tagger.load(Path(model_dir), taxonomy_dir=Path(taxonomy_dir) if taxonomy_dir else None)
    # The model lives as long as the worker: the collector need not walk it again each time a
    # task's texts are unpickled or its results pickled.
    gc.freeze()
    return tagger


def _api_url() -> str:
    """The Prefect API this run reports to, also when it is the temporary local one."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return str(client.api_url)
