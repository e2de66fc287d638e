"""The backfill flow: the nightly's steps for every night of a date range, oldest first."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import flow, get_run_logger

from flows.loop.mail import DeliveryIncomplete
from flows.nightly import run_night, write_reports
from flows.settings.config import load_settings
from flows.stages.summary import RunSummary
from flows.warehouse.night_record import published_night
from flows.warehouse.publish import work_path


class BackfillRangeError(ValueError):
    """The range is empty or reversed, or would move the published night backwards."""


def nights(start: date, end: date) -> list[date]:
    if end < start:
        raise BackfillRangeError(f"end {end} is before start {start}")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def check_published_night(warehouse: Path, end: date, *, publish_older: bool) -> None:
    """Refuse a range ending before the night analysts read, unless ``publish_older``.

    A backfill publishes its last night: without this, re-running last week would silently
    replace tonight's warehouse with last week's.
    """
    held = published_night(warehouse)
    if held is not None and end < held and not publish_older:
        raise BackfillRangeError(
            f"{warehouse} holds the night of {held}; a backfill ending {end} would publish an "
            f"older night over it: end the range on {held} or later, or pass --publish-older"
        )


@flow(name="loopkeeper-backfill", log_prints=True)
def backfill(
    start: date,
    end: date,
    inbox: Path | None = None,
    warehouse: Path | None = None,
    mail_dir: Path | None = None,
    send: bool = False,
    publish_older: bool = False,
) -> list[RunSummary]:
    """Re-run the nightly steps for each night from ``start`` to ``end`` (inclusive).

    Customer emails are off unless ``send`` is true: a backfill over old nights should not
    acknowledge feedback weeks late. The outbox keys make a later sending run idempotent.
    The warehouse analysts read is published once, after the last night, and only when that
    night is not older than the one published (``publish_older`` to publish it anyway).
    Every night writes the reports it owes (a Monday's weekly, a 1st's monthly), as the
    nightly would have: the nights before the last from the working copy, which holds that
    night's marts and so that period's figures.
    """
    settings = load_settings().with_overrides(inbox=inbox, warehouse=warehouse, mail_dir=mail_dir)
    check_published_night(settings.warehouse, end, publish_older=publish_older)
    logger = get_run_logger()
    summaries = []
    # Analysts see the range once it is done: publishing every night would copy the warehouse
    # once per night and show them a history that is still being rewritten.
    dates = nights(start, end)
    working = settings.with_overrides(warehouse=work_path(settings.warehouse, settings.work_dir))
    for night in dates:
        logger.info("backfill: night of %s", night)
        last = night == dates[-1]
        try:
            summary = run_night(settings, night, send=send, publish=last)
        except DeliveryIncomplete as exc:  # the night ran; its delivery stopped
            summary = exc.summary
        if not last:
            summary.reports = write_reports(working, night)
        summaries.append(summary)
    for line in summaries[-1].lines() if summaries else []:
        logger.info(line)
    stopped = delivery_stopped(summaries)
    if stopped:
        # Later nights retry what an earlier one left pending, but the scheduler and the shell
        # must still see that mail did not go out when it should have.
        raise DeliveryIncomplete(stopped, summaries[-1])
    return summaries


def delivery_stopped(summaries: list[RunSummary]) -> str | None:
    """Which nights' delivery stopped and why, in one line; None when every night's went out."""
    stopped = [
        (summary.run_date, delivery)
        for summary in summaries
        if summary.acks is not None
        and (delivery := summary.acks.delivery) is not None
        and delivery.stopped is not None
    ]
    if not stopped:
        return None
    named = ", ".join(f"{night} ({delivery.stopped})" for night, delivery in stopped)
    left = summaries[-1].acks.delivery if summaries[-1].acks is not None else None
    waiting = f"; {left.deferred} message(s) wait for the next run" if left and left.stopped else ""
    return f"delivery stopped on {len(stopped)} of {len(summaries)} night(s): {named}{waiting}"
