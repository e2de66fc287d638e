"""Great Expectations gate over the rows each run loaded.

Suites are built in code, one per source. Expectations marked critical stop the run before
marts are published; the others are reported as warnings. GX is imported lazily (~4 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import great_expectations as gx

CRITICAL = {"severity": "critical"}
WARNING = {"severity": "warning"}


class GateFailed(RuntimeError):
    """Critical expectations failed: marts are not published for this run."""


@dataclass(frozen=True)
class Finding:
    source: str
    expectation: str
    column: str
    severity: str
    unexpected: int
    examples: tuple[str, ...]

    def line(self) -> str:
        examples = ", ".join(repr(e) for e in self.examples) or "-"
        return (
            f"{self.severity}: {self.source}.{self.column}: {self.expectation} "
            f"({self.unexpected} unexpected; e.g. {examples})"
        )


@dataclass
class GateReport:
    checked_rows: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def critical(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "critical"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "critical"]


def _suite(name: str) -> gx.ExpectationSuite:
    import great_expectations as gx

    e = gx.expectations
    suites: dict[str, list[Any]] = {
        "crm_accounts": [
            e.ExpectColumnValuesToNotBeNull(column="account_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="account_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeInSet(
                column="tier", value_set=["Enterprise", "Mid-Market", "SMB"], meta=CRITICAL
            ),
            e.ExpectColumnValuesToBeBetween(
                column="arr_value", min_value=0, max_value=1e10, meta=CRITICAL
            ),
            e.ExpectColumnValuesToNotBeNull(column="contact_email", mostly=0.9, meta=WARNING),
            e.ExpectColumnValuesToNotBeNull(column="csm_email", mostly=0.9, meta=WARNING),
        ],
        "nps_responses": [
            e.ExpectColumnValuesToNotBeNull(column="response_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeBetween(
                column="score_value", min_value=0, max_value=10, meta=CRITICAL
            ),
            e.ExpectColumnValuesToNotBeNull(column="responded_at", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="response_id", meta=WARNING),
            e.ExpectColumnValueLengthsToBeBetween(column="comment", max_value=5000, meta=WARNING),
        ],
        "zendesk_tickets": [
            e.ExpectColumnValuesToNotBeNull(column="ticket_id", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="created_at", meta=CRITICAL),
            e.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="updated_at", column_B="created_at", or_equal=True, meta=WARNING
            ),
            e.ExpectColumnValuesToNotBeNull(column="requester_email", mostly=0.95, meta=WARNING),
        ],
        "widget_events": [
            e.ExpectColumnValuesToNotBeNull(column="event_id", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="message", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="event_id", meta=WARNING),
            e.ExpectColumnValuesToNotBeNull(column="account_id", mostly=0.95, meta=WARNING),
        ],
        "note_items": [
            e.ExpectColumnValuesToNotBeNull(column="account_id", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="note_date", meta=CRITICAL),
            e.ExpectColumnValuesToNotBeNull(column="item_text", meta=CRITICAL),
        ],
        "roadmap_items": [
            e.ExpectColumnValuesToNotBeNull(column="item_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeUnique(column="item_id", meta=CRITICAL),
            e.ExpectColumnValuesToBeInSet(
                column="status_value",
                value_set=["planned", "in_progress", "shipped", "declined"],
                meta=CRITICAL,
            ),
        ],
    }
    suite = gx.ExpectationSuite(name=f"loopkeeper_{name}")
    for expectation in suites[name]:
        suite.add_expectation(expectation)
    return suite


def _prepare(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Typed helper columns the suites check (raw columns stay text)."""
    frame = frame.copy()
    if table == "crm_accounts":
        frame["arr_value"] = pd.to_numeric(frame["arr"], errors="coerce")
    elif table == "nps_responses":
        frame["score_value"] = pd.to_numeric(frame["score"], errors="coerce")
    elif table == "roadmap_items":
        frame["status_value"] = frame["status"].str.lower().str.replace(" ", "_")
    return frame


def run_gate(batches: dict[str, pd.DataFrame]) -> GateReport:
    """Validate each source's newly loaded rows; returns every failed expectation."""
    report = GateReport()
    batches = {name: frame for name, frame in batches.items() if not frame.empty}
    if not batches:
        return report
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("loopkeeper")
    for table, frame in batches.items():
        report.checked_rows[table] = len(frame)
        asset = datasource.add_dataframe_asset(table)
        batch = asset.add_batch_definition_whole_dataframe(table).get_batch(
            batch_parameters={"dataframe": _prepare(table, frame)}
        )
        result = batch.validate(_suite(table), result_format="SUMMARY")
        for outcome in result.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            if config is None:
                continue
            kwargs = config.kwargs
            column = kwargs.get("column") or f"{kwargs.get('column_A')},{kwargs.get('column_B')}"
            details = outcome.result or {}
            examples = tuple(str(v) for v in (details.get("partial_unexpected_list") or [])[:3])
            report.findings.append(
                Finding(
                    source=table,
                    expectation=config.type,
                    column=str(column),
                    severity=str((config.meta or {}).get("severity", "warning")),
                    unexpected=int(details.get("unexpected_count") or 0),
                    examples=examples,
                )
            )
    return report
