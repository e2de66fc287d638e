"""The run summary the nightly returns and the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flows.loop.outcome import LoopOutcome
from flows.sources.loader import SourceLoad
from flows.stages.classified import Classifiers
from flows.stages.validate import GateReport


@dataclass
class RunSummary:
    run_date: date
    as_of: datetime
    warehouse: Path
    mail_dir: Path
    loads: list[SourceLoad] = field(default_factory=list)
    gate: GateReport | None = None
    tagged: int = 0
    # What each process that classified tonight's items did (per-worker throughput).
    classifiers: Classifiers = field(default_factory=Classifiers)
    items: int = 0
    acks: LoopOutcome | None = None
    # Paths of the reports written tonight (or why none was).
    reports: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    stage_peak_mb: dict[str, float] = field(default_factory=dict)
    # publish copied the warehouse whole: a reader held the file it would have rewritten
    spare_held: bool = False

    @property
    def rows_loaded(self) -> int:
        return sum(load.rows_loaded for load in self.loads)

    @property
    def rows_quarantined(self) -> int:
        return sum(load.rows_quarantined for load in self.loads)

    def _normal_states(self) -> list[str]:
        """One line for each state that is normal but worth saying: nothing new, no exports yet."""
        if self.loads and not any(load.files_read or load.files_skipped for load in self.loads):
            return ["  the inbox is empty: nothing to load yet; the night completed"]
        out = []
        if self.loads and not any(load.files_read for load in self.loads):
            out.append("  no new exports tonight: the night ran on what the warehouse holds")
        for load in self.loads:
            if load.files_read or load.files_skipped or load.files_quarantined:
                continue
            if load.source == "roadmap":
                out.append("  roadmap: no export yet, so nobody is told that something shipped")
            else:
                out.append(f"  {load.source}: no exports yet")
        return out

    def lines(self) -> list[str]:
        out = [f"Night of {self.run_date} (as of {self.as_of:%Y-%m-%d %H:%M} UTC)"]
        for load in self.loads:
            out.append(
                f"  {load.source:<9} {load.rows_loaded:>7} rows loaded, {load.rows_quarantined:>4} quarantined,"
                f" {load.files_read} new files, {load.files_skipped} already seen, "
                f"{load.files_quarantined} unreadable"
            )
            if load.rows_versions:
                out.append(
                    # The loader counts a row as a version when its item has an earlier row,
                    # in tonight's delivery (a first night's updated tickets) or stored before.
                    f"      {load.rows_versions} of them updated versions of items with an earlier"
                    " row, tonight's or stored (all kept, the latest counts)"
                )
            if load.rows_duplicate:
                out.append(
                    f"      {load.rows_duplicate} rows already stored (identical re-delivery), skipped"
                )
            if load.rows_late:
                out.append(
                    f"      {load.rows_late} late rows (older than the latest already loaded) picked up"
                )
            out.extend(f"      ! {m}" for m in load.messages[:5])
        out.append(f"  loaded {self.rows_loaded} rows, quarantined {self.rows_quarantined}")
        out.extend(self._normal_states())
        if self.gate is not None:
            out.append(
                f"  validation: {sum(self.gate.checked_rows.values())} rows checked, "
                f"{len(self.gate.warnings)} warnings"
            )
            out.extend(f"      ~ {w.line()}" for w in self.gate.warnings[:5])
        out.append(f"  feedback items in warehouse: {self.items}; tagged tonight: {self.tagged}")
        if classified := self.classifiers.line():
            out.append(f"      {classified}")
        if self.acks is not None:
            out.extend(self.acks.lines())
        out.extend(f"  report:    {line}" for line in self.reports)
        out.append(f"  warehouse: {self.warehouse}")
        if self.spare_held:
            out.append(
                "      published by copying it whole: a reader still has open the file the"
                " previous publish replaced (a connection kept open across nights costs each"
                " night that copy)"
            )
        out.append(f"  mail:      {self.mail_dir}")
        if self.stage_seconds:
            out.append(
                "  stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.stage_seconds.items())
            )
        return out
