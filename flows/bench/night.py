"""`loopkeeper bench`: generate N items, run one nightly on them, print what each stage cost."""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from flows.nightly import peak_rss_mb
from notifications.delivery import DeliveryReport

# Demo feedback items per account per day, measured from the generator; used only to size
# the demo company so that it produces about the requested number of items.
ITEMS_PER_ACCOUNT_DAY = 0.37


def run_bench(*, items: int, days: int, workdir: Path | None) -> list[str]:
    from flows.demo import generate_inbox
    from flows.nightly import nightly, warm_slow_imports
    from flows.settings.config import load_settings
    from flows.temporary_api import launch_early, prefect_api

    with tempfile.TemporaryDirectory(prefix="loopkeeper-bench-") as tmp:
        root = workdir or Path(tmp)
        end = date.today() - timedelta(days=1)
        accounts = max(10, math.ceil(items / (ITEMS_PER_ACCOUNT_DAY * days)))
        started = time.perf_counter()
        demo = generate_inbox(root / "inbox", accounts=accounts, days=days, end=end, seed=1)
        generated = time.perf_counter() - started
        generated_peak = peak_rss_mb()
        settings = load_settings()
        started = time.perf_counter()
        launch_early()  # as `loopkeeper nightly` does
        warm_slow_imports()
        with prefect_api():
            summary = nightly(
                run_date=end + timedelta(days=1),
                inbox=root / "inbox",
                warehouse=root / "warehouse" / "bench.duckdb",
                mail_dir=root / "mail",
            )
        total = time.perf_counter() - started
        lines = [
            f"bench: {demo.feedback_items} feedback items ({accounts} accounts x {days} days), "
            f"model dir {settings.model_dir or 'bundled'}",
        ]
        generate = f"  {'generate':<10} {generated:>8.2f} {demo.feedback_items / generated:>10.0f} {generated_peak:>9.0f}"
        lines += stage_lines(
            summary.stage_seconds,
            summary.stage_peak_mb,
            demo.feedback_items,
            total,
            peak_rss_mb(),
            before=[generate],
        )
        lines.append(
            f"  loaded {summary.rows_loaded} rows, tagged {summary.tagged}, "
            f"{summary.acks.delivery.sent if summary.acks else 0} emails written"
        )
        if classified := summary.classifiers.line():
            lines.append(f"  tag step: {classified}")
        if summary.acks is not None and (delivered := delivery_line(summary.acks.delivery)):
            lines.append(f"  {delivered}")
        return lines


def delivery_line(report: DeliveryReport) -> str:
    """The notify stage's delivery pass alone: messages sent and how fast ("" if none)."""
    if not report.sent or report.seconds <= 0:
        return ""
    return (
        f"delivery: {report.sent:,} emails sent in {report.seconds:.2f} s"
        f" ({report.sent / report.seconds:,.0f} messages/s)"
    )


def stage_lines(
    seconds: dict[str, float],
    peaks: dict[str, float],
    items: int,
    total: float,
    peak: float,
    before: Sequence[str] = (),
) -> list[str]:
    """One night's stages: wall time, items (of that night) per second and peak memory."""
    lines = [f"  {'stage':<10} {'wall s':>8} {'items/s':>10} {'peak MB':>9}", *before]
    for stage, spent in seconds.items():
        # A stage under a hundredth of a second (no report due) has no meaningful rate.
        rate = f"{items / spent:>10.0f}" if spent >= 0.01 else f"{'-':>10}"
        lines.append(f"  {stage:<10} {spent:>8.2f} {rate} {peaks.get(stage, 0):>9.0f}")
    staged = sum(seconds.values())
    lines.append(
        f"  {'nightly':<10} {total:>8.2f} {items / total:>10.0f} {peak:>9.0f}"
        f"  (stages {staged:.2f} s + start-up (Prefect's API, imports) and bookkeeping {total - staged:.2f} s)"
    )
    return lines
