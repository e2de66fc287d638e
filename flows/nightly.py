"""The nightly flow: extract → validate → stage → tag → marts → notify, idempotent per night."""

from __future__ import annotations

import functools
import importlib
import resource
import threading
import time
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger

from flows.loop.mail import DeliveryIncomplete, check_mail_settings
from flows.settings.clock import as_of_for, today, utc_now
from flows.settings.config import Settings, load_settings
from flows.sources import SOURCES
from flows.sources.loader import load_time
from flows.stages.summary import RunSummary
from flows.tasks import (
    build_marts,
    build_marts_after_notify,
    build_staging,
    extract_source,
    notify,
    tag_new,
    validate_loaded,
)
from flows.warehouse.connection import open_warehouse, scalar
from flows.warehouse.night_record import record_night, record_stages
from flows.warehouse.notify_inputs import notify_inputs, unchanged
from flows.warehouse.publish import night_lock, seed_work_copy, work_path
from flows.warehouse.publish import publish as publish_warehouse
from flows.warehouse.schema import upgrade_warehouse


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Imports a night needs that take seconds: Great Expectations (validate; 2-4 s) and dbt (stage
# and marts; 1-2 s). Each step imports what it needs, so a command that runs none of them never
# pays for them.
SLOW_IMPORTS = ("great_expectations", "dbt.cli.main")


@functools.cache
def warm_slow_imports() -> threading.Thread:
    """Start importing ``SLOW_IMPORTS`` on a thread of their own, once per process.

    A night starts by waiting: on Prefect's temporary API (seconds of a server process starting)
    and on files and DuckDB in the extract step. The imports run meanwhile, and the steps then
    find them loaded (a step that comes first waits for the import under way, as any import
    does). An import that fails here is left to the step that needs it, which reports it.
    """

    def import_all() -> None:
        for name in SLOW_IMPORTS:
            try:
                importlib.import_module(name)
            except Exception:  # the step that needs it imports it again and says why
                continue

    thread = threading.Thread(target=import_all, name="loopkeeper-slow-imports", daemon=True)
    thread.start()
    return thread


def run_night(
    settings: Settings, run_date: date, *, send: bool = True, publish: bool = True
) -> RunSummary:
    """The stages of one night, in order; shared by the nightly and backfill flows.

    Stages write a working copy of the warehouse, never ``settings.warehouse`` itself, which
    analysts may be reading: only a night that got through every stage is published over it.
    ``publish=False`` leaves the night in the working copy (a backfill publishes its last night).
    """
    warm_slow_imports()  # a served deployment's run starts here
    if send:
        check_mail_settings(settings)  # a bad key fails here, before any stage or send
    work = work_path(settings.warehouse, settings.work_dir)
    with night_lock(settings):
        seed_work_copy(settings.warehouse, work)
        # Tables and columns once, before the first step (an older warehouse is upgraded here):
        # the connections the steps open run no DDL.
        upgrade_warehouse(work)
        summary = _stages(
            settings, settings.with_overrides(warehouse=work), run_date, send, publish
        )
    delivery = summary.acks.delivery if summary.acks is not None else None
    if publish and delivery is not None and delivery.stopped is not None:
        # Published, so analysts see the night; failed, so the scheduler shows the outage.
        raise DeliveryIncomplete(
            f"delivery stopped, {delivery.deferred} message(s) wait for the next run: "
            f"{delivery.stopped}",
            summary,
        )
    for channel, chat in summary.acks.chat_deliveries if summary.acks is not None else ():
        if publish and chat.stopped is not None:  # Slack or the webhook down: the same
            raise DeliveryIncomplete(
                f"{channel} delivery stopped, {chat.deferred} message(s) wait for the next run:"
                f" {chat.stopped}",
                summary,
            )
    return summary


def _stages(
    settings: Settings, writing: Settings, run_date: date, send: bool, publish: bool
) -> RunSummary:
    as_of = as_of_for(run_date, settings.timezone)
    with open_warehouse(writing.warehouse) as con:
        loaded_at = load_time(con, utc_now())
    summary = RunSummary(run_date, as_of, settings.warehouse, settings.mail_dir)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + now - clock
        summary.stage_peak_mb[stage] = peak_rss_mb()
        clock = now

    # DuckDB has one writer: sources load one after another, each in its own task.
    summary.loads = [extract_source(s.name, writing, loaded_at) for s in SOURCES]
    lap("extract")
    summary.gate = validate_loaded(writing, loaded_at)
    lap("validate")
    build_staging(writing, as_of)
    lap("stage")
    summary.tagged, summary.classifiers = tag_new(writing, as_of)
    lap("tag")
    build_marts(writing, as_of, run_date, before_notify=send)
    lap("marts")
    if send:
        read = notify_inputs(writing.warehouse)
        summary.acks = notify(writing, run_date, as_of)
        lap("notify")
        # The night's messages and escalations belong to it: status, analysts and the reports
        # of this same night see them (the marts read them through done_by_night). Only the
        # models built from the ops tables notify writes can change since the build above,
        # and none of them when notify left what they read as it was.
        quiet = unchanged(read, notify_inputs(writing.warehouse))
        build_marts_after_notify(writing, as_of, run_date, quiet=quiet)
        lap("marts")
    with open_warehouse(writing.warehouse) as con:
        record_stages(con, run_date)
        summary.items = int(scalar(con, "select count(*) from marts.fct_feedback"))
    if publish:
        with open_warehouse(writing.warehouse) as con:
            record_night(con, run_date, as_of)
        summary.spare_held = publish_warehouse(writing.warehouse, settings.warehouse).spare_held
        lap("publish")
        # Reports read what analysts read: the night just published.
        summary.reports = write_reports(settings, run_date)
        lap("reports")
    return summary


def write_reports(settings: Settings, run_date: date) -> list[str]:
    """The weekly report on Mondays, the monthly one on the 1st; a line per report for the summary.

    A period without feedback (a new installation) is reported, not an error: the night's
    data work is done and published by now.
    """
    if run_date.isoweekday() != 1 and run_date.day != 1:
        return []  # before importing the reports: matplotlib alone takes seconds to import
    from flows.reports.periods import ReportError
    from flows.reports.scheduled import write_due_reports

    folder = settings.reports_dir or settings.mail_dir.parent / "reports"
    try:
        return [str(path) for path in write_due_reports(settings.warehouse, folder, run_date)]
    except ReportError as exc:
        return [f"no report written: {exc}"]


@flow(name="loopkeeper-nightly", log_prints=True)
def nightly(
    run_date: date | None = None,
    inbox: Path | None = None,
    warehouse: Path | None = None,
    mail_dir: Path | None = None,
) -> RunSummary:
    """Run one night: load new exports, tag, build the warehouse, acknowledge new feedback."""
    settings = load_settings().with_overrides(inbox=inbox, warehouse=warehouse, mail_dir=mail_dir)
    night = run_date or today(settings.timezone)
    logger = get_run_logger()
    try:
        summary = run_night(settings, night)
    except DeliveryIncomplete as exc:
        for line in exc.summary.lines():
            logger.info(line)
        raise
    for line in summary.lines():
        logger.info(line)
    return summary
