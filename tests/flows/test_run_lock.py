"""Finding 4: one run per warehouse and mail folder, whatever the ``work_dir``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

# A run in another process: holds the lock of a nightly on these paths until its stdin closes.
HOLDER = r"""
import sys
from pathlib import Path
from flows.warehouse.publish import run_lock

work, warehouse, mail = (Path(p) for p in sys.argv[1:4])
with run_lock(work, warehouse, mail):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def first_run(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A nightly on warehouse ``wh/lk.duckdb`` and mail folder ``mail``, with work_dir ``work-a``."""
    paths = {
        "warehouse": tmp_path / "wh" / "lk.duckdb",
        "mail": tmp_path / "mail",
        "inbox": tmp_path / "inbox",
    }
    paths["inbox"].mkdir()
    paths["warehouse"].parent.mkdir()
    paths["warehouse"].write_bytes(b"last night, published")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDER,
            str(tmp_path / "work-a" / "lk.duckdb"),
            str(paths["warehouse"]),
            str(paths["mail"]),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    yield paths
    holder.communicate("", timeout=30)


@pytest.mark.parametrize(
    "shares",
    [
        pytest.param("warehouse", id="same warehouse, another work_dir and mail folder"),
        pytest.param("mail", id="same mail folder, another warehouse and work_dir"),
    ],
)
def test_a_second_run_is_refused_in_one_line_and_touches_nothing(
    first_run: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shares: str
) -> None:
    monkeypatch.setenv("LOOPKEEPER_WORK_DIR", str(tmp_path / "work-b"))
    warehouse = (
        first_run["warehouse"] if shares == "warehouse" else tmp_path / "other" / "lk.duckdb"
    )
    mail = first_run["mail"] if shares == "mail" else tmp_path / "other-mail"
    before = first_run["warehouse"].read_bytes()

    result = CliRunner().invoke(
        app,
        [
            "nightly",
            "--inbox",
            str(first_run["inbox"]),
            "--warehouse",
            str(warehouse),
            "--mail-dir",
            str(mail),
        ],
    )

    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("error: another nightly or backfill is writing this warehouse")
    assert "Traceback" not in result.output
    assert not (tmp_path / "work-b").exists() and not (tmp_path / "other-mail").exists()
    assert first_run["warehouse"].read_bytes() == before
