"""`loopkeeper`: the command line. Heavy imports (Prefect, dbt, spaCy, GX) happen inside commands."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.settings import PREFECT_STARTUP_SECONDS

if TYPE_CHECKING:
    from flows.settings.config import Settings
    from nlp import Tagger

# Offline by default: no telemetry calls, and Prefect's temporary server without analytics
# (with analytics on it logs "database is locked", measured on this stack).
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", PREFECT_STARTUP_SECONDS)

app = typer.Typer(
    help="Loopkeeper closes customer feedback loops: extract, tag, warehouse, act, report.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _fail(message: str) -> typer.Exit:
    from notifications.secrets import redact_secrets  # whatever the error, never the key

    typer.secho(f"error: {redact_secrets(message)}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@app.command("demo-data")
def demo_data(
    out: Annotated[
        Path, typer.Option(help="Inbox folder to write (one sub-folder per source).")
    ] = Path("data/inbox"),
    accounts: Annotated[int, typer.Option(min=1, help="Number of customer accounts.")] = 120,
    days: Annotated[int, typer.Option(min=1, help="Days of feedback, ending on --end.")] = 30,
    end: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Last day covered (default: yesterday, UTC).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed writes the same files.")
    ] = 7,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the source folders of an existing inbox at --out."),
    ] = False,
    later: Annotated[
        bool,
        typer.Option(
            "--later",
            help="Add the next day's delivery to the demo inbox at --out instead: an NPS export"
            " adding comments to earlier responses and a Zendesk page updating earlier tickets"
            " (run a nightly before and after it).",
        ),
    ] = False,
    outcomes: Annotated[
        bool,
        typer.Option(
            "--outcomes",
            help="Add what followed a nightly to the demo inbox at --out instead: the next NPS"
            " survey wave (60 days after the night) and a CRM export as of --end with the"
            " renewals due by then, told customers answering and renewing more (see"
            " --no-effect). Read by the impact marts after a nightly on the day after --end.",
        ),
    ] = False,
    warehouse: Annotated[
        Path,
        typer.Option(help="With --outcomes: the warehouse of the night to follow up."),
    ] = Path("warehouse/loopkeeper.duckdb"),
    effect: Annotated[
        bool,
        typer.Option(
            "--effect/--no-effect",
            help="With --outcomes: told customers do better (the demo's built-in effect), or"
            " exactly as well as the others.",
        ),
    ] = True,
) -> None:
    """Write a believable B2B SaaS company's exports (CRM, NPS, tickets, widget, notes, roadmap)."""
    import shutil

    if later:
        _demo_later(out, end)
        return
    if outcomes:
        _demo_outcomes(out, end, warehouse, effect, seed)
        return

    from flows.demo import generate_inbox
    from flows.sources import SOURCES

    if force:
        for source in SOURCES:
            shutil.rmtree(out / source.name, ignore_errors=True)
    try:
        summary = generate_inbox(
            out, accounts=accounts, days=days, end=end.date() if end else None, seed=seed
        )
    except FileExistsError as exc:
        raise _fail(f"{exc} (or pass --force to replace it)") from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    for line in summary.lines():
        typer.echo(line)
    typer.echo(f"inbox written to {out}")


def _demo_later(out: Path, end: datetime | None) -> None:
    """`demo-data --later`: the later delivery, dated noon after --end (or an hour ago)."""
    from datetime import UTC, timedelta

    from flows.demo.updates import write_updates

    if not (out / "nps").is_dir() or not (out / "tickets").is_dir():
        raise _fail(f"{out}: no demo inbox here (run `loopkeeper demo-data --out {out}` first)")
    now = datetime.now(UTC)
    last = end.date() if end else now.date() - timedelta(days=1)
    noon = datetime(last.year, last.month, last.day, 12, tzinfo=UTC) + timedelta(days=1)
    updates = write_updates(out, at=min(noon, now - timedelta(hours=1)))
    typer.echo(
        f"later delivery: comments added to {len(updates.responses)} NPS responses,"
        f" {len(updates.tickets)} tickets updated ({', '.join(p.name for p in updates.files)})"
    )


def _demo_outcomes(
    out: Path, end: datetime | None, warehouse: Path, effect: bool, seed: int
) -> None:
    """`demo-data --outcomes`: the next survey wave and the renewals, as of --end."""
    from datetime import UTC, timedelta

    from flows.demo.outcomes import DEMO_EFFECT, NO_EFFECT
    from flows.demo.outcomes_delivery import write_outcomes

    if not (out / "accounts").is_dir() or not warehouse.is_file():
        raise _fail(f"{out} or {warehouse}: run `loopkeeper demo-data` and a nightly on it first")
    at = end.date() if end else datetime.now(UTC).date() - timedelta(days=1)
    try:
        written = write_outcomes(
            out, warehouse, at=at, effect=DEMO_EFFECT if effect else NO_EFFECT, seed=seed
        )
    except ValueError as exc:
        raise _fail(str(exc)) from None
    for line in written.lines():
        typer.echo(line)


def _run_errors() -> tuple[type[Exception], ...]:
    """Failures a user can act on: shown as a message, not a traceback."""
    import duckdb

    from flows.loop.mail import DeliveryIncomplete, MailConfigError
    from flows.stages.validate import GateFailed
    from flows.warehouse.dbt import DbtError
    from flows.warehouse.publish import PublishError, RunInProgress

    # duckdb.IOException: e.g. the working copy is locked by a process outside Loopkeeper.
    return (
        GateFailed,
        DbtError,
        MailConfigError,
        PublishError,
        RunInProgress,
        DeliveryIncomplete,
        duckdb.IOException,
    )


@contextmanager
def _prefect_must_start() -> Iterator[None]:
    """Prefect's temporary API that never answered (flows/temporary_api.py) is one line, not a
    traceback."""
    from flows.temporary_api import TemporaryApiError

    try:
        yield
    except TemporaryApiError as exc:
        raise _fail(str(exc)) from None


def _print_summary_of(exc: Exception) -> None:
    """A night that was published but failed to deliver still shows what it did."""
    summary = getattr(exc, "summary", None)
    if summary is not None:
        typer.echo("")
        for line in summary.lines():
            typer.echo(line)


@contextmanager
def _holding_the_night(settings: Settings) -> Iterator[None]:
    """The run's locks, taken before Prefect starts and held until the flow ends: another run
    holding them is one line and exit 1 (a flow run's traceback would bury the line), and no
    run can start between this check and the flow (which passes through the locks held here)."""
    from flows.warehouse.publish import RunInProgress, held_for_run

    held = ExitStack()
    try:
        held.enter_context(held_for_run(settings))
    except RunInProgress as exc:
        raise _fail(str(exc)) from None
    with held:
        yield


def _check_before_the_night(settings: Settings, *, send: bool = True) -> None:
    """Sender, key and Prefect API, before the lock and any data work (flows/commands/preflight.py)."""
    from flows.commands.preflight import PreflightError, check_before_the_night
    from flows.loop.mail import MailConfigError
    from flows.temporary_api import prefect_api

    # A key kept in a Prefect Secret block is read through the API: the check waits for it.
    reads_block = send and settings.mail_sender == "sendgrid" and settings.sendgrid_secret_block
    try:
        with _prefect_must_start(), prefect_api() if reads_block else nullcontext():
            check_before_the_night(settings, send=send)
    except (PreflightError, MailConfigError) as exc:
        raise _fail(str(exc)) from None


def _settings(inbox: Path | None, warehouse: Path | None, mail_dir: Path | None) -> Settings:
    from flows.settings.config import ConfigError, load_settings

    try:
        return load_settings().with_overrides(inbox=inbox, warehouse=warehouse, mail_dir=mail_dir)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


InboxOption = Annotated[
    Path | None, typer.Option(help="Inbox folder (overrides config `inbox`).", show_default=False)
]
WarehouseOption = Annotated[
    Path | None,
    typer.Option(help="DuckDB warehouse file (overrides config `warehouse`).", show_default=False),
]
MailOption = Annotated[
    Path | None,
    typer.Option(
        "--mail-dir",
        help="Folder for .eml files (overrides config `mail_dir`).",
        show_default=False,
    ),
]


@app.command()
def nightly(
    inbox: InboxOption = None,
    warehouse: WarehouseOption = None,
    mail_dir: MailOption = None,
    date_: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="The night being run (default: today in the configured timezone); ages and SLA clocks are judged as of its midnight.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run one night: load new exports, validate, build the warehouse, tag, acknowledge."""
    settings = _settings(inbox, warehouse, mail_dir)
    if not settings.inbox.is_dir():
        raise _fail(
            f"{settings.inbox}: inbox folder not found (run `loopkeeper demo-data --out {settings.inbox}` for demo data)"
        )
    from flows.temporary_api import launch_early, prefect_api

    _check_before_the_night(settings)
    launch_early()  # its process starts while this one imports Prefect and the night's modules
    from flows.nightly import nightly as nightly_flow
    from flows.nightly import warm_slow_imports

    warm_slow_imports()
    try:
        with _prefect_must_start(), _holding_the_night(settings), prefect_api():
            summary = nightly_flow(
                run_date=date_.date() if date_ else None,
                inbox=settings.inbox,
                warehouse=settings.warehouse,
                mail_dir=settings.mail_dir,
            )
    except _run_errors() as exc:
        _print_summary_of(exc)
        raise _fail(str(exc)) from None
    typer.echo("")
    for line in summary.lines():
        typer.echo(line)


@app.command()
def backfill(
    start: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="First night to re-run.")],
    end: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="Last night to re-run (inclusive).")
    ],
    inbox: InboxOption = None,
    warehouse: WarehouseOption = None,
    mail_dir: MailOption = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send/--no-send",
            help="Also send the emails each night would have sent (off: a backfill should not email customers late).",
        ),
    ] = False,
    publish_older: Annotated[
        bool,
        typer.Option(
            "--publish-older",
            help="Publish the range's last night even when the warehouse holds a later one.",
        ),
    ] = False,
) -> None:
    """Re-run the nightly steps for every night from --start to --end, oldest first."""
    if end < start:
        raise _fail(f"--end {end:%Y-%m-%d} is before --start {start:%Y-%m-%d}")
    settings = _settings(inbox, warehouse, mail_dir)
    from flows.temporary_api import launch_early, prefect_api

    _check_before_the_night(settings, send=send)
    launch_early()  # its process starts while this one imports Prefect and the backfill's modules
    from flows.backfill import BackfillRangeError, check_published_night
    from flows.backfill import backfill as backfill_flow
    from flows.nightly import warm_slow_imports

    warm_slow_imports()
    try:
        with _prefect_must_start(), _holding_the_night(settings), prefect_api():
            check_published_night(settings.warehouse, end.date(), publish_older=publish_older)
            summaries = backfill_flow(
                start=start.date(),
                end=end.date(),
                inbox=settings.inbox,
                warehouse=settings.warehouse,
                mail_dir=settings.mail_dir,
                send=send,
                publish_older=publish_older,
            )
    except BackfillRangeError as exc:
        raise _fail(str(exc)) from None
    except _run_errors() as exc:
        _print_summary_of(exc)
        raise _fail(str(exc)) from None
    typer.echo(f"\nre-ran {len(summaries)} nights from {start:%Y-%m-%d} to {end:%Y-%m-%d}")
    for line in summaries[-1].lines():
        typer.echo(line)


ModelDirOption = Annotated[
    Path | None,
    typer.Option(
        help="Trained tagger (default: config `model_dir`, else the bundled model).",
        show_default=False,
    ),
]


def _load_tagger(model_dir: Path | None) -> Tagger:
    """The tagger from --model-dir, else the configured one, else the bundled model."""
    from nlp import MODEL_DIR, Tagger

    settings = _settings(None, None, None)
    try:
        return Tagger.load(
            model_dir or settings.model_dir or MODEL_DIR, taxonomy_dir=settings.taxonomy_dir
        )
    except (OSError, ValueError) as exc:
        raise _fail(f"cannot load the tagger: {exc}") from None


@app.command()
def tag(
    input_: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV or JSONL (.jsonl/.ndjson) file of texts.")
    ],
    text_column: Annotated[str, typer.Option(help="Column holding the feedback text.")],
    output: Annotated[
        Path, typer.Option(help="File to write (.csv or .jsonl): the input columns plus the tags.")
    ],
    model_dir: ModelDirOption = None,
    chunk_rows: Annotated[
        int,
        typer.Option(min=1, help="Rows read, tagged and written at a time (memory stays bounded)."),
    ] = 10_000,
) -> None:
    """Tag a file of texts: adds intents, intent, sentiment, sentiment_score, severity, product_area, theme."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from flows.commands.tag_file import TagFileError, tag_file

    tagger = _load_tagger(model_dir)
    size = input_.stat().st_size if input_.is_file() else 0
    with Progress(
        TextColumn("tagging {task.fields[rows]:,} rows"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as progress:
        bar = progress.add_task("tag", total=size or None, rows=0)

        def on_progress(consumed: int, rows: int) -> None:
            progress.update(bar, advance=consumed, rows=rows)

        try:
            result = tag_file(
                input_,
                output,
                text_column=text_column,
                tagger=tagger,
                chunk_rows=chunk_rows,
                on_progress=on_progress,
            )
        except TagFileError as exc:
            raise _fail(str(exc)) from None
    typer.echo(f"tagged {result.rows:,} rows with model {tagger.version} -> {result.output}")


nlp_app = typer.Typer(
    help="The tagger: evaluate it on labelled feedback, check its sentiment against VADER.",
    no_args_is_help=True,
)
app.add_typer(nlp_app, name="nlp")


@nlp_app.command("evaluate")
def nlp_evaluate(
    input_: Annotated[Path, typer.Option("--input", help="Labelled CSV, TSV or JSONL file.")],
    text_column: Annotated[str, typer.Option(help="Column holding the feedback text.")],
    label_column: Annotated[
        str, typer.Option(help="Column holding the true intents, `;`-joined or a JSON list.")
    ],
    labels: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated intents the file labels (default: those that occur in it);"
            " only these are scored."
        ),
    ] = None,
    model_dir: ModelDirOption = None,
) -> None:
    """Precision, recall and F1 per intent of the tagger on a labelled file, on the labels it defines."""
    from nlp.evaluate import evaluate_file

    if not input_.is_file():
        raise _fail(f"{input_}: file not found")
    tagger = _load_tagger(model_dir)
    scored = [part.strip() for part in labels.split(",") if part.strip()] if labels else None
    try:
        result = evaluate_file(input_, text_column, label_column, tagger, scored)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"model {tagger.version} on {input_}")
    for line in result.lines():
        typer.echo(line)


@nlp_app.command("sentiment-check")
def nlp_sentiment_check(
    input_: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Lines `sentiment | kind | text` (default: the bundled check set, never trained on).",
        ),
    ] = None,
    model_dir: ModelDirOption = None,
) -> None:
    """The tagger's sentiment beside VADER's on short hard texts: sarcasm, negation, emoji, mixed."""
    from nlp.corpus import CorpusError
    from nlp.sentiment_check import CHECK_FILE, compare, read_check, vader_labels

    path = input_ or CHECK_FILE
    try:
        items = read_check(path)
    except (OSError, CorpusError) as exc:
        raise _fail(str(exc)) from None
    if not items:
        raise _fail(f"{path}: no texts to check")
    tagger = _load_tagger(model_dir)
    texts = [item.text for item in items]
    mine = [tag.sentiment for tag in tagger.tag(texts)]
    result = compare(items, {"loopkeeper": mine, "vader": vader_labels(texts)})
    typer.echo(f"model {tagger.version} on {path}")
    for line in result.lines():
        typer.echo(line)


@app.command()
def status(
    warehouse: WarehouseOption = None,
) -> None:
    """Show the warehouse: last loads per source, quarantine reasons, tagging and the outbox."""
    from flows.commands.status import render_status
    from flows.warehouse.publish import work_path

    settings = _settings(None, warehouse, None)
    try:
        for line in render_status(
            settings.warehouse, work_path(settings.warehouse, settings.work_dir)
        ):
            typer.echo(line)
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None


@app.command()
def quarantine(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="File the rows came from, as the gate and the quarantine name it:"
            " `<source folder>/<name>`, e.g. `accounts/accounts-2026-12.csv`.",
        ),
    ],
    reason: Annotated[str, typer.Option(help="Why they are set aside; kept with the rows.")],
    record: Annotated[
        list[int] | None,
        typer.Option(
            help="Record number (as the gate names it) to set aside; repeat for several."
            " Without it, every row of the file.",
            show_default=False,
        ),
    ] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Set loaded rows aside by hand: move them from raw into the quarantine.

    For rows a failed validation gate holds: the next run no longer checks them, and the night is published if everything else passes. Acts on the runs' working copy, where the next night starts; fails at once if a run is going on.
    """
    from datetime import UTC

    from flows.sources import SOURCES
    from flows.sources.base import printable
    from flows.stages.validate import set_aside
    from flows.warehouse.connection import open_warehouse
    from flows.warehouse.publish import (
        RunInProgress,
        seed_work_copy,
        warehouse_lock,
        work_path,
    )
    from flows.warehouse.schema import upgrade_warehouse

    folder = file.split("/", 1)[0]
    source = next((s for s in SOURCES if s.name == folder), None)
    if source is None or "/" not in file:
        names = ", ".join(s.name for s in SOURCES)
        raise _fail(f"{printable(file)}: not `<source folder>/<name>` (folders: {names})")
    settings = _settings(None, warehouse, None)
    work = work_path(settings.warehouse, settings.work_dir)
    try:
        # a run on this warehouse with another work_dir publishes over the published file
        with warehouse_lock(settings):
            seed_work_copy(settings.warehouse, work)
            upgrade_warehouse(work)
            with open_warehouse(work) as con:
                moved = set_aside(con, source.table, file, record or [], reason, datetime.now(UTC))
    except RunInProgress as exc:
        raise _fail(str(exc)) from None
    if not moved:
        which = f" records {', '.join(map(str, record))}" if record else ""
        raise _fail(f"no rows of {printable(file)}{which} in raw.{source.table}")
    typer.echo(
        f"set aside {moved} row(s) of {printable(file)} into raw._quarantine;"
        " the next run no longer checks them"
    )


@app.command()
def outbox(
    keys: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[KEY]...",
            help="With --requeue: the messages to put back, each a key as listed or any unique"
            " beginning of it.",
            show_default=False,
        ),
    ] = None,
    requeue: Annotated[
        bool,
        typer.Option(
            "--requeue",
            help="Put the KEY messages (unknown or parked) back to pending: the next run sends them.",
        ),
    ] = False,
    requeue_all_unknown: Annotated[
        bool,
        typer.Option(
            "--requeue-all-unknown",
            help="Put every message whose outcome is unknown back to pending: only once you have"
            " checked with the provider that none of them went out.",
        ),
    ] = False,
    warehouse: WarehouseOption = None,
) -> None:
    """List the messages that wait for a decision (unknown or parked), with reason and age; re-queue the ones that should go."""
    from flows.commands.outbox_review import requeue_messages, review
    from flows.warehouse.publish import RunInProgress
    from notifications.outbox import utc_now
    from notifications.outbox_decisions import RequeueError

    if keys and not requeue:
        raise _fail("give --requeue to put these messages back to pending")
    if requeue and not keys:
        raise _fail(
            "--requeue needs the KEY of at least one message (as `loopkeeper outbox` lists them)"
        )
    settings = _settings(None, warehouse, None)
    try:
        if requeue or requeue_all_unknown:
            done = requeue_messages(settings, keys or [], all_unknown=requeue_all_unknown)
            for key in done:
                typer.echo(f"requeued {key}")
            typer.echo(f"{len(done)} message(s) back to pending: the next nightly sends them")
            return
        for line in review(settings).lines(utc_now()):
            typer.echo(line)
    except (RunInProgress, RequeueError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None


report_app = typer.Typer(
    help="Reports people read: monthly loop health and the weekly voice of the customer.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")

ReportOutOption = Annotated[
    Path,
    typer.Option(
        "--out",
        help="HTML file to write (self-contained); a Markdown version is written beside it (.md).",
    ),
]


def _period(value: str, parse_name: str) -> object:
    """Parse --month / --week; a bad value is a usage error naming it."""
    from flows.reports import periods

    try:
        return getattr(periods, parse_name)(value)
    except periods.ReportError as exc:
        raise typer.BadParameter(str(exc)) from None


def _write_report(kind: str, period: object, out: Path, warehouse: Path | None) -> None:
    from flows.reports.periods import ReportError
    from flows.reports.write import write_monthly_report, write_weekly_report

    settings = _settings(None, warehouse, None)
    write = write_monthly_report if kind == "monthly" else write_weekly_report
    try:
        written = write(settings.warehouse, period, out)  # type: ignore[arg-type]
    except (FileNotFoundError, ReportError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"wrote {written.html} and {written.markdown}")


@report_app.command("monthly")
def report_monthly(
    month: Annotated[
        str, typer.Option(help="Month to report, YYYY-MM (e.g. 2026-10).", show_default=False)
    ],
    out: ReportOutOption,
    warehouse: WarehouseOption = None,
) -> None:
    """Monthly loop health: NPS, volume, acknowledgment SLA, closed loops, themes, risks, recommendations."""
    _write_report("monthly", _period(month, "parse_month"), out, warehouse)


@report_app.command("weekly")
def report_weekly(
    week: Annotated[
        str, typer.Option(help="ISO week to report, YYYY-Www (e.g. 2026-W46).", show_default=False)
    ],
    out: ReportOutOption,
    warehouse: WarehouseOption = None,
) -> None:
    """Weekly voice of the customer: themes with quotes, bugs, feature requests, praise, at-risk accounts, tickets."""
    _write_report("weekly", _period(week, "parse_week"), out, warehouse)


@app.command()
def bench(
    items: Annotated[
        int, typer.Option(min=100, help="Approximate number of feedback items to generate.")
    ] = 10_000,
    days: Annotated[
        int, typer.Option(min=7, help="Days of history the items are spread over.")
    ] = 365,
    workdir: Annotated[
        Path | None,
        typer.Option(
            help="Keep inbox and warehouse here (default: a temporary folder).", show_default=False
        ),
    ] = None,
    ingest: Annotated[
        bool,
        typer.Option(
            "--ingest",
            help="Measure raw ingestion only: load one NPS export of --items rows, then an"
            " overlapping copy of it, and print rows/s.",
        ),
    ] = False,
    dbt: Annotated[
        bool,
        typer.Option(
            "--dbt",
            help="Measure the dbt project alone: prepare a warehouse of --items items (kept in"
            " --workdir for the next run), then time `dbt build --full-refresh` and `dbt build`"
            " on a copy of it.",
        ),
    ] = False,
    nights: Annotated[
        int,
        typer.Option(
            min=0,
            help="After the first night, run this many further nights, each adding one day's"
            " exports (about --items / --days new items), each in its own process, and"
            " print every night's stages.",
        ),
    ] = 0,
    quiet_nights: Annotated[
        int,
        typer.Option(
            min=0,
            help="Then run this many nights that bring no new exports (only the clock moves),"
            " each in its own process, and print their stages too.",
        ),
    ] = 0,
) -> None:
    """Generate N items, run the nightly on them and print per-stage wall time, items/s and peak memory."""
    if ingest and dbt:
        raise typer.BadParameter("choose one of --ingest and --dbt")
    if (nights or quiet_nights) and (ingest or dbt):
        raise typer.BadParameter(
            "--nights and --quiet-nights run whole nightlies: leave out --ingest and --dbt"
        )
    if nights or quiet_nights:
        import tempfile

        from flows.bench.nights import run_nights_bench

        with tempfile.TemporaryDirectory(prefix="loopkeeper-bench-") as tmp:
            try:
                run_nights_bench(
                    items=items,
                    days=days,
                    nights=nights,
                    workdir=workdir or Path(tmp),
                    echo=typer.echo,
                    quiet=quiet_nights,
                )
            except FileExistsError as exc:  # a --workdir that holds an earlier run
                raise _fail(str(exc)) from None
        return
    if dbt:
        from flows.bench.dbt import run_dbt_bench

        try:
            lines = run_dbt_bench(items=items, days=days, workdir=workdir)
        except FileExistsError as exc:
            raise _fail(str(exc)) from exc
        for line in lines:
            typer.echo(line)
        return
    if ingest:
        from flows.bench.ingest import run_ingest_bench

        try:
            lines = run_ingest_bench(rows=items, workdir=workdir)
        except FileExistsError as exc:  # a --workdir that holds an earlier run
            raise _fail(str(exc)) from None
        for line in lines:
            typer.echo(line)
        return
    from flows.bench.night import run_bench

    try:
        with _prefect_must_start():
            lines = run_bench(items=items, days=days, workdir=workdir)
    except FileExistsError as exc:  # a --workdir that holds an earlier run
        raise _fail(str(exc)) from None
    for line in lines:
        typer.echo(line)


if __name__ == "__main__":
    app()
