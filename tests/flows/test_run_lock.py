"""Finding 4: one run per warehouse and mail folder, whatever the ``work_dir``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.commands.cli import app

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


# Another process trying to take the night's locks: prints what happened.
TRIER = r"""
import sys
from pathlib import Path
from flows.warehouse.publish import RunInProgress, run_lock

work, warehouse = (Path(p) for p in sys.argv[1:3])
try:
    with run_lock(work, warehouse):
        print("took it")
except RunInProgress:
    print("refused")
"""


def test_the_command_holds_the_lock_from_its_check_to_the_flows_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.nightly
    from flows.settings.config import load_settings
    from flows.warehouse.publish import night_lock, work_path

    (tmp_path / "inbox").mkdir()
    warehouse = tmp_path / "wh" / "lk.duckdb"
    seen: list[str] = []

    def nightly(**kwargs: object) -> None:
        # Where the race was: Prefect starting, between the command's check and the flow's lock.
        work = work_path(warehouse, tmp_path / "work-b")
        other = subprocess.run(
            [sys.executable, "-c", TRIER, str(work), str(warehouse)],
            capture_output=True,
            text=True,
            check=True,
        )
        seen.append(other.stdout.strip())
        settings = load_settings().with_overrides(
            inbox=tmp_path / "inbox", warehouse=warehouse, mail_dir=tmp_path / "mail"
        )
        with night_lock(settings):  # the flow's own lock: already this process's
            seen.append("flow ran")
        raise KeyboardInterrupt  # stop before a summary is needed

    monkeypatch.setenv("LOOPKEEPER_WORK_DIR", str(tmp_path / "work-a"))
    monkeypatch.setattr(flows.nightly, "nightly", nightly)
    args = ["nightly", "--inbox", str(tmp_path / "inbox"), "--warehouse", str(warehouse)]
    CliRunner().invoke(app, [*args, "--mail-dir", str(tmp_path / "mail")])

    assert seen == ["refused", "flow ran"]
    after = subprocess.run(
        [sys.executable, "-c", TRIER, str(tmp_path / "w" / "lk.duckdb"), str(warehouse)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert after.stdout.strip() == "took it"  # released when the command ended
