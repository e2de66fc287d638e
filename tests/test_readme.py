"""The README is a contract: its configuration table and command table must match the code."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from flows.cli import app
from flows.config import Settings

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
