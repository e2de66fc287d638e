"""Settings: file, environment overrides, CLI overrides, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings.config import ConfigError, Settings, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "loopkeeper.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_then_environment_then_options_win_in_that_order(tmp_path: Path) -> None:
    path = write(tmp_path, '[loopkeeper]\nwarehouse = "from-file.duckdb"\nack_window_days = 5\n')
    settings = load_settings(path, environ={"LOOPKEEPER_WAREHOUSE": "from-env.duckdb"})
    assert settings.warehouse == Path("from-env.duckdb")
    assert settings.ack_window_days == 5
    assert settings.with_overrides(warehouse=Path("cli.duckdb"), inbox=None).warehouse == Path(
        "cli.duckdb"
    )


def test_missing_default_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml", environ={}) == Settings()


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        pytest.param(
            '[loopkeeper]\nwarehous = "x"\n',
            {},
            r"unknown setting `warehous` in \[loopkeeper\] \(did you mean `warehouse`\?\)",
            id="misspelt setting",
        ),
        pytest.param(
            '[loopkeper]\nwarehouse = "x"\n',
            {},
            r"unknown section \[loopkeper\] \(did you mean `loopkeeper`\?\)",
            id="misspelt section",
        ),
        pytest.param(
            "",
            {"LOOPKEEPER_TIMEZONE": "Mars/Olympus"},
            r"timezone = 'Mars/Olympus' \(from environment variable LOOPKEEPER_TIMEZONE\): "
            "not a known IANA timezone",
            id="unknown timezone from the environment",
        ),
        pytest.param(
            '[loopkeeper]\ntimezone = "Mars/Olympus"\n',
            {},
            r"timezone = 'Mars/Olympus' \(from .*loopkeeper.toml\)",
            id="unknown timezone from the file",
        ),
        pytest.param("[loopkeeper\n", {}, "not valid TOML", id="broken toml"),
        pytest.param(
            "",
            {"LOOPKEEPER_ACK_WINDOW_DAYS": "soon"},
            r"ack_window_days = 'soon' \(from environment variable LOOPKEEPER_ACK_WINDOW_DAYS\)",
            id="bad env value",
        ),
        pytest.param(
            "", {"LOOPKEEPER_MAIL_SENDER": "carrier-pigeon"}, "mail_sender", id="unknown sender"
        ),
        pytest.param(
            '[loopkeeper]\ndbt_memory_limit = "lots"\n',
            {},
            r"dbt_memory_limit = 'lots' \(from .*loopkeeper.toml\)",
            id="a memory limit without a unit",
        ),
    ],
)
def test_bad_configuration_names_the_setting(
    tmp_path: Path, text: str, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text), environ=environ)


def test_an_environment_value_is_not_blamed_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path / "absent.toml", environ={"LOOPKEEPER_TIMEZONE": "Mars/Olympus"})
    assert "absent.toml" not in str(raised.value)


def test_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(environ={"LOOPKEEPER_CONFIG": str(tmp_path / "nope.toml")})


def test_sendgrid_key_is_not_a_setting() -> None:
    assert not any("key" in name for name in Settings.model_fields)
