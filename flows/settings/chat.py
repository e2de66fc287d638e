"""Chat channels from the settings: which are on, their URLs, and the senders that post to them.

The Slack URLs, the webhook URL and its secret are checked when the settings load; an error
names the setting and what is wrong, never the value. Only ``ChatRoutes`` (which channels
are on, by destination name) reaches the outbox; the URLs stay in the senders.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from notifications.chat import SLACK, TEAM_DESTINATION, WEBHOOK, ChatRoutes, csm_destination
from notifications.secrets import remember_secret, remember_url
from notifications.webhook_signing import MIN_SECRET_LENGTH

if TYPE_CHECKING:
    from flows.settings.config import Settings
    from notifications.senders import Sender

# Plain http only to this machine (a local relay, the tests' stand-in server).
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CSM_WEBHOOK_COLUMNS = ("csm_email", "webhook_url")


class ChatConfigError(RuntimeError):
    """A chat setting cannot be used; the message never contains a URL or the secret."""


def check_webhook_url(url: str) -> None:
    """Raise ValueError (without the URL in it) unless ``url`` is one https address."""
    if url != url.strip() or any(character.isspace() for character in url):
        raise ValueError(
            "contains whitespace or a newline (a URL read from a file keeps its last newline)"
        )
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS
    if parts.scheme != "https" and not local:
        raise ValueError("must be an https:// address (http:// only to 127.0.0.1 or localhost)")
    if not parts.hostname:
        raise ValueError("has no host name")


def check_webhook_secret(secret: str, *, url_set: bool) -> None:
    """Raise ValueError (without the secret in it) unless the secret can sign webhooks."""
    if not secret:
        if url_set:
            raise ValueError("is empty while webhook_url is set: webhooks are always signed")
        return
    if secret != secret.strip():
        raise ValueError("starts or ends with whitespace or a newline; remove it")
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"is shorter than {MIN_SECRET_LENGTH} characters")


def read_csm_webhooks(path: Path) -> dict[str, str]:
    """CSM address (lowercase) -> their Slack webhook URL, from a ``csm_email,webhook_url`` CSV."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in CSM_WEBHOOK_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ChatConfigError(
                    f"{path}: slack_csm_webhooks needs the columns {', '.join(CSM_WEBHOOK_COLUMNS)};"
                    f" {', '.join(missing)} missing"
                )
            urls: dict[str, str] = {}
            for line, row in enumerate(reader, start=2):
                address = (row.get("csm_email") or "").strip().lower()
                url = (row.get("webhook_url") or "").strip()
                if url:
                    remember_url(url)  # before any check can fail with it in hand
                if "@" not in address:
                    raise ChatConfigError(f"{path}: row {line}: csm_email is not an address")
                try:
                    check_webhook_url(url)
                except ValueError as error:
                    raise ChatConfigError(f"{path}: row {line}: webhook_url {error}") from None
                if address in urls:
                    raise ChatConfigError(f"{path}: row {line}: {address} is listed twice")
                urls[address] = url
    except OSError as error:
        raise ChatConfigError(
            f"{path}: slack_csm_webhooks cannot be read: {error.strerror or error}"
        ) from None
    return urls


def slack_urls(settings: Settings) -> dict[str, str]:
    """Destination name -> Slack webhook URL, for every Slack destination configured."""
    urls = {}
    team = settings.slack_webhook_url.get_secret_value()
    if team:
        urls[TEAM_DESTINATION] = team
    if settings.slack_csm_webhooks is not None:
        for address, url in read_csm_webhooks(settings.slack_csm_webhooks).items():
            urls[csm_destination(address)] = url
    for url in urls.values():
        remember_url(url)
    return urls


def chat_routes(settings: Settings) -> ChatRoutes | None:
    """Which chat channels are on, without their URLs; None when none is (the default)."""
    csms: dict[str, str] = {}
    if settings.slack_csm_webhooks is not None:
        csms = read_csm_webhooks(settings.slack_csm_webhooks)
    routes = ChatRoutes(
        slack_team=bool(settings.slack_webhook_url.get_secret_value()),
        slack_csms=frozenset(csms),
        webhook=bool(settings.webhook_url.get_secret_value()),
        escalation_url_base=settings.escalation_url_base,
    )
    return routes if routes.any else None


def check_chat_settings(settings: Settings) -> None:
    """What a run checks before its first stage: the CSM webhook file reads, secrets remembered."""
    slack_urls(settings)
    if settings.webhook_url.get_secret_value():
        remember_url(settings.webhook_url.get_secret_value())
        remember_secret(settings.webhook_secret.get_secret_value())


def chat_senders(settings: Settings) -> list[tuple[str, Sender]]:
    """(channel, sender) for each chat channel configured, in the order they are delivered."""
    from notifications.chat_senders import SlackSender, WebhookSender

    senders: list[tuple[str, Sender]] = []
    urls = slack_urls(settings)
    if urls:
        senders.append((SLACK, SlackSender(urls)))
    if settings.webhook_url.get_secret_value():
        senders.append(
            (
                WEBHOOK,
                WebhookSender(
                    settings.webhook_url.get_secret_value(),
                    settings.webhook_secret.get_secret_value(),
                ),
            )
        )
    return senders
