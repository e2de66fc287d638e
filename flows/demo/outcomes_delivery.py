"""The demo's outcome delivery: what a demo company's customers did after a night of the loop.

After a nightly on a demo inbox, ``write_outcomes`` reads who gave feedback and whom the loop
told (the closed-loop and declined notes it sent, from ``ops.outbox``), and writes two exports
into the inbox: the next NPS survey wave (opened 60 days after the night) and a CRM export as of
``at`` with every renewal due by then (``Last Renewal Outcome``, ``Last Renewal Date``, ``ARR
After Renewal``). Answers and renewals follow ``flows.demo.outcomes``: told customers answer and
renew more under ``DEMO_EFFECT``, alike under ``NO_EFFECT``. A nightly on ``at``'s next day loads
them and the impact marts compare. Deterministic: the same warehouse, seed and effect write the
same files; the draws come from streams of their own, so no other demo file changes.
"""

from __future__ import annotations

import csv
import os
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from flows.demo.generator import ACCOUNT_HEADER
from flows.demo.nps import HEADER as NPS_HEADER
from flows.demo.outcomes import DEMO_EFFECT, Customer, LoopEffect, next_answers, renewal_outcomes

WAVE_AFTER_DAYS = 60
RENEWAL_HEADER = ("Last Renewal Outcome", "Last Renewal Date", "ARR After Renewal")

# Who gave feedback the loop can answer, and whether their last NPS answer was a detractor's.
CUSTOMERS_SQL = """
select
    contact_email,
    any_value(account_id order by received_at desc) as account_id,
    coalesce(
        arg_max(nps_category, received_at) filter (where nps_category is not null) = 'detractor',
        false
    ) as was_detractor
from marts.fct_feedback
where source in ('nps', 'ticket', 'widget') and contact_email is not null
    and account_id is not null
group by contact_email
"""
TOLD_SQL = """
select distinct lower(trim(to_email)) from ops.outbox
where kind in ('closed_loop', 'declined_note') and status = 'sent'
"""
ACCOUNTS_SQL = """
select account_id, account_name, website, tier, arr, renewal_date, csm_name, csm_email,
    contact_name, contact_email
from staging.stg_crm__accounts order by account_id
"""
LAST_NIGHT_SQL = "select max(run_date) from ops.outbox"


@dataclass(frozen=True)
class OutcomesWritten:
    customers: int
    told: int
    answers: int
    renewals: int
    files: tuple[Path, ...]

    def lines(self) -> list[str]:
        return [
            f"outcomes: {self.customers:,} customers who gave feedback, {self.told:,} told by the loop",
            f"  next NPS wave: {self.answers:,} answers; renewals reported: {self.renewals:,}",
            f"  written: {', '.join(p.name for p in self.files)}",
        ]


def write_outcomes(
    inbox: Path, warehouse: Path, *, at: date, effect: LoopEffect = DEMO_EFFECT, seed: int = 7
) -> OutcomesWritten:
    """Write the next NPS wave and the CRM's renewals as of ``at`` into ``inbox``."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        told = {row[0] for row in con.execute(TOLD_SQL).fetchall()}
        customers = [
            Customer(email, account_id, bool(detractor), email in told)
            for email, account_id, detractor in con.execute(CUSTOMERS_SQL).fetchall()
        ]
        accounts = con.execute(ACCOUNTS_SQL).fetchall()
        night = con.execute(LAST_NIGHT_SQL).fetchone()
    if not customers or not night or night[0] is None:
        raise ValueError(f"{warehouse}: no night with feedback and messages to follow up")
    wave = night[0] + timedelta(days=WAVE_AFTER_DAYS)
    if wave > at:
        raise ValueError(f"the next survey wave opens {wave}, after {at}: pick a later date")

    answers = next_answers(random.Random(f"{seed}:outcome-answers"), customers, effect)
    nps_file = inbox / "nps" / f"nps-next-wave-{wave:%Y%m%d}.csv"
    nps_file.parent.mkdir(parents=True, exist_ok=True)
    with nps_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(NPS_HEADER)
        for number, answer in enumerate(answers, start=1):
            answered = wave + timedelta(days=answer.delay_days)
            stamp = f"{answered.isoformat()}T{9 + number % 9:02d}:{number % 60:02d}:00Z"
            writer.writerow(
                (f"w_{wave:%Y%m%d}_{number:05d}", answer.email, answer.score, "", stamp,
                 f"nps-{wave:%Y-%m}")
            )  # fmt: skip

    told_accounts = {c.account_id for c in customers if c.told}
    owned = [(row[0], int(row[4] or 0), row[0] in told_accounts) for row in accounts]
    drawn = renewal_outcomes(random.Random(f"{seed}:outcome-renewals"), owned, effect)
    by_id = {renewal.account_id: renewal for renewal in drawn}
    crm_file = inbox / "accounts" / f"accounts-{at:%Y%m%d}.csv"
    reported = 0
    with crm_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow((*ACCOUNT_HEADER, *RENEWAL_HEADER))
        for account_id, name, website, tier, arr, renewal, *people in accounts:
            outcome = by_id[account_id]
            if renewal is None or renewal > at:
                writer.writerow(
                    (account_id, name, website, tier, int(arr), renewal, *people, "", "", "")
                )
                continue
            reported += 1
            # a churned account's contract ends there: no next renewal to move the date to
            following = renewal if outcome.outcome == "churned" else renewal + timedelta(days=365)
            writer.writerow(
                (account_id, name, website, tier, outcome.arr_after, following, *people,
                 outcome.outcome.title(), renewal.isoformat(), outcome.arr_after)
            )  # fmt: skip
    # Whole when written: dated an hour back, so the next nightly does not wait for them.
    delivered = time.time() - 3600
    for path in (nps_file, crm_file):
        os.utime(path, (delivered, delivered))
    return OutcomesWritten(
        len(customers), len(told & {c.email for c in customers}), len(answers), reported,
        (nps_file, crm_file),
    )  # fmt: skip
