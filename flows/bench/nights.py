"""`loopkeeper bench --nights K`: the first night, then K nights that each bring one day's exports.

The demo company is generated over ``days + K`` days; the first night's inbox holds what was
exported up to its eve, and each later night adds that day's exports only, as a team's inbox
grows: a daily NPS export, a Zendesk incremental page of the day's ticket versions (new tickets
and changes to older ones), the day's widget file and the day's call notes. At the demo's rate
of ~0.37 items per account and day that is ~3,000 new items a night for a 1M-item company.
``--quiet-nights Q`` then runs Q nights on the dates after those, with nothing delivered: what a
night costs when only the clock moved.

Each night runs in its own process, as a scheduled nightly does, so its peak memory is its own.
Items/s counts the night's items tagged (new, or with a new text): what arrived that night.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.demo.generator import FOLDERS

# Ticket versions per incremental export page, as the demo generator writes them.
PAGE_SIZE = 1000
# When a bench night runs after its as_of: prefect.yaml schedules the nightly at 02:30.
NIGHTLY_HOUR = timedelta(hours=2, minutes=30)


def split_deliveries(full: Path, inbox: Path, first: date, later: list[date]) -> None:
    """Write into ``inbox/<night>/`` the exports each night finds: ``first`` everything dated up
    to its eve, each of ``later`` the records dated the day before it."""
    eves = {first: None, **{night: night - timedelta(days=1) for night in later}}
    cut = first - timedelta(days=1)

    def night_of(day: str) -> date | None:
        moment = date.fromisoformat(day[:10])
        if moment <= cut:
            return first
        return moment + timedelta(days=1) if moment + timedelta(days=1) in eves else None

    def folder(night: date, source: str) -> Path:
        path = inbox / night.isoformat() / source
        path.mkdir(parents=True, exist_ok=True)
        return path

    for source in ("accounts", "roadmap"):
        shutil.copytree(full / source, folder(first, source), dirs_exist_ok=True)
    for path in sorted((full / "widget").glob("*.jsonl")) + sorted((full / "notes").glob("*.md")):
        day = path.stem.removeprefix("widget-")
        if (night := night_of(day)) is not None:
            shutil.copyfile(path, folder(night, path.parent.name) / path.name)
    _split_nps(full / "nps", night_of, folder, first)
    _split_tickets(full / "tickets", night_of, folder)


def _split_nps(nps: Path, night_of: Any, folder: Any, first: date) -> None:
    rows: dict[tuple[date, str], list[list[str]]] = defaultdict(list)
    header: list[str] = []
    for path in sorted(nps.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            at = header.index("Responded At")
            for row in reader:
                if (night := night_of(row[at])) is not None:
                    # The first night finds the monthly exports; later nights a daily one.
                    name = path.name if night == first else f"nps-daily-{night}.csv"
                    rows[(night, name)].append(row)
    for (night, name), chunk in rows.items():
        with (folder(night, "nps") / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(chunk)


def _split_tickets(tickets: Path, night_of: Any, folder: Any) -> None:
    versions: dict[date, list[dict[str, Any]]] = defaultdict(list)
    users: dict[Any, dict[str, Any]] = {}
    for path in sorted(tickets.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        users.update({u["id"]: u for u in page["users"]})
        for version in page["tickets"]:
            if (night := night_of(version["updated_at"])) is not None:
                versions[night].append(version)
    for night, chunk in versions.items():
        pages = [chunk[i : i + PAGE_SIZE] for i in range(0, len(chunk), PAGE_SIZE)]
        for index, page_versions in enumerate(pages, start=1):
            end = datetime.strptime(page_versions[-1]["updated_at"], "%Y-%m-%dT%H:%M:%SZ")
            document = {
                "tickets": page_versions,
                "users": [users[u] for u in sorted({v["requester_id"] for v in page_versions})],
                "count": len(page_versions),
                "end_time": int(end.replace(tzinfo=UTC).timestamp()),
                "end_of_stream": index == len(pages),
            }
            name = f"tickets-{night}-{index:06d}.json"
            (folder(night, "tickets") / name).write_text(json.dumps(document) + "\n", "utf-8")


def _deliver(night_folder: Path, inbox: Path) -> int:
    """Move one night's exports into the inbox, dated an hour back (whole, not arriving)."""
    delivered = time.time() - 3600
    count = 0
    for path in sorted(night_folder.rglob("*")):
        if path.is_file():
            target = inbox / path.relative_to(night_folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            os.utime(target, (delivered, delivered))
            count += 1
    return count


def run_nights_bench(
    *,
    items: int,
    days: int,
    nights: int,
    workdir: Path,
    echo: Callable[[str], None],
    quiet: int = 0,
) -> None:
    """Run the nights, printing each night's table through ``echo`` as soon as it is measured:
    the first, ``nights`` that each bring a day's exports, then ``quiet`` that bring nothing
    (what a night costs when only the clock moved)."""
    from flows.bench.night import ITEMS_PER_ACCOUNT_DAY, stage_lines
    from flows.demo import generate_inbox

    first = date.today() - timedelta(days=nights + quiet)
    later = [first + timedelta(days=n) for n in range(1, nights + 1)]
    empty = [first + timedelta(days=n) for n in range(nights + 1, nights + quiet + 1)]
    for name in FOLDERS:
        if (workdir / "inbox" / name).exists():
            raise FileExistsError(
                f"{workdir / 'inbox' / name} is not empty; generate the demo inbox into a new folder"
            )
    accounts = max(10, round(items / (ITEMS_PER_ACCOUNT_DAY * days)))
    started = time.perf_counter()
    demo = generate_inbox(
        workdir / "exports",
        accounts=accounts,
        days=days + nights,
        end=(later[-1] if later else first) - timedelta(days=1),
        seed=1,
    )
    split_deliveries(workdir / "exports", workdir / "deliveries", first, later)
    shutil.rmtree(workdir / "exports")
    echo(
        f"bench --nights {nights}{f' --quiet-nights {quiet}' if quiet else ''}: {accounts}"
        f" accounts, {demo.feedback_items} feedback items over"
        f" {days + nights} days, generated and split by night in {time.perf_counter() - started:.1f} s"
    )
    for index, night in enumerate([first, *later, *empty]):
        files = _deliver(workdir / "deliveries" / night.isoformat(), workdir / "inbox")
        kept = _night_in_process(workdir, night)
        label = "first night" if index == 0 else f"night {index + 1}"
        label += ", nothing new" if night in empty else ""
        lines = [
            f"{label} ({night}): {files} new export files, {kept['rows_loaded']} rows loaded,"
            f" {kept['tagged']} items tagged, {kept['items']} items in the warehouse,"
            f" {kept['emails']} emails written"
        ]
        lines += stage_lines(
            kept["stage_seconds"],
            kept["stage_peak_mb"],
            kept["tagged"],
            kept["total"],
            kept["peak_mb"],
        )
        if kept.get("classifiers"):
            lines.append(f"  tag step: {kept['classifiers']}")
        if kept.get("delivery"):
            lines.append(f"  {kept['delivery']}")
        for line in lines:
            echo(line)


def _night_in_process(workdir: Path, night: date) -> dict[str, Any]:
    """One nightly in a fresh Python process; returns what it measured."""
    command = [sys.executable, "-m", "flows.bench.nights", str(workdir), night.isoformat()]
    from flows.settings import PREFECT_STARTUP_SECONDS

    # The start-up allowance for Prefect's temporary API, also when not started from the CLI.
    env = {
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": PREFECT_STARTUP_SECONDS,
        **os.environ,
    }
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(
            f"the bench's nightly of {night} failed (exit {done.returncode}):\n{done.stderr[-4000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _night(workdir: Path, night: date) -> dict[str, Any]:
    # The whole process is the night's, as `loopkeeper nightly` is: its imports and Prefect's
    # temporary API, started first so that its process comes up while this one imports.
    started = time.perf_counter()
    from flows.temporary_api import launch_early, prefect_api

    launch_early()
    from flows.bench.night import delivery_line, peak_rss_mb
    from flows.nightly import nightly, warm_slow_imports
    from flows.settings.clock import as_of_for, clock_set_to
    from flows.settings.config import load_settings

    # The night runs at its scheduled hour (prefect.yaml), not on the day the bench runs: the
    # next night finds its sends and escalations behind it, as it would in production. On the
    # wall clock they lay ahead of every later night, which then judged them again, and the
    # items they touch, night after night (464,488 items on night 3 of a 1M-item bench).
    ran_at = as_of_for(night, load_settings().timezone) + NIGHTLY_HOUR
    warm_slow_imports()  # as `loopkeeper nightly` does
    with clock_set_to(ran_at), prefect_api():
        summary = nightly(
            run_date=night,
            inbox=workdir / "inbox",
            warehouse=workdir / "warehouse" / "bench.duckdb",
            mail_dir=workdir / "mail",
        )
    return {
        "stage_seconds": summary.stage_seconds,
        "stage_peak_mb": summary.stage_peak_mb,
        "total": time.perf_counter() - started,
        "peak_mb": peak_rss_mb(),
        "rows_loaded": summary.rows_loaded,
        "tagged": summary.tagged,
        "classifiers": summary.classifiers.line(),
        "items": summary.items,
        "emails": summary.acks.delivery.sent if summary.acks else 0,
        "delivery": delivery_line(summary.acks.delivery) if summary.acks else "",
    }


if __name__ == "__main__":
    # The flow's Dask cluster starts worker processes: this guard keeps them from running it.
    print(json.dumps(_night(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]))))
