"""The README is a contract: its configuration table and command table must match the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
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
