"""One small demo company, two nights (the second sees the first's acknowledgments), shared by
the report tests: the nightly is the slow part, so it runs once per session (a shared build,
tests/conftest.py)."""

from __future__ import annotations

from datetime import date
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
