"""The nightly end to end on a small generated company: loads, unifies, tags, acknowledges, once."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.demo import DemoSummary
from flows.nightly import nightly

NIGHT = date(2026, 11, 16)  # the night the shared "night" build ran (tests/flows/conftest.py)
TUESDAY = date(2026, 11, 17)


def query(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_source_lands_row_for_row(night) -> None:  # type: ignore[no-untyped-def]
    demo: DemoSummary = night[0]
    counts = night[4]
    assert counts["raw.crm_accounts"] == demo.accounts
    assert counts["raw.nps_responses"] == demo.nps_responses
    assert counts["raw.zendesk_tickets"] == demo.ticket_versions
    assert counts["raw.widget_events"] == demo.widget_events
    assert counts["raw.note_items"] == demo.note_items
    assert counts["raw.roadmap_items"] == demo.roadmap_items


def test_unified_model_has_one_row_per_item(night) -> None:  # type: ignore[no-untyped-def]
    demo: DemoSummary = night[0]
    warehouse = night[1]["warehouse"]
    [(rows, distinct)] = query(
        warehouse, "select count(*), count(distinct item_id) from intermediate.int_feedback_items"
    )
    assert rows == distinct == demo.feedback_items
    [(sources,)] = query(
        warehouse, "select list(distinct source order by source) from marts.fct_feedback"
    )
    assert sorted(sources) == ["note", "nps", "ticket", "widget"]


def test_every_item_is_tagged_with_the_model_version(night) -> None:  # type: ignore[no-untyped-def]
    warehouse = night[1]["warehouse"]
    [(untagged,)] = query(
        warehouse, "select count(*) from marts.fct_feedback where model_version is null"
    )
    assert untagged == 0
    assert night[2].tagged == night[0].feedback_items


def test_acknowledgments_reach_the_person_who_gave_the_feedback(night) -> None:  # type: ignore[no-untyped-def]
    paths, mails = night[1], night[5]
    assert mails, "the night should have written emails"
    sent = dict(
        query(
            paths["warehouse"],
            "select o.provider_message_id, f.contact_email from ops.outbox as o"
            " join marts.fct_feedback as f using (item_id)"
            " where o.status = 'sent' and o.kind = 'acknowledgment'",
        )
    )
    assert sent, "the night should have acknowledged someone"
    by_id = {}
    for name in mails:
        message = email.message_from_bytes(
            (paths["mail_dir"] / name).read_bytes(), policy=email.policy.default
        )
        by_id[message["Message-ID"]] = message["To"].addresses[0].addr_spec
    # Every acknowledgment went to the person who gave the feedback, as an .eml file.
    assert {key: by_id.get(key) for key in sent} == sent


def test_unreadable_file_is_named_and_the_rest_still_loads(night) -> None:  # type: ignore[no-untyped-def]
    first = night[2]
    tickets = next(load for load in first.loads if load.source == "tickets")
    assert tickets.files_quarantined == 1
    assert any("tickets-broken.json" in m for m in tickets.messages)
    assert tickets.rows_loaded == night[0].ticket_versions


def test_running_the_same_night_again_changes_nothing(night, warehouse_counts) -> None:  # type: ignore[no-untyped-def]
    paths, second, counts, mails = night[1], night[3], night[4], night[5]
    assert warehouse_counts(paths["warehouse"]) == counts
    assert sorted(p.name for p in paths["mail_dir"].glob("*.eml")) == mails
    assert second.rows_loaded == 0
    assert second.tagged == 0
    for again in (second, night[6]):
        # Nothing is queued or sent a second or third time, whatever the kind of message.
        assert again.acks is not None and again.acks.queued == 0 and again.acks.delivery.sent == 0


def test_status_shows_loads_quarantine_and_outbox(night) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from flows.commands.cli import app

    result = CliRunner().invoke(app, ["status", "--warehouse", str(night[1]["warehouse"])])
    assert result.exit_code == 0, result.output
    assert "tickets" in result.output and "1 unreadable" in result.output
    assert "tickets-broken.json" in result.output
    [(acks,)] = query(
        night[1]["warehouse"],
        "select count(*) from ops.outbox where kind = 'acknowledgment' and status = 'sent'",
    )
    assert acks and f"acknowledgment   sent     {acks:>6}" in result.output
    assert "queue by stage:" in result.output and "SLA clocks" in result.output


@pytest.fixture(scope="module")
def backfill_without_send(
    night: tuple[Any, ...], tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> tuple[Any, ...]:
    """The night's inbox backfilled over NIGHT (a Monday) and the night after into a warehouse
    of its own, without --send."""
    from flows.backfill import backfill

    root = tmp_path_factory.mktemp("backfill")
    warehouse, mail = root / "backfill.duckdb", root / "mail"
    summaries = backfill(
        start=NIGHT, end=TUESDAY, inbox=night[1]["inbox"], warehouse=warehouse, mail_dir=mail
    )
    return summaries, warehouse, mail


def test_backfill_sends_nothing_unless_asked(night, backfill_without_send) -> None:  # type: ignore[no-untyped-def]
    paths = night[1]
    summaries, warehouse, mail = backfill_without_send
    assert [s.run_date for s in summaries] == [NIGHT, TUESDAY]
    assert not list(mail.glob("*.eml"))
    assert query(warehouse, "select count(*) from ops.outbox") == [(0,)]
    # The same items, tags and clocks; only the nightly's marts count the messages it sent.
    sql = (
        "select item_id, source, received_at, redacted_text, account_id, intents, sentiment,"
        " severity, theme_key, ack_due_at from marts.fct_feedback order by item_id"
    )
    assert query(warehouse, sql) == query(paths["warehouse"], sql)
    acknowledged = "select count(acknowledged_at) from marts.fct_feedback"
    assert query(warehouse, acknowledged) == [(0,)]
    assert query(paths["warehouse"], acknowledged)[0][0] > 0


# Columns that record when a step ran, not what it produced.
RUN_TIME_COLUMNS = {
    "_loaded_at",
    "loaded_at",
    "tagged_at",
    "quarantined_at",
    "created_at",
    "claimed_at",
    "sent_at",
    "escalated_at",
    "hashed_at_ns",
}


# ...and of one table each: a hash over a message's row, its send time included; a hash over
# the raw rows, their load times included; one over the items and tags, their load and tag
# times included.
RUN_TIME_CELLS = {
    ("_cursors", "updated_at"),
    ("int_item_grain_baseline", "fingerprint"),
    ("stage_build", "inputs"),
    ("tagged_items_build", "inputs"),
}


def snapshot(path: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every table's rows, without run-time stamps, in a stable order."""
    # One connection and one catalog query: opening the file and asking the catalog for one
    # table's columns cost ~40 ms each, ~9 s per snapshot of the demo's ~100 tables and views.
    with duckdb.connect(str(path), read_only=True) as con:
        columns: dict[tuple[str, str], list[str]] = {}
        for schema, name, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema not in ('information_schema', 'pg_catalog')"
            " order by table_schema, table_name, ordinal_position"
        ).fetchall():
            kept = columns.setdefault((schema, name), [])
            if column not in RUN_TIME_COLUMNS and (name, column) not in RUN_TIME_CELLS:
                kept.append(column)
        out = {}
        for (schema, name), kept in sorted(columns.items()):
            select = ", ".join(f'"{c}"' for c in kept)
            out[f"{schema}.{name}"] = con.execute(
                f'select {select} from "{schema}"."{name}" order by all'
            ).fetchall()
        return out


def _first_difference(left: list[tuple], right: list[tuple]) -> object:  # type: ignore[type-arg]
    """The row counts, or the positions and values where the first differing rows differ."""
    if len(left) != len(right):
        return (len(left), len(right))
    a, b = next((a, b) for a, b in zip(left, right, strict=True) if a != b)
    return [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


RANGE_FIRST, RANGE_LAST = date(2026, 11, 14), date(2026, 11, 15)


def build_backfill_with_send(root: Path, inbox: Path) -> Path:
    """The night's inbox run night by night over the range, and backfilled over it with --send."""
    from flows.backfill import backfill

    for day in (RANGE_FIRST, RANGE_LAST):
        nightly(
            run_date=day, inbox=inbox, warehouse=root / "nightly.duckdb", mail_dir=root / "mail-n"
        )
    backfill(
        start=RANGE_FIRST,
        end=RANGE_LAST,
        inbox=inbox,
        warehouse=root / "backfill.duckdb",
        mail_dir=root / "mail-b",
        send=True,
    )
    return root


@pytest.fixture(scope="module")
def backfill_with_send(night: tuple[Any, ...], shared: Any, request: pytest.FixtureRequest) -> Path:
    inbox = night[1]["inbox"]
    return shared.get(
        "backfill_with_send", lambda root: build_backfill_with_send(root, inbox), request
    )


def test_backfill_with_send_equals_the_nightly_runs_over_the_range(
    backfill_with_send: Path,
) -> None:
    root = backfill_with_send
    nightly_wh, backfill_wh = root / "nightly.duckdb", root / "backfill.duckdb"
    backfilled, nightly_runs = snapshot(backfill_wh), snapshot(nightly_wh)
    differing = {
        table: _first_difference(rows, nightly_runs.get(table, []))
        for table, rows in backfilled.items()
        if rows != nightly_runs.get(table)
    }
    assert not differing, differing
    assert backfilled.keys() == nightly_runs.keys()
    assert sorted(p.name for p in (root / "mail-b").glob("*.eml")) == sorted(
        p.name for p in (root / "mail-n").glob("*.eml")
    )


def test_a_monday_night_writes_last_weeks_report_from_the_published_warehouse(night) -> None:  # type: ignore[no-untyped-def]
    first, paths = night[2], night[1]
    weekly = paths["mail_dir"].parent / "reports" / "weekly-2026-W46.html"
    assert str(weekly) in first.reports and weekly.with_suffix(".md").exists()
    assert "<svg" in weekly.read_text(encoding="utf-8")


def test_a_backfill_writes_the_reports_due_inside_its_range_with_that_nights_figures(
    night: tuple[Any, ...], backfill_without_send: tuple[Any, ...]
) -> None:
    summaries, _, mail = backfill_without_send
    weekly = mail.parent / "reports" / "weekly-2026-W46.md"
    monday, tuesday = summaries
    assert monday.reports == [str(weekly.with_suffix(".html")), str(weekly)]
    assert tuesday.reports == []  # a Tuesday owes no report
    text = weekly.read_text(encoding="utf-8")
    # Judged as the Monday night, not the last night of the range the warehouse holds now.
    assert "accounts as of the night of 2026-11-16" in text
    nightly_report = (night[1]["mail_dir"].parent / "reports" / "weekly-2026-W46.md").read_text(
        encoding="utf-8"
    )
    items = next(line for line in nightly_report.splitlines() if line.startswith("- Items:"))
    assert items in text.splitlines()


def test_status_names_the_published_night(night) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from flows.commands.cli import app

    result = CliRunner().invoke(app, ["status", "--warehouse", str(night[1]["warehouse"])])
    assert f"night of {NIGHT:%Y-%m-%d} published at " in result.output


def test_backfill_of_older_nights_keeps_the_published_night(night, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from flows.commands.cli import app

    published = night[1]["warehouse"]
    before = published.read_bytes()
    result = CliRunner().invoke(
        app,
        [
            "backfill",
            "--start", "2026-11-10", "--end", "2026-11-12",
            "--inbox", str(night[1]["inbox"]),
            "--warehouse", str(published),
            "--mail-dir", str(tmp_path / "mail"),
        ],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: {published} holds the night of {NIGHT}; a backfill ending 2026-11-12 would "
        f"publish an older night over it: end the range on {NIGHT} or later, or pass "
        "--publish-older"
    ]
    assert published.read_bytes() == before


# The ops tables notify writes between the night's two marts builds.
NOTIFY_WRITES = ("outbox", "message_items", "escalations", "closed_loop_matches")
DBT_SCHEMAS = ("intermediate", "marts", "loop", "impact", "reports")


def _build_night_marts(warehouse: Path, selector: str, *, incremental: bool) -> None:
    """`dbt run` of one marts selector on ``warehouse``, at the night's clock."""
    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings
    from flows.warehouse.dbt import run_dbt

    settings = load_settings()
    run_dbt(
        ["run", "--selector", selector],
        warehouse=warehouse,
        as_of=as_of_for(NIGHT, settings.timezone),
        night=NIGHT,
        thresholds=settings.dbt_vars(),
        incremental=incremental,
    )


def _dbt_tables(warehouse: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """The snapshot of the tables and views dbt builds."""
    return {
        table: rows
        for table, rows in snapshot(warehouse).items()
        if table.split(".")[0] in DBT_SCHEMAS
    }


# A loop model: what notify acts on.
LOOP_MODEL = "loop.loop_at_risk_alerts"

# What the ops tables hold before the night's notify step: nothing (a first night), or earlier
# nights' rows, some of which notify changes (a parked message sent on a retry).
EARLIER_ROWS = {
    "outbox": "hash(message_key) % 2 = 0",
    "message_items": "message_key in (select message_key from ops.outbox)",
    "escalations": "hash(theme_key) % 2 = 0",
    "closed_loop_matches": "hash(item_id) % 2 = 0",
}


@pytest.mark.parametrize("earlier", [False, True], ids=["first night", "earlier messages"])
def test_the_nights_two_marts_builds_equal_a_full_rebuild(  # type: ignore[no-untyped-def]
    night, tmp_path: Path, earlier: bool
) -> None:
    """The nightly's two marts builds (selector marts_before_notify, the night's messages, then
    marts_after_notify) leave the warehouse as one full marts build after the messages does, but
    for the loop models: those keep what notify acted on, as the first build left them.

    The first build starts with no mart, loop, impact or report table at all, as a first night
    does: what it leaves out (the reports' figures) can only come from the build after notify.
    The build after notify computes the item-grain tables again only for the items notify
    touched: new messages, messages sent since, and themes escalated since.
    """
    import shutil

    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings

    as_of = as_of_for(NIGHT, load_settings().timezone)

    def build(warehouse: Path, selector: str) -> None:
        _build_night_marts(warehouse, selector, incremental=selector == "marts_after_notify")

    before = tmp_path / "before" / "lk.duckdb"
    before.parent.mkdir()
    shutil.copy(night[1]["warehouse"], before)
    with duckdb.connect(str(before)) as con:
        # The small company crosses no escalation threshold: three themes escalated by the night.
        con.execute(
            "insert into ops.escalations select theme_key, any_value(theme_label),"
            f" timestamp '{as_of}' + interval 2 hour, 'escalation.md', 3, 1000.0, 'test',"
            f" date '{NIGHT}' from intermediate.int_feedback_items_tagged"
            " where theme_key is not null group by theme_key order by theme_key limit 3"
        )
        # No message, escalation or recorded stage yet (or only earlier nights'): the night
        # before its notify step.
        for table in NOTIFY_WRITES:
            con.execute(f"create table main.saved_{table} as select * from ops.{table}")
            kept = EARLIER_ROWS[table] if earlier else "false"
            con.execute(f"delete from ops.{table} where not ({kept})")
        # an earlier message not sent yet, which tonight's delivery sends
        con.execute(
            "update ops.outbox set status = 'parked', sent_at = null"
            " where status = 'sent' and hash(message_key) % 4 = 0"
        )
        con.execute("delete from raw.feedback_stages_reached")
        [(sent,)] = con.execute("select count(*) from main.saved_outbox").fetchall()
        for schema in ("marts", "loop", "impact", "reports"):
            con.execute(f"drop schema {schema} cascade")
    assert sent > 0
    build(before, "marts_before_notify")
    first = snapshot(before)
    # what notify reads is there; the reports' figures wait for the second build
    assert "marts.fct_feedback" in first and "loop.loop_closed_loop_candidates" in first
    assert not any(table.startswith(("reports.", "impact.")) for table in first)
    built = {}
    for selector in ("marts_after_notify", "marts"):
        warehouse = tmp_path / selector / "lk.duckdb"
        warehouse.parent.mkdir()
        shutil.copy(before, warehouse)
        with duckdb.connect(str(warehouse)) as con:  # what notify writes
            for table in NOTIFY_WRITES:
                con.execute(f"delete from ops.{table}")
                con.execute(f"insert into ops.{table} select * from main.saved_{table}")
            # an item no message answers, in no escalated theme, marked in the first build's row
            [(untouched, ack_due)] = con.execute(
                "select item_id, ack_due_at from intermediate.int_feedback_unclocked"
                " where item_id not in (select item_id from intermediate.int_message_items)"
                " and theme_key not in (select theme_key from ops.escalations)"
                " order by item_id limit 1"
            ).fetchall()
            con.execute(
                "update intermediate.int_feedback_unclocked set ack_due_at = null"
                " where item_id = ?",
                [untouched],
            )
            # and a loop model's row twice
            [(loop_rows,)] = con.execute(f"select count(*) from {LOOP_MODEL}").fetchall()
            con.execute(f"insert into {LOOP_MODEL} select * from {LOOP_MODEL} limit 1")
        build(warehouse, selector)
        with duckdb.connect(str(warehouse)) as con:
            [(marked,)] = con.execute(
                "select ack_due_at from intermediate.int_feedback_unclocked where item_id = ?",
                [untouched],
            ).fetchall()
            # the pass after notify keeps the rows of items notify did not touch; a full
            # build computes every row again
            assert marked == (None if selector == "marts_after_notify" else ack_due)
            con.execute(
                "update intermediate.int_feedback_unclocked set ack_due_at = ? where item_id = ?",
                [ack_due, untouched],
            )
            # the pass after notify leaves the loop models as notify read them; a full build
            # makes them again
            [(now,)] = con.execute(f"select count(*) from {LOOP_MODEL}").fetchall()
            assert loop_rows > 0
            assert now == loop_rows + (selector == "marts_after_notify")
            con.execute(
                f"create or replace table {LOOP_MODEL} as select distinct * from {LOOP_MODEL}"
            )
        built[selector] = _dbt_tables(warehouse)
    after_notify, full = built["marts_after_notify"], built["marts"]
    assert full.keys() == after_notify.keys() and "reports.rpt_weekly_themes" in full
    # the pass's bookkeeping ends as a full build leaves it: notify's writes as they are now
    assert after_notify["intermediate.int_item_grain_changes"] == []
    acted_on = {table: rows for table, rows in first.items() if table.startswith("loop.")}
    assert acted_on and {t: after_notify[t] for t in acted_on} == acted_on
    differing = {
        table: _first_difference(rows, full[table])
        for table, rows in after_notify.items()
        if rows != full[table] and table not in acted_on
    }
    assert not differing, differing


def test_the_dbt_unit_tests_pass(night, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The nightly leaves the dbt unit tests out (their inputs never change); here they run, on
    a copy of a night's warehouse, for every model that has them."""
    import shutil

    import yaml

    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings
    from flows.warehouse.dbt import run_dbt

    root = Path(__file__).resolve().parents[2]
    declared = sum(
        len((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests") or [])
        for path in (root / "dbt_project" / "models").rglob("*.yml")
    )
    warehouse = tmp_path / "lk.duckdb"
    shutil.copy(night[1]["warehouse"], warehouse)
    settings = load_settings()
    outcome = run_dbt(
        ["test", "--select", "test_type:unit"],
        warehouse=warehouse,
        as_of=as_of_for(NIGHT, settings.timezone),
        night=NIGHT,
        thresholds=settings.dbt_vars(),
    )
    assert declared >= 6 and outcome.passed == declared


# The tables under the staging views whose key tests the nightly leaves to CI (tag ci_only), and
# the primary key each declares: the premise that no data can break those keys. The test checks
# this list against the project's own lineage of those tests.
KEYS_ENFORCED = {
    "raw.feedback_tags": ["item_id", "model_version"],
    "raw.feedback_stages_reached": ["item_id", "stage"],
    "raw.themes": ["theme_key"],
    "ops.outbox": ["message_key"],
    "ops.escalations": ["theme_key"],
    "ops.message_items": ["message_key", "item_id"],
}


def test_the_key_tests_the_nightly_leaves_to_ci_pass_on_tables_that_enforce_them(  # type: ignore[no-untyped-def]
    night, tmp_path: Path
) -> None:
    """The key tests tagged ci_only (models/staging/loopkeeper) run here, with the views they
    test built from the project as it is: on a copy of a night's warehouse where an item has a
    second, older tagging, so the tags' view must keep one row per item. Every table under
    them declares the key as its primary key."""
    import json
    import shutil

    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings
    from flows.warehouse.dbt import run_dbt

    def listed(resource_type: str, keys: str) -> list[dict[str, str]]:
        return [
            json.loads(line)
            for line in _dbt_ls(
                tmp_path,
                *("--select", "+tag:ci_only", "--resource-type", resource_type),
                *("--output", "json", "--output-keys", keys),
            )
        ]

    # every table the tagged tests rest on is in the list, and so checked below
    tables = {f"{row['schema']}.{row['name']}" for row in listed("source", "schema name")}
    assert tables == KEYS_ENFORCED.keys()
    tagged = [row for row in listed("test", "name tags") if "ci_only" in row["tags"]]
    assert len(tagged) == 7
    warehouse = tmp_path / "lk.duckdb"
    shutil.copy(night[1]["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:
        declared = {
            f"{schema}.{table}": columns
            for schema, table, columns in con.execute(
                "select schema_name, table_name, constraint_column_names"
                " from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        }
        con.execute(
            "insert into raw.feedback_tags select * replace ('0.0.1-older' as model_version,"
            " tagged_at - interval 1 day as tagged_at) from raw.feedback_tags limit 1"
        )
    assert {table: declared.get(table) for table in KEYS_ENFORCED} == KEYS_ENFORCED
    settings = load_settings()
    # the views and every test on them (a failing one raises DbtError)
    outcome = run_dbt(
        ["build", "--select", "+tag:ci_only", "--exclude-resource-type", "unit_test"],
        warehouse=warehouse,
        as_of=as_of_for(NIGHT, settings.timezone),
        night=NIGHT,
        thresholds=settings.dbt_vars(),
    )
    assert outcome.passed >= len(tagged) + 7 and not outcome.skipped


def test_every_table_notify_reads_is_in_the_notify_exposure() -> None:
    """The first marts build of a night builds what the dbt exposure `notify` depends on; a table
    flows/loop reads that the exposure does not name could be a night old when notify reads it."""
    import re

    import yaml

    root = Path(__file__).resolve().parents[2]
    models = {path.stem for path in (root / "dbt_project" / "models").rglob("*.sql")}
    read = {
        name
        for path in (root / "flows" / "loop").glob("*.py")
        for name in re.findall(
            r"\b(?:marts|loop|intermediate|impact|reports)\.(\w+)", path.read_text()
        )
        if name in models
    }
    exposures = yaml.safe_load((root / "dbt_project" / "models" / "exposures.yml").read_text())
    [notify] = [e for e in exposures["exposures"] if e["name"] == "notify"]
    named = {re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in notify["depends_on"]}  # type: ignore[union-attr]
    assert "fct_feedback" in read and "loop_closed_loop_candidates" in read
    assert read <= named, sorted(read - named)


def _tag_step_on_a_copy(night, tmp_path: Path) -> tuple[Path, Callable[[], int]]:  # type: ignore[no-untyped-def]
    """A copy of the night's warehouse, and its tag step as a flow: how many items it tagged."""
    import shutil

    from prefect import flow

    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings
    from flows.tasks import tag_new

    warehouse = tmp_path / "lk.duckdb"
    shutil.copy(night[1]["warehouse"], warehouse)
    settings = load_settings().with_overrides(warehouse=warehouse)
    as_of = as_of_for(NIGHT, settings.timezone)

    @flow
    def tag_step() -> int:
        done, _ = tag_new(settings, as_of)
        return done

    return warehouse, tag_step


def test_the_tag_step_loads_the_pipeline_only_when_something_needs_tagging(  # type: ignore[no-untyped-def]
    night, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    """Loading the tagger takes seconds: a night with nothing new to tag (the version alone says
    so) skips it, and one with an item left untagged still loads it and tags that item."""
    from nlp import Tagger

    warehouse, tag_step = _tag_step_on_a_copy(night, tmp_path)
    loads: list[object] = []
    real_load = Tagger.load

    def counted_load(*args: Any, **kwargs: Any) -> Tagger:
        loads.append(args)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(Tagger, "load", counted_load)
    assert tag_step() == 0 and loads == []
    with duckdb.connect(str(warehouse)) as con:
        [(item_id,)] = con.execute(
            "select item_id from raw.feedback_tags where redacted_text <> ''"
            " order by item_id limit 1"
        ).fetchall()
        con.execute("delete from raw.feedback_tags where item_id = ?", [item_id])
    assert tag_step() == 1 and len(loads) == 1


def test_a_tag_step_with_nothing_new_hashes_no_text(  # type: ignore[no-untyped-def]
    night, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    """The night recorded that it left every item tagged: the next tag step with nothing new
    skips the untagged check (an md5 of every text); a changed text makes it check once, and
    the tagging reads what that check found instead of looking again."""
    import flows.stages.tagging
    import flows.tasks

    warehouse, tag_step = _tag_step_on_a_copy(night, tmp_path)
    checks: list[str] = []
    real_find = flows.stages.tagging.find_untagged

    def counted(con: Any, version: str) -> Any:
        checks.append(version)
        return real_find(con, version)

    # where the step looks, and where the tagging would look again
    monkeypatch.setattr(flows.tasks, "find_untagged", counted)
    monkeypatch.setattr(flows.stages.tagging, "find_untagged", counted)
    assert tag_step() == 0 and checks == []
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update intermediate.int_feedback_items set feedback_text = 'Exports time out again.'"
            " where item_id = (select min(item_id) from intermediate.int_feedback_items)"
        )
    assert tag_step() == 1 and len(checks) == 1
    assert tag_step() == 0 and len(checks) == 1


def test_the_stage_build_runs_only_when_raw_or_the_clock_brought_something(  # type: ignore[no-untyped-def]
    night, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    """A night with nothing loaded skips dbt's stage build (seconds of start-up and tests for
    rows it already holds); a row loaded, or deleted, makes it build, and it records that."""
    import shutil

    from prefect import flow

    import flows.tasks
    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings
    from flows.tasks import build_staging

    warehouse = tmp_path / "lk.duckdb"
    shutil.copy(night[1]["warehouse"], warehouse)
    settings = load_settings().with_overrides(warehouse=warehouse)
    as_of = as_of_for(NIGHT, settings.timezone)
    builds: list[str] = []
    real_build = flows.tasks._dbt_build

    def counted_build(settings: Any, selector: str, *args: Any, **kwargs: Any) -> Any:
        builds.append(selector)
        return real_build(settings, selector, *args, **kwargs)

    monkeypatch.setattr(flows.tasks, "_dbt_build", counted_build)

    @flow
    def stage_step() -> object:
        return build_staging(settings, as_of)

    items = query(warehouse, "select count(*) from intermediate.int_feedback_items")
    assert stage_step() is None and builds == []
    with duckdb.connect(str(warehouse)) as con:
        [(item_id,)] = con.execute(
            "select response_id from raw.nps_responses order by response_id limit 1"
        ).fetchall()
        con.execute("delete from raw.nps_responses where response_id = ?", [item_id])
    assert stage_step() is not None and builds == ["stage"]
    left = query(warehouse, "select count(*) from intermediate.int_feedback_items")
    assert left[0][0] == items[0][0] - 1
    assert stage_step() is None and builds == ["stage"]


def _dbt_ls(tmp_path: Path, *args: str) -> list[str]:
    """What `dbt ls` prints for ``args`` on the project, a line each."""
    from dbt.cli.main import dbtRunner

    from flows.warehouse.dbt import DBT_PROJECT_DIR

    result = dbtRunner().invoke(
        [
            "ls",
            *args,
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ]
    )
    assert result.success
    return list(result.result)


def _selected(selector: str, tmp_path: Path, *, select: bool = False) -> set[str]:
    """The models a selector of dbt_project/selectors.yml names (or, with ``select``, a
    ``--select`` expression)."""
    option = "--select" if select else "--selector"
    return set(_dbt_ls(tmp_path, option, selector, "--resource-type", "model", "--output", "name"))


def test_the_models_of_both_marts_builds_read_what_notify_writes_only_through_its_inputs(
    tmp_path: Path,
) -> None:
    """The build after a quiet notify (marts_after_quiet_notify) leaves the models of the first
    build as they are when notify changed none of flows.warehouse.notify_inputs' relations: so
    no model of both builds may read the ops tables any other way."""
    import re

    from flows.warehouse.notify_inputs import RELATIONS

    root = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
    reads: dict[str, set[str]] = {}
    for path in root.rglob("*.sql"):
        text = path.read_text()
        reads[path.stem] = set(re.findall(r"ref\('(\w+)'\)", text)) | {
            f"ops.{table}" for table in re.findall(r"source\('ops', '(\w+)'\)", text)
        }
    through = {relation.split(".")[1] for relation in RELATIONS}
    # what reaches the ops tables without passing through the three
    reaching: set[str] = set()
    grew = True
    while grew:
        before = len(reaching)
        reaching |= {
            model
            for model, parents in reads.items()
            if model not in through
            and any(p.startswith("ops.") or p in reaching for p in parents - through)
        }
        grew = len(reaching) > before
    both = _selected("marts_after_notify", tmp_path) & _selected("marts_before_notify", tmp_path)
    quiet = _selected("marts_after_quiet_notify", tmp_path)
    # the check can fail: the outbox's own staging view and what reads it directly are found
    assert {"stg_loopkeeper__outbox", "fct_loop_health_monthly"} <= reaching
    assert "int_feedback_unclocked" in both and not both & quiet
    assert not reaching & both, sorted(reaching & both)
    # a model is made twice a night, and its tests run twice, only when notify reads it
    notify_reads = _selected("+exposure:notify", tmp_path, select=True)
    assert "fct_feedback" in notify_reads and not both - notify_reads, sorted(both - notify_reads)
    # the build after notify leaves the loop models as notify read them: nothing else reads them
    loop = {path.stem for path in (root / "loop").glob("*.sql")}
    assert loop and not loop & _selected("marts_after_notify", tmp_path)
    assert not {model for model, parents in reads.items() if parents & loop} - loop


def test_the_build_after_a_quiet_notify_equals_a_full_rebuild(  # type: ignore[no-untyped-def]
    night, tmp_path: Path
) -> None:
    """A night whose notify changed no item's messages, escalation or closed-loop match builds
    after it only what the first build left out; the warehouse is then as one full build."""
    import shutil

    from flows.warehouse.notify_inputs import notify_inputs, unchanged

    built = {}
    for plan in (["marts_before_notify", "marts_after_quiet_notify"], ["marts"]):
        warehouse = tmp_path / plan[-1] / "lk.duckdb"
        warehouse.parent.mkdir()
        shutil.copy(night[1]["warehouse"], warehouse)
        with duckdb.connect(str(warehouse)) as con:
            for schema in ("marts", "loop", "impact", "reports"):
                con.execute(f"drop schema {schema} cascade")
        read = None
        for selector in plan:
            if selector == "marts_after_quiet_notify":
                assert unchanged(read, notify_inputs(warehouse))
            _build_night_marts(warehouse, selector, incremental=selector != "marts")
            read = notify_inputs(warehouse)
        built[plan[-1]] = _dbt_tables(warehouse)
    quiet, full = built["marts_after_quiet_notify"], built["marts"]
    assert full.keys() == quiet.keys() and "reports.rpt_weekly_themes" in full
    differing = {
        table: _first_difference(rows, full[table])
        for table, rows in quiet.items()
        if rows != full[table]
    }
    assert not differing, differing


def test_notify_inputs_tell_a_changed_message_escalation_or_match(tmp_path: Path) -> None:
    from flows.warehouse.notify_inputs import RELATIONS, notify_inputs, unchanged

    warehouse = tmp_path / "lk.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for relation in RELATIONS:
            schema, _ = relation.split(".")
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {relation} (item_id varchar, sent_at timestamp)")
            con.execute(f"insert into {relation} values ('nps:1', null)")
    first = notify_inputs(warehouse)
    assert unchanged(first, notify_inputs(warehouse))
    for relation in RELATIONS:
        with duckdb.connect(str(warehouse)) as con:
            con.execute(f"update {relation} set sent_at = timestamp '2026-11-16 02:00'")
        assert not unchanged(first, notify_inputs(warehouse)), relation
        first = notify_inputs(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"drop table {RELATIONS[0]}")
    assert notify_inputs(warehouse) is None and not unchanged(None, None)
