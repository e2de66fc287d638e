"""The impact marts (models/impact) recover the demo's built-in loop effect, and find none when
the demo has none.

The loop itself tells too few customers of a test-sized company (a handful a night) for an
interval to be narrow enough to fail; so the demo's outcome draws (flows/demo/outcomes.py) are
run over a company of the demo's accounts (300 of them, ~450 cases) whose feedback, telling and
acknowledgment are laid out here as the marts upstream would show them, and the CRM's renewals
come in through raw exports and stg_crm__renewals as a real export's would.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from flows.demo.outcomes import (
    DEMO_EFFECT,
    NO_EFFECT,
    Customer,
    LoopEffect,
    next_answers,
    renewal_outcomes,
)
from flows.demo.people import make_accounts
from flows.warehouse.schema import apply_schema

END = date(2025, 11, 18)
TOLD_AT = datetime(2025, 11, 20, 2)
WAVE = datetime(2026, 1, 20, 9)
FIRST_LOAD = datetime(2025, 11, 20, 1)
RENEWALS_LOAD = datetime(2026, 11, 21, 1)
AS_OF = "2026-11-25T00:00:00Z"
DbtRun = Callable[[Sequence[str], Path, str], None]
MODELS = ("stg_crm__renewals", "fct_loop_impact_cases", "fct_loop_impact")


@dataclass
class Company:
    feedback: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    crm: list[dict[str, Any]] = field(default_factory=list)


def _item(item_id: str, source: str, email: str, account: Any, **values: Any) -> dict[str, Any]:
    return {
        "item_id": item_id, "source": source, "contact_email": email,
        "account_id": account.account_id, "tier": account.tier, "intent": None,
        "received_at": None, "acknowledged_at": None, "hours_to_ack": None,
        "nps_score": None, "nps_category": None, **values,
    }  # fmt: skip


def _crm_row(account: Any, arr: int, loaded_at: datetime, **renewal: Any) -> dict[str, Any]:
    return {
        "account_id": account.account_id, "account_name": account.name,
        "website": account.domain, "tier": account.tier, "arr": str(arr),
        "renewal_date": account.renewal.isoformat(), "csm_name": account.csm.name,
        "csm_email": account.csm.email, "contact_name": account.primary.name,
        "contact_email": account.primary.email, "_source": "accounts",
        "_file": f"accounts/crm-{loaded_at:%Y%m%d}.csv", "_record": 1,
        "_loaded_at": loaded_at, "_row_hash": f"{account.account_id}:{loaded_at:%Y%m%d}",
        "renewal_outcome": None, "renewal_outcome_date": None, "arr_after_renewal": None,
        **renewal,
    }  # fmt: skip


def build_company(effect: LoopEffect, seed: int = 5) -> Company:
    """One or two customers of each account give feedback in October or November; the loop
    tells about two in five, acknowledges half within a day; then the demo's outcome draws."""
    rng = random.Random(f"{seed}:company")
    accounts = make_accounts(random.Random(f"{seed}:accounts"), 300, END)
    company, customers, told_accounts = Company(), [], {}
    for number, account in enumerate(accounts):
        month = 10 + number % 2
        told_accounts[account.account_id] = False
        for person in account.contacts[: 1 + rng.randrange(2)]:
            received = datetime(2025, month, 1 + rng.randrange(18), 8 + rng.randrange(9))
            told, was_detractor = rng.random() < 0.4, rng.random() < 0.35
            hours = rng.choice((2.0, 6.0, 20.0, 30.0, 50.0, 90.0))
            item = f"widget:{person.uid}"
            company.feedback.append(
                _item(item, "widget", person.email, account,
                      intent=rng.choice(("feature_request", "question")), received_at=received,
                      acknowledged_at=received + timedelta(hours=hours), hours_to_ack=hours)
            )  # fmt: skip
            score = rng.randrange(7) if was_detractor else 7 + rng.randrange(4)
            company.feedback.append(
                _item(f"nps:{person.uid}:before", "nps", person.email, account,
                      received_at=received - timedelta(days=3), nps_score=score,
                      nps_category=_category(score))
            )  # fmt: skip
            if told:
                company.stages.append(
                    {"item_id": item, "stage": "closed_loop", "entered_at": TOLD_AT}
                )
                told_accounts[account.account_id] = True
            customers.append(Customer(person.email, account.account_id, was_detractor, told))
    by_email = {p.email: (p, a) for a in accounts for p in a.contacts}
    for answer in next_answers(random.Random(f"{seed}:answers"), customers, effect):
        person, account = by_email[answer.email]
        company.feedback.append(
            _item(f"nps:{person.uid}:next", "nps", person.email, account,
                  received_at=WAVE + timedelta(days=answer.delay_days), nps_score=answer.score,
                  nps_category=_category(answer.score))
        )  # fmt: skip
    by_id = {a.account_id: a for a in accounts}
    owned = [(a.account_id, a.arr, told_accounts[a.account_id]) for a in accounts]
    for renewal in renewal_outcomes(random.Random(f"{seed}:renewals"), owned, effect):
        account = by_id[renewal.account_id]
        company.crm.append(_crm_row(account, renewal.arr_before, FIRST_LOAD))
        company.crm.append(
            _crm_row(account, renewal.arr_after, RENEWALS_LOAD,
                     renewal_outcome=renewal.outcome.title(),
                     renewal_outcome_date=account.renewal.isoformat(),
                     arr_after_renewal=str(renewal.arr_after))
        )  # fmt: skip
    return company


def _category(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def write_company(path: Path, company: Company) -> None:
    """The raw layer, and the marts the impact models read, as the company's tables."""
    con = duckdb.connect(str(path))
    try:
        apply_schema(con)
        con.execute("create schema marts")
        for name, rows in (
            ("fct_feedback", company.feedback),
            ("fct_feedback_stages", company.stages),
        ):
            con.register("frame", pd.DataFrame(rows))
            con.execute(f"create table marts.{name} as select * from frame")
            con.unregister("frame")
        con.register("crm", pd.DataFrame(company.crm))
        con.execute("insert into raw.crm_accounts by name select * from crm")
    finally:
        con.close()


def impact(tmp_path: Path, dbt: DbtRun, effect: LoopEffect) -> dict[str, dict[str, Any]]:
    path = tmp_path / "lk.duckdb"
    write_company(path, build_company(effect))
    dbt(["build", "--select", *MODELS], path, AS_OF)
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute(
            "select * from impact.fct_loop_impact where comparison = 'closed_loop'"
        ).df()
    return {row["measure"]: row for row in frame.to_dict("records")}


BUILT_IN = {
    "next_survey_response": DEMO_EFFECT.next_response.difference,
    "detractor_recovery": DEMO_EFFECT.recovery.difference,
    "renewal": DEMO_EFFECT.renewal.difference,
    "arr_retained": DEMO_EFFECT.arr_retained(True) - DEMO_EFFECT.arr_retained(False),
}


def test_the_marts_recover_the_demos_built_in_effect_within_their_interval(
    tmp_path: Path, dbt: DbtRun
) -> None:
    found = impact(tmp_path, dbt, DEMO_EFFECT)

    for measure, effect in BUILT_IN.items():
        row = found[measure]
        assert row["difference_ci_low"] <= effect <= row["difference_ci_high"], (measure, row)
        # and the effect is told apart from none: the interval is above zero
        assert row["finding"] == "higher", (measure, row)
        assert row["treated_cases"] >= 20 and row["control_cases"] >= 20, (measure, row)
        for group in ("treated", "control"):
            low, value, high = (row[f"{group}_{part}"] for part in ("ci_low", "value", "ci_high"))
            assert low < value < high, (measure, group, row)


def test_a_demo_without_an_effect_shows_none(tmp_path: Path, dbt: DbtRun) -> None:
    found = impact(tmp_path, dbt, NO_EFFECT)

    for measure in BUILT_IN:
        row = found[measure]
        assert row["difference_ci_low"] <= 0 <= row["difference_ci_high"], (measure, row)
        assert row["finding"] == "no clear difference", (measure, row)
