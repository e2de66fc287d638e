"""`loopkeeper bench --dbt`: the whole dbt project built over a warehouse of N items.

Preparing the warehouse (generate a company, run one nightly: extract, tag, ...) takes minutes
at 1,000,000 items, so a `--workdir` keeps it and later runs reuse it. Each run copies the
prepared warehouse to a scratch file and times, on the copy:

- `dbt build --full-refresh`: every seed, model (incremental ones rebuilt from nothing) and
  data and unit test, as a first night or a rebuild after a model change does;
- `dbt build`: the same again with nothing new, as a night with no new items does.

The parse (`dbt parse`) is timed apart: the nightly pays it once per process.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from flows.nightly import peak_rss_mb

MARKER = "bench-dbt.json"


def run_dbt_bench(*, items: int, days: int, workdir: Path | None) -> list[str]:
    from flows.settings.clock import as_of_for
    from flows.settings.config import load_settings
    from flows.warehouse.connection import open_warehouse, scalar
    from flows.warehouse.dbt import run_dbt

    with tempfile.TemporaryDirectory(prefix="loopkeeper-bench-dbt-") as tmp:
        root = workdir or Path(tmp)
        lines, run_date = _prepared(root, items=items, days=days)
        prepared = root / "warehouse" / "bench.duckdb"
        scratch = root / "dbt-bench" / "bench.duckdb"
        scratch.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prepared, scratch)
        settings = load_settings()
        as_of = as_of_for(run_date, settings.timezone)
        with open_warehouse(scratch, read_only=True) as con:
            count = scalar(con, "select count(*) from marts.fct_feedback")
        lines.append(
            f"bench --dbt: {count:,} feedback items, judged as of {as_of:%Y-%m-%d %H:%M} UTC"
        )
        lines.append(f"  {'command':<28} {'wall s':>8} {'nodes':>6} {'peak MB':>8}")
        started = time.perf_counter()
        run_dbt(["parse"], warehouse=scratch, as_of=as_of)
        lines.append(
            f"  {'dbt parse':<28} {time.perf_counter() - started:>8.2f} {'':>6} {peak_rss_mb():>8.0f}"
        )
        slowest: list[str] = []
        for label, args in (
            ("dbt build --full-refresh", ["build", "--full-refresh"]),
            ("dbt build (nothing new)", ["build"]),
        ):
            started = time.perf_counter()
            outcome = run_dbt(
                args,
                warehouse=scratch,
                as_of=as_of,
                memory_limit=settings.dbt_memory_limit,
                artifacts=True,
            )
            seconds = time.perf_counter() - started
            nodes = outcome.passed + outcome.warned + outcome.skipped
            lines.append(f"  {label:<28} {seconds:>8.2f} {nodes:>6} {peak_rss_mb():>8.0f}")
            if not slowest:
                slowest = _slowest_nodes(scratch.parent / ".dbt" / "target" / "run_results.json")
        lines.append("  slowest nodes of the full build (s): " + ", ".join(slowest))
        return lines


def _prepared(root: Path, *, items: int, days: int) -> tuple[list[str], date]:
    """The warehouse the builds start from: reused when `root` already holds one for N items."""
    from flows.bench.night import run_bench

    marker = root / MARKER
    if marker.exists():
        kept = json.loads(marker.read_text())
        if kept["items"] == items and kept["days"] == days:
            run_date = date.fromisoformat(kept["run_date"])
            return [
                f"bench --dbt: reusing the warehouse prepared in {root} for the night of {run_date}"
            ], run_date
        raise FileExistsError(
            f"{root} holds a warehouse prepared for {kept['items']} items over {kept['days']} days;"
            " preparing another size there would load both companies into one warehouse:"
            " use another --workdir"
        )
    if (root / "inbox").exists() or (root / "warehouse").exists():
        raise FileExistsError(
            f"{root} already holds an inbox or a warehouse that bench --dbt did not prepare:"
            " use an empty --workdir"
        )
    run_date = date.today()  # the night run_bench runs
    started = time.perf_counter()
    lines = run_bench(items=items, days=days, workdir=root)
    marker.write_text(json.dumps({"items": items, "days": days, "run_date": run_date.isoformat()}))
    lines.append(f"bench --dbt: warehouse prepared in {time.perf_counter() - started:.0f} s")
    return lines, run_date


def _slowest_nodes(run_results: Path, count: int = 8) -> list[str]:
    results = json.loads(run_results.read_text())["results"]
    ranked = sorted(results, key=lambda r: -r["execution_time"])[:count]
    return [f"{r['unique_id'].split('.')[2]} {r['execution_time']:.1f}" for r in ranked]
