"""The nightly's tasks: one per stage (and one per source), each doing real work.

Tasks open the warehouse themselves and close it before returning: DuckDB allows one writer,
and dbt opens the same file between our steps.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import Settings

# Every task uses NO_CACHE: caching a stage's result by its inputs would skip real work.
from flows.loop.outcome import LoopOutcome
from flows.sources import SOURCES
from flows.sources.loader import SourceLoad, load_source
from flows.tagging import count_untagged, tag_items
from flows.validate import GateFailed, GateReport, run_gate
from flows.warehouse.connection import open_warehouse
from flows.warehouse.dbt import DbtOutcome, run_dbt


@task(name="extract", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def extract_source(source_name: str, settings: Settings, loaded_at: datetime) -> SourceLoad:
    """Load one source folder's new files into raw, quarantining what cannot be loaded."""
    logger = get_run_logger()
    source = next(s for s in SOURCES if s.name == source_name)
    with open_warehouse(settings.warehouse) as con:
        result = load_source(
            con,
            settings.inbox,
            source,
            loaded_at=loaded_at,
            columns=settings.columns.get(source.name),
        )
    for message in result.messages:
        logger.warning(message)
    logger.info(
        "%s: %d files read, %d skipped (seen), %d rows loaded, %d duplicates, %d quarantined",
        source.name,
        result.files_read,
        result.files_skipped,
        result.rows_loaded,
        result.rows_duplicate,
        result.rows_quarantined,
    )
    return result


@task(name="validate", cache_policy=NO_CACHE)
def validate_loaded(settings: Settings, loaded_at: datetime) -> GateReport:
    """Run the Great Expectations suites on this run's rows; stop the run on a critical failure."""
    logger = get_run_logger()
    with open_warehouse(settings.warehouse) as con:
        batches: dict[str, pd.DataFrame] = {
            s.table: con.execute(
                f"select * from raw.{s.table} where _loaded_at = ?",
                [loaded_at.replace(tzinfo=None)],
            ).df()
            for s in SOURCES
        }
    report = run_gate(batches)
    for finding in report.warnings:
        logger.warning(finding.line())
    if report.critical:
        raise GateFailed(
            "critical expectations failed, marts not published:\n"
            + "\n".join(f.line() for f in report.critical)
        )
    return report


@task(name="stage", cache_policy=NO_CACHE)
def build_staging(settings: Settings, as_of: datetime) -> DbtOutcome:
    """dbt: seeds, staging views and the unified feedback-items model."""
    return _dbt_build(settings, "stage", as_of)


@task(name="tag", cache_policy=NO_CACHE)
def tag_new(settings: Settings, as_of: datetime | None = None) -> int:
    """Tag items the current model version has not tagged yet."""
    from nlp import MODEL_DIR, Tagger

    logger = get_run_logger()
    tagger = Tagger.load(settings.model_dir or MODEL_DIR, taxonomy_dir=settings.taxonomy_dir)
    with open_warehouse(settings.warehouse) as con:
        pending = count_untagged(con, tagger.version)
        logger.info("tagging %d items with model %s", pending, tagger.version)
        step = max(settings.tag_batch_size * 10, pending // 10 or 1)
        marks = iter(range(step, pending + step, step))
        next_mark = next(marks, None)

        def progress(done: int) -> None:
            nonlocal next_mark
            if next_mark is not None and done >= next_mark:
                logger.info("tagged %d/%d items", done, pending)
                next_mark = next(marks, None)

        return tag_items(
            con,
            tagger,
            batch_size=settings.tag_batch_size,
            progress=progress,
            tagged_at=as_of,
        )


@task(name="marts", cache_policy=NO_CACHE)
def build_marts(settings: Settings, as_of: datetime, night: date | None = None) -> DbtOutcome:
    """dbt: the marts analysts and notifications read, with their data tests."""
    return _dbt_build(settings, "marts", as_of, night)


def _dbt_build(
    settings: Settings, selector: str, as_of: datetime, night: date | None = None
) -> DbtOutcome:
    """`dbt build` of one selector from dbt_project/selectors.yml."""
    return run_dbt(
        ["build", "--selector", selector],
        warehouse=settings.warehouse,
        as_of=as_of,
        project_dir=settings.dbt_project_dir,
        target=settings.dbt_target,
        night=night,
    )


@task(name="notify", cache_policy=NO_CACHE)
def notify(settings: Settings, run_date: date, as_of: datetime) -> LoopOutcome:
    """Queue everything the marts say is due tonight, write escalation documents, deliver."""
    from flows.loop.policy import LoopPolicy
    from flows.loop.run import close_the_loop
    from flows.mail import make_sender, sender_identity
    from notifications import EscalationThresholds

    policy = LoopPolicy(
        escalation_dir=settings.escalation_dir or settings.mail_dir.parent / "escalations",
        window_days=settings.ack_window_days,
        closed_loop_window_days=settings.closed_loop_window_days,
        escalation=EscalationThresholds(
            min_accounts=settings.escalation_min_accounts,
            min_arr=settings.escalation_min_arr,
            min_retention_risk_accounts=settings.escalation_min_retention_risk_accounts,
        ),
    )
    with open_warehouse(settings.warehouse) as con:
        return close_the_loop(
            con,
            as_of=as_of,
            run_date=run_date,
            policy=policy,
            identity=sender_identity(settings),
            sender=make_sender(settings),
        )
