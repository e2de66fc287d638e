"""The tag step on a local Dask cluster gives the tags and themes one process gives."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.stages import tag_cluster
from flows.stages.classified import Classifiers, this_process
from flows.stages.tag_cluster import tag_on_cluster, worker_count
from flows.stages.tagging import tag_items
from flows.warehouse.schema import apply_schema
from nlp import MODEL_DIR, Tagger
from nlp.bench import CORPUS, items

ITEMS = 2_400
BATCH = 200


def _warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    apply_schema(con)
    con.execute("create schema intermediate")
    con.execute(
        "create table intermediate.int_feedback_items (item_id varchar, feedback_text varchar)"
    )
    texts: list[str | None] = list(items(CORPUS, ITEMS - 2))
    texts += [None, ""]  # items without text are tagged too, with no intents
    con.executemany(
        "insert into intermediate.int_feedback_items values (?, ?)",
        [(f"item-{i:05d}", text) for i, text in enumerate(texts)],
    )
    return con


def _stored(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "tags": con.execute(
            "select * exclude (tagged_at) from raw.feedback_tags order by item_id"
        ).fetchall(),
        "themes": con.execute(
            "select theme_key, bucket, theme_label from raw.themes order by theme_key"
        ).fetchall(),
        "terms": con.execute("select * from raw.theme_terms order by theme_key, term").fetchall(),
    }


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with _warehouse(tmp_path_factory.mktemp("one") / "wh.duckdb") as con:
        assert tag_items(con, Tagger.load(), batch_size=BATCH) == ITEMS
        yield _stored(con)


def test_two_workers_give_the_same_tags_and_themes_as_one_process(
    prefect_harness: None,
    one_process: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Small tasks, so that several are in flight and come back out of order on two workers.
    monkeypatch.setattr(tag_cluster, "BATCHES_PER_TASK", 2)
    marks: list[int] = []
    classifiers = Classifiers()
    with _warehouse(tmp_path / "wh.duckdb") as con:
        # As in the nightly, the step is a task of a flow: its context, which holds this
        # function and what it reads (the connection here), stays in this process.
        reads = {"con": con}

        @task(cache_policy=NO_CACHE)
        def tag_step() -> int:
            return tag_on_cluster(
                reads["con"],
                Tagger.load(),
                model_dir=MODEL_DIR,
                taxonomy_dir=None,
                workers=2,
                batch_size=BATCH,
                write_rows=BATCH,
                progress=marks.append,
                classifiers=classifiers,
            )

        @flow
        def night() -> int:
            return tag_step()

        done = night()
        reads.clear()  # Prefect keeps the task: the connection is not left to outlive the test
        stored = _stored(con)
    assert done == ITEMS
    # Both workers classified (not this process), and their counts add up to every item.
    assert len(classifiers.work) == 2 and this_process() not in classifiers.work
    assert sum(items for items, _ in classifiers.work.values()) == ITEMS
    assert classifiers.line().startswith(f"2 workers classified {ITEMS:,} items at ")
    # what this process spent beside them, placing and writing
    assert classifiers.placing_cpu is not None and classifiers.placing_cpu > 0
    assert classifiers.line().endswith(
        f"; this process placed and wrote them on {classifiers.placing_cpu:,.1f} s of CPU"
    )
    assert marks == list(range(BATCH, ITEMS + 1, BATCH))
    assert stored["tags"] == one_process["tags"]
    assert stored["themes"] == one_process["themes"]
    assert stored["terms"] == one_process["terms"]
    assert len(stored["themes"]) > 50  # the comparison covers real theme work
    err = capfd.readouterr().err + "".join(f"{r.name} {r.getMessage()}\n" for r in caplog.records)
    # The workers, which share this process's stderr, ended without a word: DuckDB (whose
    # bindings list "leaked" objects as a process exits) was never loaded in them.
    assert "nanobind" not in err
    # Nor did the cluster's start and end fill the night's log with Dask's own account of
    # them, or claim a dashboard no one serves.
    assert "distributed." not in err and "dashboard" not in err


def test_no_workers_setting_means_one_per_core() -> None:
    import os

    assert worker_count(0) == (os.cpu_count() or 1)
    assert worker_count(3) == 3


def test_tasks_shrink_towards_the_end_so_the_workers_finish_together() -> None:
    from flows.stages.tag_cluster import BATCHES_PER_TASK, task_batches

    sizes, left = [], 101_806  # a 100k-item night on two workers, batches of 1,000
    while left > 0:
        sizes.append(task_batches(left, 1000, 2))
        left -= sizes[-1] * 1000
    assert sizes[0] == BATCHES_PER_TASK
    assert sizes == sorted(sizes, reverse=True)  # never a bigger task after a smaller one
    assert sizes[-1] == BATCHES_PER_TASK // 4  # small at the end, but not one batch a task
    assert len(sizes) <= 12  # few enough that each task's Prefect run stays cheap
    assert task_batches(None, 1000, 2) == BATCHES_PER_TASK  # count unknown: full tasks


class _Ended:
    """A stand-in for a Dask future: done when `finish` is called."""

    def __init__(self) -> None:
        self.callbacks: list[Any] = []
        self.finished = False

    def done(self) -> bool:
        return self.finished

    def add_done_callback(self, callback: Any) -> None:
        self.callbacks.append(callback)
        if self.finished:
            callback(self)

    def finish(self) -> None:
        self.finished = True
        for callback in self.callbacks:
            callback(self)


class _Submitted:
    def __init__(self, batches: int) -> None:
        self.wrapped_future = _Ended()
        self.batches = batches

    def result(self) -> tuple[str, float, list[str]]:
        while not self.wrapped_future.done():  # as a Dask future's result: wait for the task
            time.sleep(0.01)
        return "worker", 0.1, [f"classified {n}" for n in range(self.batches)]


def test_a_slow_first_task_keeps_the_others_going_but_holds_a_bounded_backlog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the task at the head of the line runs, tasks that end free their worker for the
    next; results waiting their turn stay bounded (twice the tasks running), and every batch
    still comes back in order."""
    import threading

    submitted: list[_Submitted] = []

    class Submit:
        @staticmethod
        def submit(model_dir: str, taxonomy_dir: str | None, texts: Any) -> _Submitted:
            future = _Submitted(len(texts.batches))
            submitted.append(future)
            if len(submitted) > 1:
                future.wrapped_future.finish()  # every task but the first ends at once
            return future

    monkeypatch.setattr(tag_cluster, "classify_batches", Submit)
    monkeypatch.setattr(tag_cluster, "BATCHES_PER_TASK", 1)
    batches = [([f"item-{n}"], [f"text {n}"]) for n in range(40)]
    limit = 2 * tag_cluster.TASKS_IN_FLIGHT_PER_WORKER  # two workers
    # The first task ends once the loop has sent as many as it will while it runs.
    timer = threading.Timer(0.5, lambda: submitted[0].wrapped_future.finish())
    timer.start()
    classify = tag_cluster.submitting("model", None, workers=2)
    out = []
    backlog = 0
    for batch, classified in classify(iter(batches)):
        backlog = max(backlog, len(submitted) - len(out))
        out.append((batch, classified))
    timer.join()
    assert [batch for batch, _ in out] == batches
    assert len(submitted) == len(batches)
    assert backlog == 2 * limit  # the others kept going behind the slow one, up to the bound


def test_dask_logs_are_quieted_for_the_step_unless_set_to_debug() -> None:
    scheduler = logging.getLogger("distributed.scheduler")
    dask, runner = (logging.getLogger(name) for name in tag_cluster.DASK_LOGGERS)
    before = dask.level, runner.level
    dask.setLevel(logging.INFO)
    runner.setLevel(logging.DEBUG)  # someone looking into the runner
    try:
        with tag_cluster._dask_logs_quiet():
            assert not scheduler.isEnabledFor(logging.INFO)
            assert scheduler.isEnabledFor(logging.WARNING)
            assert runner.isEnabledFor(logging.DEBUG)
        assert scheduler.isEnabledFor(logging.INFO) and dask.level == logging.INFO
    finally:
        dask.setLevel(before[0])
        runner.setLevel(before[1])
