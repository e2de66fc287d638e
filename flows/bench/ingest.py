"""`loopkeeper bench --ingest`: raw ingestion alone, on one large survey export.

Writes an NPS CSV export of N rows (comments of ~25 words, three date styles, 0.1% bad rows),
loads it into a fresh warehouse, then loads an overlapping export (the same rows under another
file name: every row a duplicate) and prints rows/s and peak memory for both.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.nightly import peak_rss_mb

# Words of a plausible comment; the generator draws 25 of them per row.
VOCABULARY = (
    "the export to excel keeps timing out when our finance team pulls the monthly report and "
    "support said it is a known issue but we still need it fixed before renewal also the new "
    "dashboard is great and onboarding was smooth though sso setup took longer than promised"
)
WORDS = VOCABULARY.split()

EXPORT_SQL = """
copy (
    select
        'r' || i as "Response ID",
        'person' || (i % 50000) || '@customer' || (i % 2000) || '.example' as "Email",
        case when i % 1000 = 7 then '11' else ((i * 7) % 11)::varchar end as "Score",
        array_to_string(
            list_transform(range(25), lambda k: $words[1 + ((i * 31 + k * 17) % $n)]), ' '
        ) as "Comment",
        case i % 3
            when 0 then strftime(timestamp '2026-01-01' + to_seconds(i % 25000000), '%Y-%m-%dT%H:%M:%SZ')
            when 1 then strftime(timestamp '2026-01-01' + to_seconds(i % 25000000), '%Y-%m-%d %H:%M:%S') || ' +0100'
            else strftime(timestamp '2026-01-01' + to_seconds(i % 25000000), '%-m/%-d/%Y %-I:%M %p')
        end as "Responded At",
        'nps-q' || (1 + i % 4) as "Survey ID"
    from range(?) as t(i)
) to '{path}' (header, delimiter ',')
"""


def write_export(path: Path, rows: int) -> None:
    """An NPS export as Delighted writes it; DuckDB writes it so the bench measures loading."""
    words = "[" + ", ".join(f"'{w}'" for w in WORDS) + "]"
    sql = EXPORT_SQL.replace("$words", words).replace("$n", str(len(WORDS)))
    with duckdb.connect() as con:
        con.execute(sql.replace("{path}", str(path).replace("'", "''")), [rows])


def run_ingest_bench(*, rows: int, workdir: Path | None) -> list[str]:
    from flows.sources import SOURCES
    from flows.sources.loader import load_source
    from flows.warehouse.connection import open_warehouse
    from flows.warehouse.schema import apply_schema

    nps = next(s for s in SOURCES if s.name == "nps")
    with tempfile.TemporaryDirectory(prefix="loopkeeper-bench-ingest-") as tmp:
        root = workdir or Path(tmp)
        (root / "inbox" / "nps").mkdir(parents=True, exist_ok=True)
        export = root / "inbox" / "nps" / "responses.csv"
        started = time.perf_counter()
        write_export(export, rows)
        written = time.perf_counter() - started
        size_mb = export.stat().st_size / 1e6
        lines = [
            f"bench --ingest: NPS export of {rows:,} rows ({size_mb:,.0f} MB), written in {written:.1f} s",
            f"  {'load':<28} {'wall s':>8} {'rows/s':>10} {'loaded':>10} {'quarant.':>9} {'peak MB':>8}",
        ]
        with open_warehouse(root / "warehouse" / "bench.duckdb") as con:
            apply_schema(con)
            for label in ("first load", "overlapping export (dupes)"):
                if label.startswith("overlapping"):
                    (export.parent / "responses-again.csv").write_bytes(export.read_bytes() + b"\n")
                started = time.perf_counter()
                load = load_source(con, root / "inbox", nps, loaded_at=datetime.now(UTC))
                seconds = time.perf_counter() - started
                lines.append(
                    f"  {label:<28} {seconds:>8.2f} {rows / seconds:>10,.0f}"
                    f" {load.rows_loaded:>10,} {load.rows_quarantined:>9,} {peak_rss_mb():>8.0f}"
                )
        return lines
