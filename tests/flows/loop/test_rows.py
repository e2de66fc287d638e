"""Mart rows as the loop reads them: plain Python values, money as floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb

from flows.loop.rows import fetch_dicts


def test_rows_are_plain_values_with_money_as_floats() -> None:
    con = duckdb.connect()
    rows = fetch_dicts(
        con,
        "select * from (values"
        " ('a', 1250.50::decimal(18, 2), null::decimal(18, 2), 3, date '2026-11-16',"
        "  timestamp '2026-11-16 09:30:00', ['bug', 'churn_risk'], 0.5::double),"
        " ('b', null, 7.25::decimal(9, 2), null, null, null, null, null)"
        ") as t(item_id, arr, fee, score, renewal_date, received_at, intents, ratio)"
        " where item_id >= ? order by item_id",
        ["a"],
    )
    assert rows == [
        {
            "item_id": "a",
            "arr": 1250.5,
            "fee": None,
            "score": 3,
            "renewal_date": date(2026, 11, 16),
            "received_at": datetime(2026, 11, 16, 9, 30),
            "intents": ["bug", "churn_risk"],
            "ratio": 0.5,
        },
        {
            "item_id": "b",
            "arr": None,
            "fee": 7.25,
            "score": None,
            "renewal_date": None,
            "received_at": None,
            "intents": None,
            "ratio": None,
        },
    ]
    assert not any(isinstance(value, Decimal) for row in rows for value in row.values())
    assert type(rows[0]["arr"]) is float and type(rows[1]["fee"]) is float
