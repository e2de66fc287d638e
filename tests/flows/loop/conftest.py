"""One small company's warehouse, built by dbt for two nights, and the loop run over it.

The loop runs on the night of 2026-11-16 twice, then on 2026-11-17 after the marts are rebuilt
for it; every test reads what those three runs left (``Nights``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.loop.outcome import LoopOutcome
from flows.loop.policy import LoopPolicy
from flows.loop.run import close_the_loop
from flows.warehouse.connection import open_warehouse
from flows.warehouse.dbt import run_dbt
from flows.warehouse.schema import apply_schema
from notifications import (
    EscalationThresholds,
    FileSender,
    SenderIdentity,
    Suppression,
    add_suppressions,
)

RAW_LAYER = Path(__file__).parent / "fixtures" / "raw_layer.sql"
FIRST, SECOND = date(2026, 11, 16), date(2026, 11, 17)
SUPPRESSED = "ops@fabrikam.com"
# Seeds and models only: the marts' data and unit tests are tests/dbt's, and take most of a build.
MODELS = ["build", "--resource-type", "seed", "--resource-type", "model"]
IDENTITY = SenderIdentity(
    team_name="Customer Success",
    from_email="success@loopkeeper-demo.io",
    reply_to="success@loopkeeper-demo.io",
    product_name="Loopkeeper Demo",
)


@dataclass
class Nights:
    warehouse: Path
    mail_dir: Path
    escalation_dir: Path
    first: LoopOutcome
    again: LoopOutcome
    second: LoopOutcome
    outbox_after_first: list[dict[str, Any]]
    outbox_after_again: list[dict[str, Any]]
    # A copy of the warehouse as dbt built it for the first night, before the loop ran on it:
    # tests that run the loop with other settings start from it, without another dbt build.
    built_first: Path = Path()

    def query(self, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def exports_policy(escalation_dir: Path, **settings: Any) -> LoopPolicy:
    """The nights' policy: four accounts and nothing else escalate, so only the exports theme
    crosses."""
    return LoopPolicy(
        escalation_dir=escalation_dir,
        escalation=EscalationThresholds(
            min_accounts=4, min_arr=None, min_retention_risk_accounts=None
        ),
        **settings,
    )


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).replace(tzinfo=None)


def outbox_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(
        "select message_key, kind, item_id, account_id, theme_key, to_email, status"
        " from ops.outbox order by message_key"
    )
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="session")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    root = tmp_path_factory.mktemp("loop")
    warehouse, mail_dir = root / "wh" / "loopkeeper.duckdb", root / "mail"
    policy = exports_policy(root / "escalations")

    def run(day: date) -> tuple[LoopOutcome, list[dict[str, Any]]]:
        with open_warehouse(warehouse) as con:
            outcome = close_the_loop(
                con,
                as_of=midnight(day),
                run_date=day,
                policy=policy,
                identity=IDENTITY,
                sender=FileSender(mail_dir),
            )
            return outcome, outbox_rows(con)

    with open_warehouse(warehouse) as con:
        apply_schema(con)
        con.execute(RAW_LAYER.read_text(encoding="utf-8"))
        add_suppressions(
            con, [Suppression(SUPPRESSED, "unsubscribed")], added_at=midnight(date(2026, 11, 1))
        )
    run_dbt(MODELS, warehouse=warehouse, as_of=midnight(FIRST))
    built_first = root / "built-first.duckdb"
    with open_warehouse(warehouse) as con:
        con.execute("checkpoint")  # everything in the file itself, none in its WAL
    shutil.copyfile(warehouse, built_first)
    first, after_first = run(FIRST)
    again, after_again = run(FIRST)
    run_dbt(MODELS, warehouse=warehouse, as_of=midnight(SECOND))
    second, _ = run(SECOND)
    return Nights(
        warehouse,
        mail_dir,
        policy.escalation_dir,
        first,
        again,
        second,
        after_first,
        after_again,
        built_first,
    )
