"""The README is a contract: its configuration table and command table must match the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from flows.commands.cli import app
from flows.settings.config import Settings

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table() -> None:
    documented = set(
        re.findall(r"^\| `([a-z0-9_]+)` \| `LOOPKEEPER_([A-Z0-9_]+)` \|", README, re.M)
    )
    assert documented == {(name, name.upper()) for name in Settings.model_fields}


def test_every_command_is_in_the_command_table_and_no_other() -> None:
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    documented = set(re.findall(r"^\| `loopkeeper ([a-z-]+)", README, re.M))
    assert documented == commands


def test_quick_start_has_exactly_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == [
        "make demo",
        "make test",
    ]


def readme_commands() -> list[tuple[str, ...]]:
    """Every `loopkeeper ...` command the README shows (tables, examples, prose), as the words
    that name it in the CLI: a group's words continue into its subcommand, a leaf's end it."""
    found: set[tuple[str, ...]] = set()
    for match in re.finditer(r"loopkeeper((?: [a-z][a-z-]*)+)", README):
        words: list[str] = []
        command: Any = get_command(app)
        for word in match.group(1).split():
            if word not in getattr(command, "commands", {}):
                break
            command = command.commands[word]
            words.append(word)
        if words:
            assert not hasattr(command, "commands"), f"README names the group {words} alone"
            found.add(tuple(words))
    return sorted(found)


def test_the_readme_shows_every_command_of_the_cli() -> None:
    def leaves(command: Any, path: tuple[str, ...]) -> set[tuple[str, ...]]:
        if hasattr(command, "commands"):
            return {
                leaf
                for name, sub in command.commands.items()
                for leaf in leaves(sub, (*path, name))
            }
        return {path}

    assert set(readme_commands()) == leaves(get_command(app), ())


@pytest.mark.parametrize("words", readme_commands(), ids=" ".join)
def test_every_command_the_readme_shows_answers_help(words: tuple[str, ...]) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*words, "--help"], prog_name="loopkeeper")
    assert result.exit_code == 0, result.output
    assert f"Usage: loopkeeper {' '.join(words)}" in " ".join(result.output.split())


# Every command README.md shows, and how this test checks it. `run`: run as written (in a
# folder holding a copy of a demo warehouse and the repo's loopkeeper.toml, with `make`'s uv
# and the environment on PATH, as after `make demo`); `help`: too slow, a long-running server
# or a template with placeholders, so its `--help` (or `make -n`, `bash -n`) is run; `covered`:
# run for real (or, for a synopsis, answered in-process) by the named test.
RUN, HELP, COVERED = "run", "help", "covered"
# The command table's synopses: each command's --help, in-process, by the test above.
SYNOPSIS = "tests/test_readme.py::test_every_command_the_readme_shows_answers_help"
SERVED = (
    "tests/flows/test_served_deployment.py::test_the_nightly_deployment_runs_on_a_served_prefect"
)
IMPACT = (
    "tests/flows/reports/test_loop_returned.py"
    "::test_a_year_on_the_loops_customers_are_compared_with_the_others"
)
IMPACT_CLI = (
    "tests/flows/reports/test_loop_returned.py"
    "::test_demo_data_outcomes_writes_the_delivery_and_names_what_is_missing"
)
COMMANDS: dict[str, tuple[str, str]] = {
    # Quick start and development (make): dry runs; `make test` and `make lint` are CI itself.
    "make demo": (HELP, "make -n demo"),
    "make test": (HELP, "make -n test"),
    "make setup": (HELP, "make -n setup"),
    "make lint": (HELP, "make -n lint"),
    "make help": (RUN, "make help"),
    ".ci/run": (HELP, "bash -n .ci/run"),
    ".venv/bin/pre-commit install": (HELP, ".venv/bin/pre-commit install --help"),
    ".venv/bin/pre-commit run --all-files": (HELP, ".venv/bin/pre-commit run --help"),
    "uv run pytest -n0 tests/...": (HELP, "uv run pytest --help"),
    # Command line: how to run it, the synopses of the command table, the commands in prose.
    "uv run loopkeeper ...": (HELP, "uv run loopkeeper --help"),
    ".venv/bin/loopkeeper": (HELP, ".venv/bin/loopkeeper --help"),
    "loopkeeper demo-data --out DIR --accounts N --days D --end DATE --seed S [--later \\| --outcomes [--warehouse PATH] [--no-effect]]": (
        COVERED,
        SYNOPSIS,
    ),
    "loopkeeper nightly [--inbox DIR] [--warehouse PATH] [--mail-dir DIR] [--date YYYY-MM-DD]": (
        COVERED,
        SYNOPSIS,
    ),
    "loopkeeper backfill --start DATE --end DATE [--send] [--publish-older]": (COVERED, SYNOPSIS),
    "loopkeeper tag INPUT --text-column COL --output OUT": (COVERED, SYNOPSIS),
    "loopkeeper nlp evaluate --input FILE --text-column COL --label-column COL [--labels a,b]": (
        COVERED,
        SYNOPSIS,
    ),
    "loopkeeper nlp sentiment-check [--input FILE]": (COVERED, SYNOPSIS),
    "loopkeeper report monthly --month YYYY-MM --out FILE.html [--warehouse PATH]": (
        COVERED,
        SYNOPSIS,
    ),
    "loopkeeper report weekly --week YYYY-Www --out FILE.html [--warehouse PATH]": (
        COVERED,
        SYNOPSIS,
    ),
    "loopkeeper status [--warehouse PATH]": (COVERED, SYNOPSIS),
    "loopkeeper status": (RUN, "loopkeeper status"),
    "loopkeeper quarantine FILE [--record N ...] --reason TEXT [--warehouse PATH]": (
        COVERED,
        SYNOPSIS,
    ),
    "loopkeeper outbox [--requeue KEY...] [--requeue-all-unknown]": (COVERED, SYNOPSIS),
    "loopkeeper outbox": (RUN, "loopkeeper outbox"),
    "loopkeeper outbox --requeue KEY...": (COVERED, SYNOPSIS),
    "loopkeeper bench --items N [--nights K] [--quiet-nights Q] [--ingest \\| --dbt] [--workdir DIR]": (
        COVERED,
        SYNOPSIS,
    ),
    "loopkeeper bench --items N": (COVERED, SYNOPSIS),
    "loopkeeper bench --items N --nights K": (COVERED, SYNOPSIS),
    "loopkeeper bench --items N --nights K --quiet-nights Q": (COVERED, SYNOPSIS),
    "loopkeeper bench --ingest --items N": (COVERED, SYNOPSIS),
    "loopkeeper bench --dbt --items N --workdir DIR": (COVERED, SYNOPSIS),
    # Reports: run as written on the demo warehouse.
    "uv run loopkeeper report monthly --month 2026-10 --out reports/monthly-2026-10.html": (
        RUN,
        "uv run loopkeeper report monthly --month 2026-10 --out reports/monthly-2026-10.html",
    ),
    "uv run loopkeeper report weekly --week 2026-W46 --out reports/weekly-2026-W46.html": (
        RUN,
        "uv run loopkeeper report weekly --week 2026-W46 --out reports/weekly-2026-W46.html",
    ),
    # The closed loop's truth check: run as written on the demo warehouse.
    "uv run python -m flows.demo.closed_loop_truth warehouse/loopkeeper.duckdb": (
        RUN,
        "uv run python -m flows.demo.closed_loop_truth warehouse/loopkeeper.duckdb",
    ),
    # Running on a schedule: served for real by the deployment test.
    "uv run prefect server start": (COVERED, SERVED),
    "export PREFECT_API_URL=http://127.0.0.1:4200/api": (COVERED, SERVED),
    "export LOOPKEEPER_HOME=$PWD": (COVERED, SERVED),
    "uv run prefect work-pool create loopkeeper --type process": (COVERED, SERVED),
    "uv run prefect deploy --all": (COVERED, SERVED),
    "uv run prefect worker start --pool loopkeeper": (COVERED, SERVED),
    "uv run prefect deployment run loopkeeper-backfill/backfill -p start=2026-10-01 -p end=2026-10-31": (
        HELP,
        "uv run prefect deployment run --help",
    ),
    # What the loop returned: the demo a year on, built in-process by the impact tests' build
    # (tests/flows/reports/conftest.py) and its `demo-data --outcomes` by the CLI test.
    "uv run loopkeeper demo-data --out data/impact --end 2025-11-21": (COVERED, IMPACT),
    "uv run loopkeeper nightly --inbox data/impact --warehouse warehouse/impact.duckdb --mail-dir data/impact-mail --date 2025-11-22": (
        COVERED,
        IMPACT,
    ),
    "uv run loopkeeper demo-data --out data/impact --outcomes --warehouse warehouse/impact.duckdb --end 2026-11-21": (
        COVERED,
        IMPACT_CLI,
    ),
    "uv run loopkeeper nightly --inbox data/impact --warehouse warehouse/impact.duckdb --mail-dir data/impact-mail --date 2026-11-22": (
        COVERED,
        IMPACT,
    ),
    # For analysts and developers.
    'uv run python -c "import duckdb; print(duckdb.__version__)"': (
        RUN,
        'uv run python -c "import duckdb; print(duckdb.__version__)"',
    ),
    "uv run dbt docs generate --project-dir dbt_project --profiles-dir dbt_project --target analyst": (
        HELP,
        "uv run dbt docs generate --help",
    ),
    "uv run dbt docs serve": (HELP, "uv run dbt docs serve --help"),
    "uv run python -m nlp.train": (HELP, "uv run python -m nlp.train --help"),
    "uv run python -m nlp.bench": (HELP, "uv run python -m nlp.bench --help"),
}
# What starts a command in the README's prose (inline code); every line of a ```bash block is one.
PROGRAMS = ("make ", "uv ", "loopkeeper ", ".venv/bin/", ".ci/", "export ", "duckdb ", "python ")
REPO = Path(__file__).parents[1]


def shown_commands() -> set[str]:
    """Every command README.md shows: each line of a ```bash block (comments dropped) and each
    inline code span that starts with a program."""
    shown: set[str] = set()
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                shown.add(command)
    shown.update(span for span in re.findall(r"`([^`\n]+)`", README) if span.startswith(PROGRAMS))
    return shown


def test_every_command_the_readme_shows_is_checked_here() -> None:
    assert shown_commands() == set(COMMANDS), "README commands and the table differ"


def test_a_covered_command_names_a_test_that_exists() -> None:
    for mode, test in COMMANDS.values():
        if mode == COVERED:
            path, name = test.split("::")
            assert f"def {name}(" in (REPO / path).read_text(encoding="utf-8"), test


@pytest.fixture(scope="module")
def after_make_demo(
    shared: Any, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """A folder as after `make demo` (loopkeeper.toml, a demo warehouse with October 2026 and
    week 2026-W46 in it) and the environment of a shell there: make's uv and the project's
    environment on PATH; uv told where the project is and not to sync it (the test must not
    change .venv)."""
    import os
    import shutil

    from tests.flows.reports.conftest import build_report_warehouse

    warehouse = shared.get("report_warehouse", build_report_warehouse, request)
    folder = tmp_path_factory.mktemp("readme")
    (folder / "warehouse").mkdir()
    shutil.copy(warehouse, folder / "warehouse" / "loopkeeper.duckdb")
    shutil.copy(REPO / "loopkeeper.toml", folder / "loopkeeper.toml")
    path = os.pathsep.join(
        [str(REPO / ".tools" / "bin"), str(REPO / ".venv" / "bin"), os.environ["PATH"]]
    )
    env = {**os.environ, "PATH": path, "UV_PROJECT": str(REPO), "UV_NO_SYNC": "1", "UV_FROZEN": "1"}
    return folder, env


@pytest.mark.parametrize(
    "check", sorted({check for mode, check in COMMANDS.values() if mode != COVERED})
)
def test_every_readme_command_runs(
    check: str, after_make_demo: tuple[Path, dict[str, str]]
) -> None:
    import subprocess

    folder, env = after_make_demo
    # make, .ci/run and .venv/bin/... are the repo's own; the rest run where the demo is.
    here = REPO if check.startswith(("make ", "bash ", ".venv/")) else folder
    result = subprocess.run(
        check, shell=True, cwd=here, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{check!r} exited {result.returncode}: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    if "--out " in check:  # a report: its HTML and its Markdown twin
        out = here / check.split("--out ", 1)[1].split()[0]
        assert out.stat().st_size > 0 and out.with_suffix(".md").stat().st_size > 0


@pytest.mark.parametrize(
    "query", re.findall(r"```sql\n(.*?)```", README, re.S), ids=lambda q: q.split("\n")[0][:40]
)
def test_every_readme_query_runs_on_the_demo_warehouse(
    query: str, after_make_demo: tuple[Path, dict[str, str]]
) -> None:
    import duckdb

    folder, _ = after_make_demo
    with duckdb.connect(str(folder / "warehouse" / "loopkeeper.duckdb"), read_only=True) as con:
        assert con.execute(query).fetchall() is not None
