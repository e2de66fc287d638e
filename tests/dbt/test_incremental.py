"""The feedback sources' staging models, int_feedback_items, int_feedback_items_tagged and the
item-grain tables under fct_feedback are incremental: a night's incremental run equals a full
rebuild."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.stages.validate import set_aside

DbtRun = Callable[[Sequence[str], Path, str], None]
RawLayer = Callable[[Path], None]

EARLIER = "2026-11-06T00:00:00Z"
LATER = "2026-11-10T00:00:00Z"
MODELS = ["build", "--exclude", "resource_type:test", "resource_type:unit_test"]
COMPARED = (
    "staging.stg_nps__responses",
    "staging.stg_zendesk__tickets",
    "staging.stg_widget__events",
    "staging.stg_notes__items",
    "intermediate.int_feedback_items",
    "intermediate.int_feedback_items_tagged",
    "intermediate.int_feedback_items_keyword_matched",
    "intermediate.int_feedback_roadmap_mentions",
    "intermediate.int_feedback_stage_events",
    "intermediate.int_feedback_stages_unclocked",
    "intermediate.int_feedback_sla_unclocked",
    "intermediate.int_feedback_unclocked",
    # what the next incremental build compares with: taken again once the tables are updated
    "intermediate.int_item_grain_baseline",
    "marts.fct_feedback",
    "marts.fct_feedback_stages",
    "marts.fct_feedback_sla",
    "marts.fct_theme_impact",
)

# The first night's last load: the first build's items were loaded up to it, later than
# wfb_2's, so wfb_2 is rebuilt the next night only because the account it names arrives.
FIRST_LOADS = """
insert into raw.nps_responses (
    response_id, email, score, comment, responded_at, survey_id,
    _source, _file, _record, _loaded_at, _row_hash
) values
    ('r9', 'kim@tailspin.dev', '8', 'Fine', '2026-11-05T09:00:00Z', 'q4',
     'nps', 'nps/export-1.csv', 1, '2026-11-13 02:30:00', 'n9'),
    -- an answer nothing later touches: an incremental build keeps its rows as they are
    ('r8', 'sam.ortiz@contoso-health.io', '10', 'Love the new reports', '2026-11-02T09:00:00Z',
     'q4', 'nps', 'nps/export-1.csv', 2, '2026-11-13 02:30:00', 'n8'),
    -- a detractor of the same account, whom a CSM note loaded later turns out to have contacted
    ('r6', 'sam.ortiz@contoso-health.io', '5', 'Too many clicks', '2026-11-02T10:00:00Z',
     'q4', 'nps', 'nps/export-1.csv', 3, '2026-11-13 02:30:00', 'n6');
-- a second version of a QBR bullet, kept by the first build
insert into raw.note_items values
    ('n1', '001A', 'qbr', '2026-10-28', 'dana@loopkeeper-demo.io', '[Dana Whitfield, Priya Raman]',
     '1', 'SSO setup took two weeks; SCIM provisioning is a must for them.',
     'notes', 'notes/northwind-qbr-v2.md', 1, '2026-11-13 02:30:00', 'q1b');
"""

# What changes between two nights: a re-tagging, a renamed account, a new ticket, the account
# wfb_2 names arriving in the CRM (it matched another account by its domain until then), a
# new version of r2 without a score (no NPS answer any more), and a roadmap item with a new
# keyword that an unchanged item's text holds (r1's "timing": it is matched again). Loaded after every load the first
# night's build saw, as a later night's loads are (each night stamps its loads at its start).
NEXT_LOADS = """
insert into raw.feedback_tags (item_id, model_version, intents, intent, sentiment, sentiment_score, severity, product_area, competitors, theme_key, theme_label, redacted_text, tagged_at) values
    ('ticket:50231', 'tagger-3', 'bug', 'bug', 'negative', -0.4, 'high', 'exports', '',
     'exports', 'Export timeouts', 'Export fails', '2026-11-14 03:00:00');
insert into raw.crm_accounts (
    account_id, account_name, website, tier, arr, renewal_date, csm_name, csm_email,
    contact_name, contact_email, _source, _file, _record, _loaded_at, _row_hash
) values
    ('003C', 'Tailspin Toys', 'http://tailspin.dev/', 'SMB', '14000', '2027-06-01', 'Ari Lund',
     'ari@loopkeeper-demo.io', 'Kim Doe', 'kim@tailspin.dev',
     'accounts', 'accounts/crm-1107.csv', 1, '2026-11-14 02:00:00', 'a5'),
    ('999Z', 'Pat Industries', 'pat-industries.example', 'SMB', '9000', '2027-02-01', 'Ari Lund',
     'ari@loopkeeper-demo.io', 'Pat Lee', 'pat@northwind-logistics.com',
     'accounts', 'accounts/crm-1107.csv', 2, '2026-11-14 02:00:00', 'a6');
insert into raw.zendesk_tickets values
    ('50300', 'kim@tailspin.dev', 'Kim Doe', 'Slow reports', 'Reports take a minute.', 'reports',
     'normal', 'open', '2026-11-07T10:00:00Z', '2026-11-07T10:00:00Z', 'unoffered', '',
     'tickets', 'tickets/tickets-000003.json', 1, '2026-11-14 02:00:00', 't3');
insert into raw.nps_responses (
    response_id, email, score, comment, responded_at, survey_id,
    _source, _file, _record, _loaded_at, _row_hash
) values
    ('r2', 'sam.ortiz@contoso-health.io', '', 'Great support', '2026-11-04T10:00:00+02:00', 'q4',
     'nps', 'nps/export-2.csv', 1, '2026-11-14 02:00:00', 'n2b');
-- a page of an older export arriving late: an older version of 50231 (by its updated_at),
-- which must not win over the kept one; and a second version of a QBR bullet
insert into raw.zendesk_tickets values
    ('50231', 'lee@contoso-health.io', 'Lee Park', 'Export fails', 'It times out.', 'export',
     'high', 'pending', '2026-11-02T09:14:00Z', '2026-11-03T10:00:00Z', 'offered', '',
     'tickets', 'tickets/tickets-000000.json', 1, '2026-11-14 02:00:00', 't0');
insert into raw.note_items values
    ('n1', '001A', 'qbr', '2026-10-28', 'dana@loopkeeper-demo.io', '[Dana Whitfield, Priya Raman]',
     '2', 'Dashboard load times block the ops team every morning.',
     'notes', 'notes/northwind-qbr-v2.md', 2, '2026-11-14 02:00:00', 'q2b');
insert into raw.roadmap_items values
    ('RM-2', 'Dark mode', 'dark mode;theme;timing', 'Declined', '', '2026-09-01', '', '',
     'roadmap', 'roadmap/roadmap-1114.csv', 1, '2026-11-14 02:00:00', 'rm2b');
-- what the loop did in between: nps:r1's parked acknowledgment sent and the dark-mode theme
-- escalated; and a CSM's call note on r6's account, dated before the first night but
-- exported only now: r6 was contacted
update ops.outbox set status = 'sent', sent_at = '2026-11-07 09:00:00'
where message_key = 'ack:nps:r1';
insert into ops.escalations values
    ('other.feature_request.dark', 'Dark mode', '2026-11-08 00:00:00', 'escalations/dark.md', 1,
     9000, 'arr', '2026-11-08');
insert into raw.note_items values
    ('n2', '002B', 'csm', '2026-11-03', 'dana@loopkeeper-demo.io', '[Dana Whitfield]',
     '1', 'Called Sam about the reports.',
     'notes', 'notes/contoso-call.md', 1, '2026-11-14 02:00:00', 'c1');
"""

# Rows a person sets aside between the nights (`loopkeeper quarantine`): r4's only version (it
# leaves staging), the kept version of 50231 (an older one loaded tonight wins) and the kept
# version of bullet n1:1, which nothing loaded tonight names (its first version comes back).
SET_ASIDE = (
    ("nps_responses", "nps/export.csv", 4),
    ("zendesk_tickets", "tickets/tickets-000002.json", 1),
    ("note_items", "notes/northwind-qbr-v2.md", 1),
)


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: con.execute(f"select * from {table} order by all").fetchall()
            for table in COMPARED
        }
    finally:
        con.close()


def _load(path: Path, loads: str) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(loads)
    finally:
        con.close()


def _build_marking_rows(path: Path, as_of: str, dbt: DbtRun) -> set[str]:
    """Build at ``as_of`` with every item's fct_feedback row marked first; returns the items whose
    row kept the mark (an incremental build did not compute them again), marks taken off."""
    with duckdb.connect(str(path)) as con:
        before = con.execute(
            "select item_id, hours_to_ack from intermediate.int_feedback_unclocked"
        ).fetchall()
        con.execute("update intermediate.int_feedback_unclocked set hours_to_ack = -1")
    dbt(MODELS, path, as_of)
    with duckdb.connect(str(path)) as con:
        kept = {
            row[0]
            for row in con.execute(
                "select item_id from intermediate.int_feedback_unclocked where hours_to_ack = -1"
            ).fetchall()
        }
        for item_id, hours in before:
            if item_id in kept:
                con.execute(
                    "update intermediate.int_feedback_unclocked set hours_to_ack = ?"
                    " where item_id = ?",
                    [hours, item_id],
                )
    return kept


def test_incremental_run_equals_full_refresh(
    tmp_path: Path, dbt: DbtRun, raw_layer: RawLayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    incremental = tmp_path / "incremental" / "loopkeeper.duckdb"
    incremental.parent.mkdir()
    raw_layer(incremental)
    _load(incremental, FIRST_LOADS)
    dbt(MODELS, incremental, EARLIER)
    _load(incremental, NEXT_LOADS)
    con = duckdb.connect(str(incremental))
    try:
        for table, file, record in SET_ASIDE:
            assert set_aside(con, table, file, [record], "wrong export", datetime(2026, 11, 14, 3))
    finally:
        con.close()
    # as the flows ask for it when the last build allows (flows.warehouse.dbt.follows_last_build)
    monkeypatch.setenv("LOOPKEEPER_MARTS_PASS", "incremental")
    kept = _build_marking_rows(incremental, LATER, dbt)
    monkeypatch.delenv("LOOPKEEPER_MARTS_PASS")
    with duckdb.connect(str(incremental), read_only=True) as con:
        [(changed,)] = con.execute(
            "select count(*) from intermediate.int_item_grain_changes"
        ).fetchall()
    # computed again: the new, changed and re-tagged items, the ones a message, escalation or
    # note reached; kept: the rest, and nothing else was rebuilt
    assert kept == {"nps:r8"}
    with duckdb.connect(str(incremental), read_only=True) as con:
        [(contacted,)] = con.execute(
            "select detractor_contact_method from marts.fct_feedback_sla where item_id = 'nps:r6'"
        ).fetchall()
    assert contacted == "note"
    assert changed == 0  # emptied once the tables were updated

    rebuilt = tmp_path / "rebuilt" / "loopkeeper.duckdb"
    rebuilt.parent.mkdir()
    shutil.copy(incremental, rebuilt)
    dbt([*MODELS, "--full-refresh"], rebuilt, LATER)

    got, want = _rows(incremental), _rows(rebuilt)
    assert got == want
    tagged = {row[0] for row in got["intermediate.int_feedback_items_tagged"]}
    assert {"ticket:50300", "nps:r3", "widget:wfb_1"} <= tagged
    assert "nps:r2" not in tagged
    mentions = {
        (row[1], row[3], row[4]) for row in got["intermediate.int_feedback_roadmap_mentions"]
    }
    assert ("nps:r1", "RM-2", "timing") in mentions
    con = duckdb.connect(str(incremental), read_only=True)
    try:
        accounts = dict(
            con.execute(
                "select item_id, account_id from intermediate.int_feedback_items"
                " where item_id in ('widget:wfb_2', 'widget:wfb_1')"
            ).fetchall()
        )
    finally:
        con.close()
    assert accounts == {"widget:wfb_2": "999Z", "widget:wfb_1": "003C"}
    staged = {
        table: got[f"staging.{table}"] for table in ("stg_nps__responses", "stg_zendesk__tickets")
    }
    assert "r4" not in {row[0] for row in staged["stg_nps__responses"]}
    tickets = [(row[0], row[7]) for row in staged["stg_zendesk__tickets"]]
    assert tickets == [("50231", "pending"), ("50300", "open")]
    bullets = {row[0]: row[8] for row in got["staging.stg_notes__items"]}
    assert bullets["n1:1"] == "SSO setup took two weeks; they want SCIM provisioning."


def test_the_night_after_a_load_reads_only_the_rows_loaded_after_it(
    tmp_path: Path, dbt: DbtRun, raw_layer: RawLayer
) -> None:
    """A build reads every row of the loads before it, so the next night reads only later loads:
    the rows of the last build's latest load (a first night's million, a backfill's) are not
    staged again. Each staged row is marked after the first build; the next night's build
    leaves the marks of every key it did not compute again."""
    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    _load(path, FIRST_LOADS)
    dbt(MODELS, path, EARLIER)
    # a column of each row's content: the raw row it came from still names it
    staged = {"stg_nps__responses": "comment", "stg_notes__items": "attendees"}
    with duckdb.connect(str(path)) as con:
        for table, column in staged.items():
            con.execute(f"update staging.{table} set {column} = 'marked'")
        before = con.execute("select count(*) from staging.stg_nps__responses").fetchall()
        con.execute("update intermediate.int_feedback_items set contact_name = 'marked'")
        con.execute(
            "insert into raw.nps_responses (response_id, email, score, comment, responded_at,"
            " survey_id, _source, _file, _record, _loaded_at, _row_hash) values ('r10',"
            " 'kim@tailspin.dev', '9', 'Better', '2026-11-08T09:00:00Z', 'q4', 'nps',"
            " 'nps/export-3.csv', 1, '2026-11-14 02:00:00', 'n10')"
        )
    dbt(MODELS, path, LATER)
    with duckdb.connect(str(path), read_only=True) as con:
        computed = {
            table: con.execute(
                f"select * from staging.{table} where {column} is distinct from 'marked'"
            ).fetchall()
            for table, column in staged.items()
        }
        answers = con.execute("select count(*) from staging.stg_nps__responses").fetchall()
        items = con.execute(
            "select item_id from intermediate.int_feedback_items"
            " where contact_name is distinct from 'marked' order by item_id"
        ).fetchall()
    assert [row[0] for row in computed["stg_nps__responses"]] == ["r10"]
    assert computed["stg_notes__items"] == []
    assert answers == [(before[0][0] + 1,)]  # the earlier answers are all still there
    # the items of the first night's last load that nothing else reaches keep their rows
    assert ("nps:r10",) in items
    assert not {("nps:r8",), ("nps:r6",), ("note:n1:1",)} & set(items)


def test_incremental_run_for_an_earlier_night_drops_items_not_yet_visible(
    tmp_path: Path, dbt: DbtRun, raw_layer: RawLayer
) -> None:
    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    dbt(MODELS, path, LATER)
    dbt(MODELS, path, EARLIER)
    backfilled = _rows(path)

    dbt([*MODELS, "--full-refresh"], path, EARLIER)

    assert backfilled == _rows(path)
    assert "nps:r3" not in {row[0] for row in backfilled["intermediate.int_feedback_items_tagged"]}


# What the first night's own run did, after its as_of: a detractor's hand-off, and an
# escalation of the theme of r6, which no message answers. Its marts date them at that night's
# as_of; the next night's at their real time, since both are done by then.
OWN_RUN = """
insert into raw.nps_responses (
    response_id, email, score, comment, responded_at, survey_id,
    _source, _file, _record, _loaded_at, _row_hash
) values
    ('r7', 'sam.ortiz@contoso-health.io', '4', 'Reports are slow', '2026-11-05T09:00:00Z', 'q4',
     'nps', 'nps/export-1.csv', 1, '2026-11-05 12:00:00', 'n7'),
    ('r6', 'sam.ortiz@contoso-health.io', '8', 'Reports are slow', '2026-11-05T09:00:00Z', 'q4',
     'nps', 'nps/export-1.csv', 2, '2026-11-05 12:00:00', 'n6');
insert into raw.feedback_tags (item_id, model_version, intents, intent, sentiment, sentiment_score, severity, product_area, competitors, theme_key, theme_label, redacted_text, tagged_at) values
    ('nps:r6', 'tagger-2', 'performance', 'performance', 'negative', -0.5, 'medium', 'reports',
     '', 'reports.slow', 'Slow reports', 'Reports are slow', '2026-11-05 13:00:00');
insert into ops.outbox (
    message_key, kind, item_id, account_id, to_email, from_email, subject, body_text, body_html,
    status, created_at, sent_at, run_date
) values
    ('handoff:nps:r7', 'handoff', 'nps:r7', '002B', 'dana@loopkeeper-demo.io', 'cs@example.com',
     'Detractor', 'Detractor', '<p>Detractor</p>', 'sent', '2026-11-06 02:00:00',
     '2026-11-06 02:10:00', '2026-11-06');
insert into ops.escalations values
    ('reports.slow', 'Slow reports', '2026-11-06 02:20:00', 'escalations/reports.md', 1,
     9000, 'arr', '2026-11-06');
"""


def test_the_nights_own_actions_get_their_real_time_the_next_night_in_place(
    tmp_path: Path, dbt: DbtRun, raw_layer: RawLayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is loaded between the nights: only the clock moves, so an incremental build
    computes again just the items it crossed, and equals a full rebuild."""
    path = tmp_path / "incremental" / "loopkeeper.duckdb"
    path.parent.mkdir()
    raw_layer(path)
    _load(path, OWN_RUN)
    monkeypatch.setenv("LOOPKEEPER_NIGHT", "2026-11-06")
    dbt(MODELS, path, EARLIER)

    def contacted() -> list[tuple[Any, ...]]:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(
                "select detractor_contacted_at, theme_escalated_at from marts.fct_feedback"
                " where item_id in ('nps:r6', 'nps:r7') order by item_id"
            ).fetchall()

    assert contacted() == [(None, datetime(2026, 11, 6)), (datetime(2026, 11, 6), None)]
    monkeypatch.setenv("LOOPKEEPER_NIGHT", "2026-11-10")
    monkeypatch.setenv("LOOPKEEPER_MARTS_PASS", "incremental")
    kept = _build_marking_rows(path, LATER, dbt)
    assert contacted() == [
        (None, datetime(2026, 11, 6, 2, 20)),
        (datetime(2026, 11, 6, 2, 10), None),
    ]
    # computed again: the items the clock crossed (the hand-off's, the escalated theme's,
    # and those a later tagging or message reached); the rest kept as they were
    assert "nps:r2" in kept and not kept & {"nps:r6", "nps:r7"}

    monkeypatch.delenv("LOOPKEEPER_MARTS_PASS")
    rebuilt = tmp_path / "rebuilt" / "loopkeeper.duckdb"
    rebuilt.parent.mkdir()
    shutil.copy(path, rebuilt)
    dbt([*MODELS, "--full-refresh"], rebuilt, LATER)
    got, want = _rows(path), _rows(rebuilt)
    assert got == want


def test_tables_of_removed_models_are_dropped_from_an_older_warehouse(
    tmp_path: Path, dbt: DbtRun, raw_layer: RawLayer
) -> None:
    """dbt leaves a table behind when its model is removed; a stale copy would mislead whoever
    reads it. The models the item-grain tables replaced go at the next build."""
    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists intermediate")
        for name in ("int_notify_baseline", "int_notify_changed_items"):
            con.execute(f"create table intermediate.{name} as select 'stale' as item_id")
    dbt(MODELS, path, LATER)
    with duckdb.connect(str(path), read_only=True) as con:
        left = con.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'intermediate' and table_name like 'int_notify_%'"
        ).fetchall()
    assert left == []


def test_the_definition_reads_the_project_not_what_runs_leave_beside_it(tmp_path: Path) -> None:
    """A build under another definition is a full one (flows.warehouse.dbt.follows_last_build):
    an edited model or threshold changes it; dbt's target and logs, Python's bytecode and
    dotfiles left in the project folder do not, or every night would rebuild in full."""
    from flows.warehouse.dbt import DBT_PROJECT_DIR, definition

    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".*"))
    before = definition(project, {"theme_default_effort": 3})
    for left in ("target/manifest.json", "logs/dbt.log", "macros/__pycache__/x.pyc", ".user.yml"):
        (project / left).parent.mkdir(parents=True, exist_ok=True)
        (project / left).write_text("run-time")
    assert definition(project, {"theme_default_effort": 3}) == before
    assert definition(project, {"theme_default_effort": 4}) != before
    model = project / "models" / "marts" / "fct_feedback.sql"
    model.write_text(model.read_text() + "\n-- edited\n")
    assert definition(project, {"theme_default_effort": 3}) != before


def test_run_dbt_updates_in_place_only_where_the_last_build_allows(
    tmp_path: Path, raw_layer: RawLayer
) -> None:
    """Asking for an incremental build is not enough: after a build of a later night (a
    backfill going back) every item-grain row is computed again; going forward under the same
    definition, untouched rows are kept."""
    from flows.warehouse.dbt import run_dbt

    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    later, earlier = datetime(2026, 11, 10), datetime(2026, 11, 6)

    def build(as_of: datetime) -> set[str]:
        def run(args: Sequence[str], warehouse: Path, _: str) -> None:
            run_dbt(args, warehouse=warehouse, as_of=as_of, incremental=True)

        return _build_marking_rows(path, as_of.isoformat(), run)

    run_dbt(MODELS, warehouse=path, as_of=later)
    assert build(earlier) == set()  # the clock went back: a full build
    assert build(later) != set()  # forward again, nothing changed in between: rows kept
