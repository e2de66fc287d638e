"""The nightly's tasks: one per stage (and one per source), each doing real work.

Tasks open the warehouse themselves and close it before returning: DuckDB allows one writer,
and dbt opens the same file between our steps.
"""

from __future__ import annotations

from datetime import date, datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

# Every task uses NO_CACHE: caching a stage's result by its inputs would skip real work.
from flows.loop.outcome import LoopOutcome
from flows.settings.config import Settings
from flows.sources import SOURCES
from flows.sources.loader import SourceLoad, load_source
from flows.stages.classified import Classifiers
from flows.stages.tag_cluster import tag_on_cluster, worker_count
from flows.stages.tag_record import all_tagged, record_all_tagged
from flows.stages.tagging import find_untagged, tag_items, themes_need_upkeep
from flows.stages.validate import GateReport, failure, gate, gated_tables
from flows.warehouse.connection import open_warehouse
from flows.warehouse.dbt import DBT_PROJECT_DIR, DbtOutcome, definition, run_dbt
from flows.warehouse.stage_record import record_stage_build, stage_is_current
from flows.warehouse.tagged_items_record import BUILT_BY as TAGGED_ITEMS_SELECTORS


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
            settle_seconds=settings.inbox_settle_seconds,
        )
    for message in result.messages:
        logger.warning(message)
    logger.info(
        "%s: %d files read, %d skipped (seen), %d rows loaded (%d new versions),"
        " %d duplicates, %d quarantined",
        source.name,
        result.files_read,
        result.files_skipped,
        result.rows_loaded,
        result.rows_versions,
        result.rows_duplicate,
        result.rows_quarantined,
    )
    return result


@task(name="validate", cache_policy=NO_CACHE)
def validate_loaded(settings: Settings, loaded_at: datetime) -> GateReport:
    """Run the Great Expectations suites on this run's rows; stop the run on a critical failure."""
    logger = get_run_logger()
    with open_warehouse(settings.warehouse) as con:
        # This run's rows and the rows of loads an earlier run held (flows.stages.validate).
        report = gate(con, gated_tables(SOURCES), loaded_at)
    for finding in report.warnings:
        logger.warning(finding.line())
    if stop := failure(report):
        raise stop
    return report


@task(name="stage", cache_policy=NO_CACHE)
def build_staging(settings: Settings, as_of: datetime) -> DbtOutcome | None:
    """dbt: seeds, staging views and the unified feedback-items model; None when skipped.

    Skipped when it would change nothing: raw holds the rows the last stage build read, under
    the same definition, and the clock reached no new item since (flows.warehouse.stage_record).
    """
    raw_tables = [source.table for source in SOURCES]
    built_under = definition(
        (settings.dbt_project_dir or DBT_PROJECT_DIR).resolve(), settings.dbt_vars()
    )
    with open_warehouse(settings.warehouse) as con:
        current = stage_is_current(con, raw_tables, definition=built_under, as_of=as_of)
    if current:
        get_run_logger().info(
            "stage: raw is as the last stage build read it and no item arrived since: not built"
        )
        return None
    outcome = _dbt_build(settings, "stage", as_of, definition_digest=built_under)
    with open_warehouse(settings.warehouse) as con:
        record_stage_build(con, raw_tables, definition=built_under, as_of=as_of)
    return outcome


@task(name="tag", cache_policy=NO_CACHE)
def tag_new(settings: Settings, as_of: datetime | None = None) -> tuple[int, Classifiers]:
    """Tag items the current model version has not tagged yet: how many, and what each
    classifying process did."""
    from nlp import MODEL_DIR, Tagger
    from nlp.tagger import tagger_version

    logger = get_run_logger()
    model_dir = settings.model_dir or MODEL_DIR
    version = tagger_version(model_dir, taxonomy_dir=settings.taxonomy_dir)
    # One connection from finding the untagged items to tagging them: they are found once (an
    # md5 of every item's text), on a cursor the tagging then reads them on.
    with open_warehouse(settings.warehouse) as con:
        # a night whose items and tags are as the last tag step left them: nothing to tag
        recorded = all_tagged(con, version)
        untagged = None if recorded else find_untagged(con, version)
        try:
            pending = untagged.count if untagged is not None else 0
            upkeep = themes_need_upkeep(con, version)
            if not pending and not upkeep and not recorded:
                record_all_tagged(con, version)
            logger.info("tagging %d items with model %s", pending, version)
            if not pending and not upkeep:  # the pipeline takes seconds to load: not for nothing
                return 0, Classifiers()
            tagger = Tagger.load(model_dir, taxonomy_dir=settings.taxonomy_dir)
            step = max(settings.tag_batch_size * 10, pending // 10 or 1)
            marks = iter(range(step, pending + step, step))
            next_mark = next(marks, None)

            def progress(done: int) -> None:
                nonlocal next_mark
                if next_mark is not None and done >= next_mark:
                    logger.info("tagged %d/%d items", done, pending)
                    next_mark = next(marks, None)

            workers = worker_count(settings.tag_workers)
            classifiers = Classifiers()
            if pending and (
                settings.dask_address or (workers > 1 and pending >= settings.tag_cluster_min_items)
            ):
                where = settings.dask_address or f"a local Dask cluster of {workers} processes"
                logger.info("classifying on %s", where)
                done = tag_on_cluster(
                    con,
                    tagger,
                    model_dir=model_dir,
                    taxonomy_dir=settings.taxonomy_dir,
                    workers=workers,
                    address=settings.dask_address,
                    batch_size=settings.tag_batch_size,
                    progress=progress,
                    tagged_at=as_of,
                    classifiers=classifiers,
                    items=pending,
                    untagged=untagged,
                )
            else:
                done = tag_items(
                    con,
                    tagger,
                    batch_size=settings.tag_batch_size,
                    progress=progress,
                    tagged_at=as_of,
                    classifiers=classifiers,
                    untagged=untagged,
                )
        finally:  # tag_items closes it too; a step that failed before it must as well
            if untagged is not None:
                untagged.reader.close()
        # every item untagged at the start is tagged now, each for the text it has
        record_all_tagged(con, version)
    if classifiers.work:
        logger.info("%s", classifiers.line())
    return done, classifiers


@task(name="marts", cache_policy=NO_CACHE)
def build_marts(
    settings: Settings, as_of: datetime, night: date | None = None, *, before_notify: bool = False
) -> DbtOutcome:
    """dbt: the marts analysts and notifications read, with their data tests.

    ``before_notify``: the night sends and builds again after notify
    (build_marts_after_notify), so the models that build makes and notify does not read (the
    reports' and impact figures) are left to it: built once a night, not twice.
    """
    outcome = _dbt_build(
        settings, "marts_before_notify" if before_notify else "marts", as_of, night
    )
    if outcome.tagged_items_kept:
        get_run_logger().info(
            "marts: the items, tags and themes are as the last marts build read them: the"
            " tagged items kept as they are, not compared"
        )
    return outcome


@task(name="marts after notify", cache_policy=NO_CACHE)
def build_marts_after_notify(
    settings: Settings, as_of: datetime, night: date | None = None, *, quiet: bool = False
) -> DbtOutcome:
    """dbt: again, only the marts built from the ops tables notify writes, with their tests.

    Run after notify, right after the marts build of the same night and clock
    (``before_notify``): what the night's messages and escalations cannot reach is already as
    that build left it, and what it left out is built here. The item-grain tables (under
    fct_feedback and the stages and SLA clocks) compute again only the items notify touched.
    ``quiet``: notify left the items' messages, the escalations and the closed-loop matches as
    the first build read them (flows.warehouse.notify_inputs), so only what that build left
    out is built.
    """
    if quiet:
        get_run_logger().info(
            "notify changed no item's messages, escalation or closed-loop match: building only"
            " the models the first marts build left out"
        )
    selector = "marts_after_quiet_notify" if quiet else "marts_after_notify"
    return _dbt_build(settings, selector, as_of, night)


def _dbt_build(
    settings: Settings,
    selector: str,
    as_of: datetime,
    night: date | None = None,
    *,
    definition_digest: str | None = None,
) -> DbtOutcome:
    """`dbt build` of one selector from dbt_project/selectors.yml, without its unit tests.

    A unit test checks a model's SQL on fixed input rows, the same every night: they run in CI
    (`tests/flows/test_nightly.py::test_the_dbt_unit_tests_pass`) and with a hand-run
    `dbt build`, not in the nightly, where they took 1.2-1.4 s of each marts build whatever its
    size (the million- and 100,000-item benches' run_results).

    The item-grain tables are updated in place when the warehouse's last build allows it (same
    definition, clock not gone back; flows.warehouse.dbt.follows_last_build): a night then
    computes the items that arrived or changed, not every item it holds. The marts builds that
    make int_feedback_items_tagged keep its rows when nothing it reads changed since
    (flows.warehouse.tagged_items_record).
    """
    return run_dbt(
        ["build", "--selector", selector, "--exclude-resource-type", "unit_test"],
        warehouse=settings.warehouse,
        as_of=as_of,
        project_dir=settings.dbt_project_dir,
        target=settings.dbt_target,
        night=night,
        thresholds=settings.dbt_vars(),
        memory_limit=settings.dbt_memory_limit,
        incremental=True,
        definition_digest=definition_digest,
        kept_tests=True,
        cache_dir=settings.dbt_cache_dir,
        settle_tagged_items=selector in TAGGED_ITEMS_SELECTORS,
    )


@task(name="notify", cache_policy=NO_CACHE)
def notify(settings: Settings, run_date: date, as_of: datetime) -> LoopOutcome:
    """Queue everything the marts say is due tonight, write escalation documents, deliver."""
    from flows.loop.run import notify_tonight

    return notify_tonight(settings, run_date, as_of)
