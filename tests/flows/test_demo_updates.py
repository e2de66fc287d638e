"""The demo's later delivery (issue 16): an NPS export adding comments to earlier responses and
a Zendesk page updating earlier tickets, run as the next night on the nightly test's warehouse.

The comments and the new ticket text reach `fct_feedback` and are tagged again; the ticket that
turned into a churn threat is handed to its CSM; each customer is still acknowledged once.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.demo.updates import COMMENTS, ESCALATION, write_updates
from flows.nightly import nightly

LATER = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
NEXT_NIGHT = date(2026, 11, 17)


@pytest.fixture(scope="module")
def later(
    night: tuple[Any, ...], tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("later") / "copy"
    shutil.copytree(night[1]["inbox"].parent, root, symlinks=True)
    paths = {
        "inbox": root / "inbox",
        "warehouse": root / "wh" / "lk.duckdb",
        "mail_dir": root / "mail",
    }
    before = query(paths["warehouse"], "select kind, item_id from ops.outbox")
    updates = write_updates(paths["inbox"], at=LATER)
    summary = nightly(run_date=NEXT_NIGHT, **paths)
    return {"paths": paths, "updates": updates, "summary": summary, "before": before}


def query(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_later_exports_are_new_versions_not_duplicates(later: dict[str, Any]) -> None:
    loads = {load.source: load for load in later["summary"].loads}
    responses, tickets = len(later["updates"].responses), len(later["updates"].tickets)
    assert responses >= 1 and tickets >= 1, "the small demo still has something to update"
    assert (loads["nps"].rows_loaded, loads["nps"].rows_versions) == (responses, responses)
    assert (loads["tickets"].rows_loaded, loads["tickets"].rows_versions) == (tickets, tickets)
    lines = "\n".join(later["summary"].lines())
    assert f"{responses} of them updated versions of items with an earlier row" in lines


def test_added_comments_reach_fct_feedback_and_are_tagged(later: dict[str, Any]) -> None:
    ids = [f"nps:{r}" for r in later["updates"].responses]
    rows = query(
        later["paths"]["warehouse"],
        "select item_id, feedback.feedback_text, tag.redacted_text"
        " from marts.fct_feedback as feedback"
        " join raw.feedback_tags as tag using (item_id, model_version)"
        " where list_contains(?, item_id) order by item_id",
        [ids],
    )
    assert len(rows) == len(ids)
    assert {text for _, text, _ in rows} <= set(COMMENTS)
    # Tagged on the comment, not on the empty text the response had before.
    assert all(redacted for _, _, redacted in rows)


def test_an_updated_ticket_turning_into_a_churn_threat_is_tagged_again_and_handed_off(
    later: dict[str, Any],
) -> None:
    warehouse = later["paths"]["warehouse"]
    ids = [f"ticket:{t}" for t in later["updates"].tickets]
    rows = query(
        warehouse,
        "select item_id, feedback_text, competitors, has_churn_or_competitor_mention, account_id"
        " from marts.fct_feedback where list_contains(?, item_id) order by item_id",
        [ids],
    )
    assert len(rows) == len(ids)
    for _, text, competitors, mention, _ in rows:
        assert ESCALATION in text
        assert "Gainsight" in competitors and mention
    # The account is at risk for a churn or competitor mention (dim_accounts' one definition)
    # and its CSM has the alert for that crossing: sent the night it began (an earlier churn
    # mention may have opened it already; a crossing alerts once).
    accounts = sorted({account for *_, account in rows if account})
    flagged = query(
        warehouse,
        "select account_id from marts.dim_accounts where list_contains(?, account_id)"
        " and list_contains(at_risk_reasons, 'churn_or_competitor_mention') order by 1",
        [accounts],
    )
    alerts = query(
        warehouse,
        "select distinct o.account_id from ops.outbox as o join ops.risk_signals as r"
        " on o.account_id = r.account_id and o.run_date = r.crossed_on"
        " where o.kind = 'at_risk_alert' and r.signal = 'churn_or_competitor_mention'"
        " and r.cleared_on is null and o.run_date <= ? and list_contains(?, o.account_id)",
        [NEXT_NIGHT, accounts],
    )
    assert accounts and [a for (a,) in flagged] == accounts
    assert sorted(a for (a,) in alerts) == accounts
    handoffs = query(
        warehouse,
        "select item_id from ops.outbox where kind = 'handoff' and list_contains(?, item_id)",
        [ids],
    )
    assert sorted(i for (i,) in handoffs) == sorted(ids)
    assert not [i for kind, i in later["before"] if kind == "handoff" and i in ids]


def test_each_customer_is_still_acknowledged_once(later: dict[str, Any]) -> None:
    twice = query(
        later["paths"]["warehouse"],
        "select item_id, count(*) from ops.outbox where kind = 'acknowledgment'"
        " group by 1 having count(*) > 1",
    )
    assert twice == []
    updated = {f"nps:{r}" for r in later["updates"].responses}
    updated |= {f"ticket:{t}" for t in later["updates"].tickets}
    acks_before = {i for kind, i in later["before"] if kind == "acknowledgment"}
    acks_after = {
        i
        for (i,) in query(
            later["paths"]["warehouse"],
            "select item_id from ops.outbox where kind = 'acknowledgment'",
        )
    }
    assert (acks_after - acks_before) & updated == set()


def test_demo_data_later_adds_the_next_days_delivery_to_a_demo_inbox(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.commands.cli import app

    runner = CliRunner()
    inbox = str(tmp_path / "inbox")
    base = ["demo-data", "--out", inbox, "--accounts", "8", "--days", "5", "--end", "2026-11-15"]
    assert runner.invoke(app, base).exit_code == 0
    result = runner.invoke(app, [*base[:3], "--end", "2026-11-15", "--later"])
    assert result.exit_code == 0, result.output
    assert "later delivery: comments added to" in result.output
    assert (tmp_path / "inbox" / "nps" / "nps-comments-20261116.csv").exists()
    assert (tmp_path / "inbox" / "tickets" / "tickets-updates-20261116.json").exists()
    missing = runner.invoke(app, ["demo-data", "--out", str(tmp_path / "none"), "--later"])
    assert missing.exit_code == 1 and "no demo inbox here" in missing.output


def test_the_later_nights_incremental_models_equal_a_rebuild_from_scratch(
    later: dict[str, Any], tmp_path: Path
) -> None:
    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings
    from flows.warehouse.dbt import run_dbt

    """The later night's builds (its first marts build and the one after notify) updated the
    incremental models in place, the item-grain tables included: the same rows as rebuilding
    them from scratch on the night's data."""
    models = (
        "intermediate.int_feedback_items",
        "intermediate.int_feedback_items_tagged",
        "intermediate.int_feedback_stage_events",
        "intermediate.int_feedback_stages_unclocked",
        "intermediate.int_feedback_sla_unclocked",
        "intermediate.int_feedback_unclocked",
        "marts.fct_feedback",
        "marts.fct_feedback_stages",
        "marts.fct_feedback_sla",
    )
    nightly_built = later["paths"]["warehouse"]
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(nightly_built, rebuilt)
    settings = load_settings()
    as_of = as_of_for(NEXT_NIGHT, settings.timezone)
    selected = "int_feedback_items int_feedback_items_tagged int_item_grain_baseline+"
    run_dbt(
        ["run", "--full-refresh", "--select", selected],
        warehouse=rebuilt,
        as_of=as_of,
        night=NEXT_NIGHT,
        thresholds=settings.dbt_vars(),
    )
    for model in models:
        got = query(nightly_built, f"select * from {model} order by all")
        want = query(rebuilt, f"select * from {model} order by all")
        assert len(got) > 0 and got == want, model


def test_demo_data_later_ignores_bad_files_someone_dropped_in_the_demo_inbox(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from flows.commands.cli import app

    runner = CliRunner()
    inbox, clean = tmp_path / "inbox", tmp_path / "clean"
    base = [
        "demo-data",
        "--out",
        str(inbox),
        "--accounts",
        "8",
        "--days",
        "5",
        "--end",
        "2026-11-15",
    ]
    assert runner.invoke(app, base).exit_code == 0
    shutil.copytree(inbox, clean)
    (inbox / "nps" / "stray.csv").write_bytes(b"Response ID,Score\nr1,bad \xff byte\n")
    (inbox / "nps" / "nps-typo.csv").write_bytes(b"Response ID,Score\nr2,\xff\xfe\n")
    (inbox / "tickets" / "tickets-0-broken.json").write_text('{"tickets": [')
    later = ["--end", "2026-11-15", "--later"]
    result = runner.invoke(app, ["demo-data", "--out", str(inbox), *later])
    assert result.exit_code == 0, result.output
    expected = runner.invoke(app, ["demo-data", "--out", str(clean), *later]).output
    assert result.output == expected  # the same delivery as without the bad files
