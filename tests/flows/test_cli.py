"""The command line: accurate help, clear errors, no traceback for a user's mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from flows.commands.cli import app

runner = CliRunner()
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_the_commands_the_design_promises_are_registered() -> None:
    assert {"demo-data", "nightly", "backfill", "status", "bench"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_describes_every_option(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    params = get_command(app).commands[command].params  # type: ignore[attr-defined]
    for param in params:
        assert param.help, f"{command} {param.name} has no help text"
        shown = param.metavar if param.param_type_name == "argument" else param.opts[0]
        assert shown in result.output


def test_nightly_on_a_missing_inbox_says_how_to_make_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["nightly", "--inbox", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "nowhere: inbox folder not found" in result.output
    assert "loopkeeper demo-data" in result.output


def test_demo_data_refuses_to_mix_two_companies_unless_forced(tmp_path: Path) -> None:
    args = [
        "demo-data",
        "--out",
        str(tmp_path),
        "--accounts",
        "5",
        "--days",
        "3",
        "--end",
        "2026-11-01",
    ]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "feedback items" in forced.output


def test_backfill_rejects_a_reversed_range() -> None:
    result = runner.invoke(app, ["backfill", "--start", "2026-11-10", "--end", "2026-11-01"])
    assert result.exit_code == 1
    assert "--end 2026-11-01 is before --start 2026-11-10" in result.output


def test_a_bad_setting_is_reported_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOPKEEPER_ACK_WINDOW_DAYS", "soon")
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 1
    assert "ack_window_days" in result.output
    assert "Traceback" not in result.output


LABELLED = Path(__file__).parents[1] / "fixtures" / "tag" / "labelled.csv"


def evaluate(*extra: str, text_column: str = "comment"):  # type: ignore[no-untyped-def]
    args = ["nlp", "evaluate", "--input", str(LABELLED), "--label-column", "labels"]
    return runner.invoke(app, [*args, "--text-column", text_column, *extra])


def test_nlp_evaluate_scores_a_teams_labelled_file() -> None:
    result = evaluate()
    assert result.exit_code == 0, result.output
    for label in ("bug", "question", "churn_risk", "praise", "feature_request"):
        assert label in result.output


def test_nlp_evaluate_scores_only_the_labels_given() -> None:
    result = evaluate("--labels", "bug,question")
    assert result.exit_code == 0, result.output
    rows = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    assert "bug" in rows and "question" in rows
    assert "praise" not in rows and "churn_risk" not in rows


def test_nlp_evaluate_refuses_a_label_that_is_not_an_intent() -> None:
    result = evaluate("--labels", "bug,bugs")
    assert result.exit_code == 1
    assert "unknown intent 'bugs'" in result.output


def test_nlp_sentiment_check_prints_the_tagger_beside_vader() -> None:
    result = runner.invoke(app, ["nlp", "sentiment-check"])
    assert result.exit_code == 0, result.output
    assert "loopkeeper" in result.output and "vader" in result.output
    assert "sarcasm" in result.output


def test_nlp_evaluate_names_a_missing_column() -> None:
    result = evaluate(text_column="text")
    assert result.exit_code == 1
    assert "no column 'text'" in result.output


def test_a_missing_model_is_reported_without_a_traceback(tmp_path: Path) -> None:
    result = evaluate("--model-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "cannot load the tagger" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["nightly"], id="nightly"),
        pytest.param(["status"], id="status"),
        pytest.param(["backfill", "--start", "2026-12-01", "--end", "2026-12-02"], id="backfill"),
    ],
)
def test_a_bad_timezone_is_one_line_naming_its_origin(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no loopkeeper.toml here: the environment is to blame
    monkeypatch.setenv("LOOPKEEPER_TIMEZONE", "Mars/Olympus")
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "error: invalid setting timezone = 'Mars/Olympus' (from environment variable "
        "LOOPKEEPER_TIMEZONE): not a known IANA timezone name (e.g. UTC, Europe/Berlin, "
        "America/New_York)"
    ]


def test_bench_on_a_used_workdir_is_one_line(tmp_path: Path) -> None:
    used = tmp_path / "inbox" / "accounts"
    used.mkdir(parents=True)
    (used / "accounts.csv").write_text("account_id\n", encoding="utf-8")
    result = runner.invoke(
        app, ["bench", "--items", "100", "--days", "7", "--workdir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: {used} is not empty; generate the demo inbox into a new folder"
    ]
