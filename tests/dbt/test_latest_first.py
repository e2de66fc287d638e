"""`arg_max(rowid, latest_first(...))` picks the row a `row_number() ... desc = 1` window
would, nulls last.

The staging models dedupe versions with it; DuckDB orders a null struct field above every
value, so a null `updated_at` must still lose to any real one.
"""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import jinja2
import pytest

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "latest.sql"

ROWS = [
    # id, key, updated_at, loaded
    (1, "a", None, 3),
    (2, "a", "2026-11-02", 1),
    (3, "a", "2026-11-01", 9),
    (4, "b", None, 1),
    (5, "b", None, 2),
    (6, "c", "2026-11-05", None),
    (7, "c", "2026-11-05", 4),
    (8, None, "2026-11-09", 1),
]


def latest_first(expressions: list[str]) -> str:
    template = jinja2.Environment().from_string(
        MACROS.read_text() + "{{ latest_first(expressions) }}"
    )
    return template.render(expressions=expressions)


# Stored in file order, reversed and shuffled: the pick must not depend on where a row lies.
ORDERS = [list(range(len(ROWS))), list(reversed(range(len(ROWS))))] + [
    random.Random(seed).sample(range(len(ROWS)), len(ROWS)) for seed in range(4)
]


@pytest.mark.parametrize("order", ORDERS)
def test_the_pick_equals_the_window_whatever_the_row_order(order: list[int]) -> None:
    with duckdb.connect() as con:
        con.execute("create table versions (id int, key varchar, updated_at date, loaded int)")
        con.executemany("insert into versions values (?, ?, ?, ?)", [ROWS[i] for i in order])
        key = latest_first(["updated_at", "loaded"])
        got = con.execute(
            f"select id from versions where rowid in (select arg_max(rowid, {key}) from versions"
            " where key is not null group by key) order by id"
        ).fetchall()
        window = con.execute(
            "select id from versions where key is not null qualify row_number() over"
            " (partition by key order by updated_at desc, loaded desc) = 1 order by id"
        ).fetchall()
    assert got == window == [(2,), (5,), (7,)]
