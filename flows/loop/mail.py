"""Choosing the mail sender from settings; the SendGrid key comes from the environment or a block.

The key is checked when a run starts (``check_mail_settings``), before anything is claimed or
sent, and from then on every log record of the process goes through the one redaction.
"""

from __future__ import annotations

import os
from typing import Any

from flows.settings.chat import ChatConfigError, check_chat_settings
from flows.settings.clock import utc_now_aware
from flows.settings.config import Settings
from notifications import (
    ApiKeyError,
    FileSender,
    Sender,
    SenderIdentity,
    check_api_key,
    install_log_redaction,
    redact_secrets,
    remember_secret,
)

API_KEY_ENV = "SENDGRID_API_KEY"


class MailConfigError(RuntimeError):
    """The configured sender cannot be built (e.g. no API key); never contains the key."""


class DeliveryIncomplete(RuntimeError):
    """The night was published, but its delivery stopped: messages wait for the next run.

    Carries the night's summary, so the command line can print it before the one-line error.
    """

    def __init__(self, message: str, summary: Any = None) -> None:
        super().__init__(message)
        self.summary = summary


def sender_identity(settings: Settings) -> SenderIdentity:
    return SenderIdentity(
        team_name=settings.team_name,
        from_email=settings.from_email,
        reply_to=settings.reply_to,
        product_name=settings.product_name,
    )


def sendgrid_api_key(settings: Settings) -> str:
    """The key from a Prefect Secret block when one is named, else from ``SENDGRID_API_KEY``.

    Checked for the mistakes that would put it in an error text (a trailing newline, a space)
    or send another secret to SendGrid (no ``SG.``): one error naming where it came from.
    """
    if settings.sendgrid_secret_block:
        from prefect.blocks.system import Secret

        where = f"the Prefect Secret block {settings.sendgrid_secret_block!r}"
        try:
            block: Any = Secret.load(settings.sendgrid_secret_block)
            key = str(block.get())
        except ValueError as exc:
            raise MailConfigError(f"{where} could not be loaded") from exc
    else:
        where = API_KEY_ENV
        key = os.environ.get(API_KEY_ENV, "")
        if not key:
            raise MailConfigError(
                f"mail_sender is 'sendgrid' but {API_KEY_ENV} is not set and no sendgrid_secret_block is configured"
            )
    remember_secret(key)
    try:
        check_api_key(key)
    except ApiKeyError as exc:
        raise MailConfigError(f"the SendGrid API key in {where} {exc}") from None
    return key


def check_mail_settings(settings: Settings) -> None:
    """What a run checks before its first stage: every log line redacted, a usable key, chat
    webhooks that can be read."""
    install_log_redaction()
    if settings.mail_sender == "sendgrid":
        sendgrid_api_key(settings)
    try:
        check_chat_settings(settings)
    except ChatConfigError as exc:
        raise MailConfigError(str(exc)) from None


def make_sender(settings: Settings) -> Sender:
    install_log_redaction()
    if settings.mail_sender == "file":
        return FileSender(settings.mail_dir, clock=utc_now_aware)
    from notifications import SendGridSender

    return SendGridSender(
        sendgrid_api_key(settings),
        sandbox=settings.sendgrid_sandbox,
        host=settings.sendgrid_host,
    )


def error_text(error: BaseException) -> str:
    """An error as a person reads it on the command line: without any secret."""
    return redact_secrets(str(error))
