"""Chat settings: checked when they load, in one line that never shows a URL or the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.loop.mail import MailConfigError, check_mail_settings
from flows.settings.chat import ChatConfigError, chat_routes, chat_senders
from flows.settings.config import ConfigError, Settings, load_settings

SLACK = "https://hooks.slack.com/services/T0TEAM/B0CHAN/xxxxSECRETxxxx"
HOOK = "https://receiver.example.com/loopkeeper/hook-token-123"
SECRET = "0123456789abcdef-shared"


def settings(tmp_path: Path, **environ: str) -> Settings:
    return load_settings(
        tmp_path / "absent.toml",
        environ={f"LOOPKEEPER_{name.upper()}": value for name, value in environ.items()},
    )


def test_nothing_set_means_no_chat_at_all(tmp_path: Path) -> None:
    assert chat_routes(settings(tmp_path)) is None
    assert chat_senders(settings(tmp_path)) == []


def test_the_settings_turn_on_each_channel(tmp_path: Path) -> None:
    loaded = settings(tmp_path, slack_webhook_url=SLACK, webhook_url=HOOK, webhook_secret=SECRET)
    routes = chat_routes(loaded)

    assert routes is not None and routes.slack_team and routes.webhook
    assert [channel for channel, _ in chat_senders(loaded)] == ["slack", "webhook"]
    assert SLACK not in repr(loaded) and SECRET not in repr(loaded)  # pydantic SecretStr


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param(
            {"slack_webhook_url": SLACK.replace("https", "http")},
            r"slack_webhook_url \(from environment variable LOOPKEEPER_SLACK_WEBHOOK_URL\): "
            r"must be an https:// address",
            id="plain http to another host",
        ),
        pytest.param(
            {"slack_webhook_url": SLACK + "\n"},
            "contains whitespace or a newline",
            id="a URL read from a file with its newline",
        ),
        pytest.param(
            {"webhook_url": HOOK},
            "webhook_secret .*is empty while webhook_url is set",
            id="webhook without secret",
        ),
        pytest.param(
            {"webhook_url": HOOK, "webhook_secret": "tiny-s3cr3t"},
            "webhook_secret .*is shorter than 16 characters",
            id="short secret",
        ),
    ],
)
def test_a_bad_chat_setting_is_one_line_without_its_value(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        settings(tmp_path, **environ)

    text = str(caught.value)
    assert "\n" not in text
    for value in (SLACK, HOOK, "xxxxSECRETxxxx", "tiny-s3cr3t", "hook-token"):
        assert value not in text


def test_a_local_http_receiver_is_allowed(tmp_path: Path) -> None:
    loaded = settings(tmp_path, webhook_url="http://127.0.0.1:8080/hook", webhook_secret=SECRET)
    assert loaded.webhook_url.get_secret_value() == "http://127.0.0.1:8080/hook"


def test_csms_own_webhooks_come_from_a_csv_file(tmp_path: Path) -> None:
    mapping = tmp_path / "csm_webhooks.csv"
    mapping.write_text(
        "csm_email,webhook_url\nDana.Whitfield@loopkeeper-demo.io,"
        "https://hooks.slack.com/services/T0/B1/dana\n",
        encoding="utf-8",
    )
    routes = chat_routes(settings(tmp_path, slack_csm_webhooks=str(mapping)))

    assert routes is not None and not routes.slack_team
    assert routes.slack_destination("dana.whitfield@loopkeeper-demo.io") == (
        "slack:csm:dana.whitfield@loopkeeper-demo.io"
    )
    assert routes.slack_destination("lee@loopkeeper-demo.io") is None  # no team channel set


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("email,url\n", "needs the columns csm_email, webhook_url", id="wrong header"),
        pytest.param(
            "csm_email,webhook_url\ndana@x.io,http://hooks.example.com/dana-secret\n",
            "row 2: webhook_url must be an https:// address",
            id="http url",
        ),
        pytest.param(
            "csm_email,webhook_url\nnot-an-address,https://hooks.slack.com/services/T/B/c\n",
            "row 2: csm_email is not an address",
            id="bad address",
        ),
    ],
)
def test_a_bad_csm_webhook_file_stops_the_run_before_anything_is_sent(
    tmp_path: Path, text: str, message: str
) -> None:
    mapping = tmp_path / "csm_webhooks.csv"
    mapping.write_text(text, encoding="utf-8")

    with pytest.raises(MailConfigError, match=message) as caught:
        check_mail_settings(settings(tmp_path, slack_csm_webhooks=str(mapping)))
    assert "dana-secret" not in str(caught.value)
    assert str(mapping) in str(caught.value)


def test_a_missing_csm_webhook_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ChatConfigError, match=r"absent\.csv: slack_csm_webhooks cannot be read"):
        chat_routes(settings(tmp_path, slack_csm_webhooks=str(tmp_path / "absent.csv")))
