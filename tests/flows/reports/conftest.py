"""One small demo company, two nights (the second sees the first's acknowledgments), shared by
the report tests: the nightly is the slow part, so it runs once per session (a shared build,
tests/conftest.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from flows.demo import generate_inbox
from flows.nightly import nightly

FIRST_NIGHT = date(2026, 11, 16)
SECOND_NIGHT = date(2026, 11, 17)


def build_report_warehouse(root: Path) -> Path:
    generate_inbox(root / "inbox", accounts=25, days=50, end=date(2026, 11, 15), seed=11)
    paths = {
        "inbox": root / "inbox",
        "warehouse": root / "wh" / "lk.duckdb",
        "mail_dir": root / "mail",
    }
    nightly(run_date=FIRST_NIGHT, **paths)
    nightly(run_date=SECOND_NIGHT, **paths)
    return paths["warehouse"]


@pytest.fixture(scope="session")
def report_warehouse(shared: Any, request: pytest.FixtureRequest) -> Path:
    return shared.get("report_warehouse", build_report_warehouse, request)


# A company a year on: its first night in November 2025, then the next NPS wave and the
# renewals (flows/demo/outcomes_delivery.py) and the night a year later that loads them.
IMPACT_END = date(2025, 11, 15)
IMPACT_NIGHT = date(2026, 11, 16)


def build_impact_warehouse(root: Path) -> Path:
    from flows.demo.outcomes_delivery import write_outcomes

    generate_inbox(root / "inbox", accounts=40, days=30, end=IMPACT_END, seed=7)
    paths = {
        "inbox": root / "inbox",
        "warehouse": root / "wh" / "lk.duckdb",
        "mail_dir": root / "mail",
    }
    nightly(run_date=IMPACT_END + timedelta(days=1), **paths)
    write_outcomes(root / "inbox", paths["warehouse"], at=IMPACT_NIGHT - timedelta(days=1))
    nightly(run_date=IMPACT_NIGHT, **paths)
    return paths["warehouse"]


@pytest.fixture(scope="session")
def impact_warehouse(shared: Any, request: pytest.FixtureRequest) -> Path:
    return shared.get("impact_warehouse", build_impact_warehouse, request)
