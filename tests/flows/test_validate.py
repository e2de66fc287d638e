"""The Great Expectations gate: critical findings stop the run, warnings are reported, both say where."""

from __future__ import annotations

import pandas as pd
import pytest

from flows.validate import run_gate


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
