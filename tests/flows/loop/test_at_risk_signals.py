"""One definition of "at risk": an account dbt flags for a signal gets the alert for that reason,
quoting what raised it, and the weekly report's "CSM told?" agrees with the alerts sent."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from flows.loop.at_risk import queue_at_risk_alerts
from flows.loop.policy import LoopPolicy
from flows.loop.run import close_the_loop
from flows.reports.weekly_accounts import at_risk_accounts
from flows.warehouse.connection import open_warehouse
from flows.warehouse.dbt import run_dbt
from flows.warehouse.schema import apply_schema
from notifications import FileSender, Outbox, SenderIdentity, message_key

RISK_LAYER = Path(__file__).parent / "fixtures" / "risk_layer.sql"
NIGHT = date(2026, 11, 16)
AS_OF = datetime(2026, 11, 16, tzinfo=UTC).replace(tzinfo=None)
IDENTITY = SenderIdentity(
    team_name="Customer Success",
    from_email="success@loopkeeper-demo.io",
    reply_to="success@loopkeeper-demo.io",
    product_name="Loopkeeper Demo",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("risk")
    path = root / "wh" / "loopkeeper.duckdb"
    with open_warehouse(path) as con:
        apply_schema(con)
        con.execute(RISK_LAYER.read_text(encoding="utf-8"))
    run_dbt(
        ["build", "--resource-type", "seed", "--resource-type", "model"],
        warehouse=path,
        as_of=AS_OF,
    )
    with open_warehouse(path) as con:
        close_the_loop(
            con,
            as_of=AS_OF,
            run_date=NIGHT,
            policy=LoopPolicy(escalation_dir=root / "escalations"),
            identity=IDENTITY,
            sender=FileSender(root / "mail"),
        )
    return path


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("account_id", "reason", "headline", "quoted"),
    [
        pytest.param(
            "B1",
            "several_escalations_30d",
            "has had 2 escalated items in the last 30 days",
            "The whole app is down for our team.",
            id="two critical tickets in 30 days",
        ),
        pytest.param(
            "B2",
            "churn_or_competitor_mention",
            "mentioned leaving or a competitor (Gainsight) in the last 90 days",
            "Gainsight does health scores better.",
            id="competitor mention 57 days ago",
        ),
        pytest.param(
            "B3",
            "csat_falling",
            "has falling CSAT (100% to 0% satisfied)",
            "Cannot log in since Monday.",
            id="csat good then bad",
        ),
        pytest.param(
            "B4",
            "detractor",
            "gave a detractor NPS score (2 out of 10)",
            "Setup was painful and support was slow.",
            id="detractor two months ago",
        ),
    ],
)
def test_an_account_flagged_for_a_signal_gets_the_alert_with_that_reason(
    warehouse: Path, account_id: str, reason: str, headline: str, quoted: str
) -> None:
    [(flagged,)] = query(
        warehouse,
        f"select at_risk_reasons from marts.dim_accounts where account_id = '{account_id}'",
    )
    alerts = query(
        warehouse,
        "select subject, body_text, status from ops.outbox"
        f" where kind = 'at_risk_alert' and account_id = '{account_id}'",
    )

    assert flagged == [reason]
    assert len(alerts) == 1
    subject, body, status = alerts[0]
    assert subject.endswith(headline) and status == "sent"
    assert quoted in " ".join(str(body).split())
    assert query(
        warehouse, f"select signal from ops.risk_signals where account_id = '{account_id}'"
    ) == [(reason,)]


def test_an_account_with_two_signals_gets_one_alert_naming_both(warehouse: Path) -> None:
    [(subject, body)] = query(
        warehouse,
        "select subject, body_text from ops.outbox"
        " where kind = 'at_risk_alert' and account_id = 'B6'",
    )
    text = " ".join(str(body).split())

    assert subject == (
        "At risk: Graphic Design Institute mentioned leaving or a competitor (Totpoint)"
        " in the last 90 days (and 1 more signal)"
    )
    assert "crossed 2 risk signals" in text
    assert "- gave a detractor NPS score (3 out of 10)." in text
    # the comment behind both signals is quoted once
    assert text.count("Totpoint quoted us less for more.") == 1
    assert query(
        warehouse,
        "select signal, alerted_by is not null from ops.risk_signals"
        " where account_id = 'B6' order by signal",
    ) == [("churn_or_competitor_mention", True), ("detractor", True)]


def test_crossings_told_by_alerts_per_signal_before_are_not_told_again(
    warehouse: Path, tmp_path: Path
) -> None:
    # A warehouse from before alerts were combined: its crossings have no alerted_by, and the
    # alerts that told them, one per signal, are in the outbox; B6's CSM had heard only of
    # the detractor.
    copy = tmp_path / "loopkeeper.duckdb"
    shutil.copy(warehouse, copy)
    with open_warehouse(copy) as con:
        [(crossed_on,)] = con.execute(
            "select crossed_on from ops.risk_signals"
            " where account_id = 'B6' and signal = 'detractor'"
        ).fetchall()
        per_signal = message_key(
            "at_risk_alert", "ari@loopkeeper-demo.io", "B6", f"detractor:{crossed_on}"
        )
        con.execute("update ops.risk_signals set alerted_by = null")
        con.execute(
            "insert into ops.outbox select * replace (? as message_key) from ops.outbox"
            " where account_id = 'B6'",
            [per_signal],
        )
        con.execute(
            "delete from ops.outbox where account_id = 'B6' and message_key <> ?", [per_signal]
        )
        count = queue_at_risk_alerts(Outbox(con), run_date=NIGHT, identity=IDENTITY)
        subjects = con.execute(
            "select subject from ops.outbox where account_id = 'B6' and message_key <> ?",
            [per_signal],
        ).fetchall()

    # B1-B4 are not told again; B6's CSM hears of the competitor mention alone
    assert count.queued == 1
    assert subjects == [
        (
            "At risk: Graphic Design Institute mentioned leaving or a competitor (Totpoint)"
            " in the last 90 days",
        )
    ]


def test_an_account_not_at_risk_gets_no_alert(warehouse: Path) -> None:
    assert query(
        warehouse,
        "select is_at_risk, at_risk_reasons from marts.dim_accounts where account_id = 'B5'",
    ) == [(False, [])]
    assert query(warehouse, "select count(*) from ops.outbox where account_id = 'B5'") == [(0,)]


def test_the_weekly_report_says_told_for_exactly_the_accounts_alerted(warehouse: Path) -> None:
    alerted = {
        str(account)
        for (account,) in query(
            warehouse,
            "select distinct account_id from ops.outbox"
            " where kind = 'at_risk_alert' and status = 'sent'",
        )
    }
    names = dict(query(warehouse, "select account_name, account_id from marts.dim_accounts"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        listed, total, told = at_risk_accounts(con)

    assert alerted == {"B1", "B2", "B3", "B4", "B6"}
    assert {str(names[a.account_name]) for a in listed if a.csm_told} == alerted
    assert (total, told) == (5, 5)
