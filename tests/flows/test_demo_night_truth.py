"""The night `make demo` runs, read against the demo's record of who asked for what: every "we
heard you" should reach someone whose own words asked for what shipped (flows/demo/closed_loop_truth.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from flows.demo import generate_inbox
from flows.demo.closed_loop_truth import measure
from flows.nightly import nightly

# The Makefile's DEMO_END and DEMO_NIGHT.
DEMO_END = date(2026, 11, 21)
DEMO_NIGHT = date(2026, 11, 22)


def test_the_demo_nights_closed_loop_emails_reach_those_who_asked(
    tmp_path: Path, prefect_harness: None
) -> None:
    generate_inbox(tmp_path / "inbox", end=DEMO_END)  # `make demo`: the generator's defaults
    warehouse = tmp_path / "wh" / "lk.duckdb"
    nightly(
        run_date=DEMO_NIGHT,
        inbox=tmp_path / "inbox",
        warehouse=warehouse,
        mail_dir=tmp_path / "mail",
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        truth = measure(con)
    report = "\n".join(truth.lines())
    # Foreign-language asks are not in the demo's record: told correctly, they count as wrong.
    assert truth.precision >= 0.95, report
    assert truth.recall >= 0.8, report
    assert len(truth.told) >= 30, report  # the night tells enough people to measure
