"""A row of tens of thousands of fields is refused before DuckDB reads it (quadratic there:
40,000 fields took a minute); long text with many commas inside quotes still loads."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from flows.sources.width import MAX_FIELDS, check_line_widths
from tests.flows.test_sources_one_file import GOOD_NPS, NPS_HEADER, load, write

ROW = "r2,b@acme.io,3,slow,2026-11-03T11:00:00Z"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param(GOOD_NPS + ROW + ",x" * 40_000 + "\n", "line 3 has 40,005 fields", id="40k fields"),
        pytest.param(GOOD_NPS + ROW + "," * 40_000, "line 3 has 40,005 fields", id="40k empty fields, no newline"),
        pytest.param(NPS_HEADER.rstrip("\n") + ",c" * 30_000 + "\n" + ROW + "\n", "the header has 30,005 fields", id="30k-column header"),
    ],
)  # fmt: skip
def test_an_absurdly_wide_line_quarantines_its_file_in_moments_and_the_others_load(
    tmp_path: Path, text: str, says: str
) -> None:
    write(tmp_path / "nps" / "wide.csv", text)
    write(tmp_path / "nps" / "ok.csv", GOOD_NPS.replace("r1", "r7"))
    started = time.perf_counter()
    _, rows, loaded, files = load(tmp_path, "nps")
    assert time.perf_counter() - started < 10
    assert loaded == 1
    [(file, record, field, reason, _)] = rows
    assert (file, record, field) == ("nps/wide.csv", 0, "file")
    assert reason.startswith(f"wide.csv: {says}, more than any export has columns")
    assert files == [("nps/ok.csv", "loaded"), ("nps/wide.csv", "quarantined")]


def test_a_long_comment_with_many_commas_inside_quotes_loads(tmp_path: Path) -> None:
    comment = "slow, " * (MAX_FIELDS * 2)
    write(
        tmp_path / "nps" / "long.csv",
        NPS_HEADER + f'r1,a@acme.io,4,"{comment}",2026-11-03T10:00:00Z\n',
    )
    _, rows, loaded, _ = load(tmp_path, "nps")
    assert (loaded, rows) == (1, [])


def test_the_width_check_counts_lines_across_read_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.sources.width as width

    monkeypatch.setattr(width, "_CHUNK", 64)  # many chunks, lines split between them
    rows = [f"r{n},a@acme.io,9,fine,2026-11-03T10:00:00Z" for n in range(40)]
    rows[25] += ",x" * (MAX_FIELDS + 5)
    path = write(tmp_path / "wide.csv", NPS_HEADER + "\n".join(rows) + "\n")
    with pytest.raises(Exception, match=r"line 27 has 2,010 fields"):
        check_line_widths(path)
