"""The Great Expectations gate: critical findings stop the run, warnings are reported, both say where."""

from __future__ import annotations

import pandas as pd
import pytest

from flows.stages.validate import run_gate


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    nps = pd.DataFrame(
        {
            "response_id": ["r1", "r2", "r2", None],
            "email": ["a@x.io"] * 4,
            "score": ["3", "12", "9", "7"],
            "comment": ["ok", "x" * 6000, None, "fine"],
            "responded_at": ["2026-11-01T00:00:00Z"] * 4,
        }
    )
    accounts = pd.DataFrame(
        {
            "account_id": ["a1", "a2"],
            "tier": ["Enterprise", "SMB"],
            "arr": ["1000", "2000"],
            "contact_email": ["p@x.io", "q@y.io"],
            "csm_email": ["c@v.io", "c@v.io"],
        }
    )
    return run_gate(
        {"nps_responses": nps, "crm_accounts": accounts, "widget_events": pd.DataFrame()}
    )


def test_critical_findings_name_source_column_and_examples(report) -> None:  # type: ignore[no-untyped-def]
    lines = [f.line() for f in report.critical]
    assert any(
        "nps_responses.score_value: expect_column_values_to_be_between" in line and "12" in line
        for line in lines
    )
    assert any(
        "nps_responses.response_id: expect_column_values_to_not_be_null" in line for line in lines
    )


def test_warnings_do_not_stop_the_run(report) -> None:  # type: ignore[no-untyped-def]
    warned = {(f.source, f.column, f.expectation) for f in report.warnings}
    assert ("nps_responses", "response_id", "expect_column_values_to_be_unique") in warned
    assert ("nps_responses", "comment", "expect_column_value_lengths_to_be_between") in warned
    assert not any(f.source == "crm_accounts" for f in report.findings)


def test_empty_batches_are_not_checked(report) -> None:  # type: ignore[no-untyped-def]
    assert report.checked_rows == {"nps_responses": 4, "crm_accounts": 2}


# A night's batch of each kind of fault, in rows enough to pass or fail `mostly` by a few:
# 200 tickets with 9 requesters missing (4.5%, under the 5% warning), 200 accounts with 25
# contacts missing (12.5%, over 10%) and 19 CSMs (9.5%, under).
FAULTY_NIGHT = """
insert into raw.nps_responses (response_id, score, comment, responded_at, _file, _record, _loaded_at)
select
    case when i = 7 then null when i in (11, 12) then 'dup' else 'r' || i end,
    case when i = 20 then '12' when i = 21 then 'n/a' else (i % 11)::varchar end,
    case when i = 30 then repeat('é', 5001) when i = 31 then repeat('x', 4999) else 'ok' end,
    case when i = 40 then null else '2026-11-01T00:00:00Z' end,
    'nps/night.csv', i, ?
from range(1, 201) as t(i);
insert into raw.zendesk_tickets (ticket_id, requester_email, created_at, updated_at, _file, _record, _loaded_at)
select
    'z' || i,
    case when i % 22 = 0 then null else 'p' || i || '@x.io' end,
    '2026-11-02T00:00:00Z',
    case when i = 5 then '2026-11-01T00:00:00Z' when i = 6 then null else '2026-11-03T00:00:00Z' end,
    'tickets/night.json', i, ?
from range(1, 201) as t(i);
insert into raw.crm_accounts (account_id, tier, arr, contact_email, csm_email, _file, _record, _loaded_at)
select
    'a' || i,
    case when i = 3 then 'Gold' else 'SMB' end,
    case when i = 4 then '-5' when i = 9 then ' 12000 ' else '1000' end,
    case when i % 8 = 0 then null else 'c@x.io' end,
    case when i % 11 = 0 and i < 200 then null else 'm@x.io' end,
    'accounts/night.csv', i, ?
from range(1, 201) as t(i);
"""


def test_a_big_batch_read_as_the_rows_that_could_fail_gets_the_same_findings() -> None:
    from datetime import datetime
    from pathlib import Path

    from flows.sources import SOURCES
    from flows.stages.validate import gate_batches, gated_tables
    from flows.warehouse.connection import open_warehouse
    from flows.warehouse.schema import apply_schema

    night = datetime(2026, 11, 3, 2, 0)
    tables = [
        t
        for t in gated_tables(SOURCES)
        if t[0] in ("nps_responses", "zendesk_tickets", "crm_accounts")
    ]
    with open_warehouse(Path(":memory:")) as con:
        apply_schema(con)
        for statement in FAULTY_NIGHT.split(";")[:-1]:
            con.execute(statement, [night])
        whole = gate_batches(con, tables, night, whole_below=10**6)
        reduced = gate_batches(con, tables, night, whole_below=0)
    assert all(batch.whole for batch in whole.values())
    assert all(len(reduced[t].frame) < 60 for t in reduced), "the clean rows stay in DuckDB"
    got, want = run_gate(reduced), run_gate(whole)
    assert got.checked_rows == want.checked_rows == dict.fromkeys(reduced, 200)
    assert sorted(got.findings, key=repr) == sorted(want.findings, key=repr)
    failed = {(f.source, f.column, f.expectation) for f in want.findings}
    assert failed == {
        ("nps_responses", "response_id", "expect_column_values_to_not_be_null"),
        ("nps_responses", "response_id", "expect_column_values_to_be_unique"),
        ("nps_responses", "score_value", "expect_column_values_to_be_between"),
        ("nps_responses", "responded_at", "expect_column_values_to_not_be_null"),
        ("nps_responses", "comment", "expect_column_value_lengths_to_be_between"),
        (
            "zendesk_tickets",
            "updated_at,created_at",
            "expect_column_pair_values_a_to_be_greater_than_b",
        ),
        ("crm_accounts", "tier", "expect_column_values_to_be_in_set"),
        ("crm_accounts", "arr_value", "expect_column_values_to_be_between"),
        ("crm_accounts", "contact_email", "expect_column_values_to_not_be_null"),
    }
