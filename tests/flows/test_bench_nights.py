"""bench --nights splits one generated company into the exports each night finds: every record
once, each later night only the day before it."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from flows.bench.nights import split_deliveries
from flows.demo import generate_inbox

FIRST = date(2026, 11, 20)
LATER = [date(2026, 11, 21), date(2026, 11, 22)]


def _records(inbox: Path) -> dict[str, list[str]]:
    """Each source's records as (its date, its id) text, from an inbox's files."""
    out: dict[str, list[str]] = {"nps": [], "tickets": [], "widget": [], "notes": []}
    for path in inbox.glob("nps/*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            out["nps"] += [
                f"{r['Responded At'][:10]} {r['Response ID']}" for r in csv.DictReader(handle)
            ]
    for path in inbox.glob("tickets/*.json"):
        page = json.loads(path.read_text(encoding="utf-8"))
        out["tickets"] += [
            f"{t['updated_at'][:10]} {t['id']}:{t['updated_at']}" for t in page["tickets"]
        ]
    for path in inbox.glob("widget/*.jsonl"):
        lines = path.read_text(encoding="utf-8").splitlines()
        out["widget"] += [
            f"{json.loads(x)['created_at'][:10]} {json.loads(x)['id']}" for x in lines
        ]
    out["notes"] = [f"{p.name[:10]} {p.name}" for p in inbox.glob("notes/*.md")]
    return out


def test_every_record_lands_once_and_later_nights_bring_their_eve_only(tmp_path: Path) -> None:
    generate_inbox(
        tmp_path / "exports", accounts=40, days=30, end=LATER[-1] - timedelta(days=1), seed=3
    )
    split_deliveries(tmp_path / "exports", tmp_path / "nights", FIRST, LATER)

    everything = _records(tmp_path / "exports")
    nights = {n: _records(tmp_path / "nights" / n.isoformat()) for n in [FIRST, *LATER]}
    for source, records in everything.items():
        delivered = [r for night in nights.values() for r in night[source]]
        assert sorted(delivered) == sorted(records), source
        assert all(r[:10] < FIRST.isoformat() for r in nights[FIRST][source]), source
        for night in LATER:
            eve = (night - timedelta(days=1)).isoformat()
            assert {r[:10] for r in nights[night][source]} <= {eve}, (source, night)
    assert sum(len(nights[LATER[0]][s]) for s in everything) > 0
    assert (tmp_path / "nights" / FIRST.isoformat() / "accounts" / "accounts.csv").exists()
    assert not (tmp_path / "nights" / LATER[0].isoformat() / "accounts").exists()


def test_a_stage_that_took_no_time_shows_no_rate() -> None:
    from flows.bench.night import stage_lines

    lines = stage_lines({"tag": 2.0, "reports": 0.0}, {"tag": 900.0}, 10_000, 4.0, 900.0)
    assert lines[1].split() == ["tag", "2.00", "5000", "900"]
    assert lines[2].split() == ["reports", "0.00", "-", "0"]


def test_the_delivery_pass_shows_its_own_rate() -> None:
    from flows.bench.night import delivery_line
    from notifications.delivery import DeliveryReport

    assert delivery_line(DeliveryReport(sent=12_000, parked=0, unknown=0, seconds=20.0)) == (
        "delivery: 12,000 emails sent in 20.00 s (600 messages/s)"
    )
    assert delivery_line(DeliveryReport(sent=0, parked=0, unknown=0)) == ""


def test_quiet_nights_come_last_and_find_the_inbox_as_the_last_delivery_left_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--quiet-nights Q`: after the nights that bring a day's exports, Q nights on the dates
    after them with nothing delivered, labelled so, ending today like the others."""
    import flows.bench.nights as bench_nights

    inbox_files: list[tuple[date, int]] = []

    def night_in_process(workdir: Path, night: date) -> dict[str, Any]:
        files = sum(1 for path in (workdir / "inbox").rglob("*") if path.is_file())
        inbox_files.append((night, files))
        return {
            "rows_loaded": 0,
            "tagged": 0,
            "items": 0,
            "emails": 0,
            "stage_seconds": {"extract": 1.0},
            "stage_peak_mb": {"extract": 100.0},
            "total": 2.0,
            "peak_mb": 100.0,
        }

    monkeypatch.setattr(bench_nights, "_night_in_process", night_in_process)
    lines: list[str] = []
    bench_nights.run_nights_bench(
        items=300, days=7, nights=1, quiet=2, workdir=tmp_path, echo=lines.append
    )
    today = date.today()
    assert [night for night, _ in inbox_files] == [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    files = [count for _, count in inbox_files]
    assert files[0] < files[1] == files[2] == files[3], files
    labels = [line.split(" (")[0] for line in lines if line.startswith(("first", "night"))]
    assert labels == ["first night", "night 2", "night 3, nothing new", "night 4, nothing new"]
    assert lines[0].startswith("bench --nights 1 --quiet-nights 2: ")
