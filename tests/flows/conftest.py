"""The night of 2026-11-16 run three times on one small generated company: the nightly tests
read it, the demo's later delivery runs the next night on a copy of it and the crash test
compares its kill chains with it. A shared build (tests/conftest.py): run once per session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flows.demo import DemoSummary, generate_inbox
from flows.warehouse.connection import open_warehouse, scalar

NIGHT = date(2026, 11, 16)


def write_night_inbox(inbox: Path) -> DemoSummary:
    """The night's inbox, the same for every call: a small company and one unreadable page."""
    demo = generate_inbox(inbox, accounts=15, days=10, end=date(2026, 11, 15), seed=3)
    # A page the run cannot read: it must be named and the other sources must still load.
    (inbox / "tickets" / "tickets-broken.json").write_text(
        '{"tickets": [{"id": 1,', encoding="utf-8"
    )
    return demo


def own_folders(root: Path) -> list[str]:
    """Options that keep a command's run inside ``root``: an empty inbox, its own warehouse and
    mail folder. Without them it takes the locks of the checkout's data/mail and warehouse/,
    and tests on parallel workers (or a developer's own nightly) refuse each other."""
    (root / "inbox").mkdir(exist_ok=True)
    return [
        "--inbox",
        str(root / "inbox"),
        "--warehouse",
        str(root / "lk.duckdb"),
        "--mail-dir",
        str(root / "mail"),
    ]


def warehouse_counts(path: Path) -> dict[str, int]:
    """Row counts of every table and view in the warehouse."""
    with open_warehouse(path, read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema not in ('information_schema', 'pg_catalog') order by 1, 2"
        ).fetchall()
        return {
            f"{schema}.{name}": int(scalar(con, f'select count(*) from "{schema}"."{name}"'))
            for schema, name in tables
        }


def build_night(root: Path) -> tuple[Any, ...]:
    """The night of NIGHT three times on one warehouse: (demo summary, paths, first run's
    summary, second's, row counts and .eml names after the first, third's summary)."""
    from flows.nightly import nightly

    demo = write_night_inbox(root / "inbox")
    paths = {
        "inbox": root / "inbox",
        "warehouse": root / "wh" / "lk.duckdb",
        "mail_dir": root / "mail",
    }
    first = nightly(run_date=NIGHT, **paths)
    counts = warehouse_counts(paths["warehouse"])
    mails = sorted(p.name for p in paths["mail_dir"].glob("*.eml"))
    second = nightly(run_date=NIGHT, **paths)
    third = nightly(run_date=NIGHT, **paths)
    return demo, paths, first, second, counts, mails, third


@pytest.fixture(scope="session")
def night(shared: Any, request: pytest.FixtureRequest) -> tuple[Any, ...]:
    return shared.get("night", build_night, request)


@pytest.fixture(scope="session", name="warehouse_counts")
def warehouse_counts_fixture() -> Callable[[Path], dict[str, int]]:
    return warehouse_counts


@pytest.fixture(scope="session")
def night_inbox() -> Callable[[Path], DemoSummary]:
    """Writes the night's inbox afresh, for a build that must not wait for the night's."""
    return write_night_inbox
