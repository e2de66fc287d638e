"""Choosing the mail sender from settings; the SendGrid key comes from the environment or a block."""

from __future__ import annotations

import os
from typing import Any

from flows.config import Settings
from notifications import FileSender, Sender, SenderIdentity

API_KEY_ENV = "SENDGRID_API_KEY"


class MailConfigError(RuntimeError):
    """The configured sender cannot be built (e.g. no API key); never contains the key."""


def sender_identity(settings: Settings) -> SenderIdentity:
    return SenderIdentity(
        team_name=settings.team_name,
        from_email=settings.from_email,
        reply_to=settings.reply_to,
        product_name=settings.product_name,
    )


def sendgrid_api_key(settings: Settings) -> str:
    """The key from a Prefect Secret block when one is named, else from ``SENDGRID_API_KEY``."""
    if settings.sendgrid_secret_block:
        from prefect.blocks.system import Secret

        try:
            block: Any = Secret.load(settings.sendgrid_secret_block)
            return str(block.get())
        except ValueError as exc:
            raise MailConfigError(
                f"Prefect Secret block {settings.sendgrid_secret_block!r} could not be loaded"
            ) from exc
    key = os.environ.get(API_KEY_ENV, "")
    if not key:
        raise MailConfigError(
            f"mail_sender is 'sendgrid' but {API_KEY_ENV} is not set and no sendgrid_secret_block is configured"
        )
    return key


def make_sender(settings: Settings) -> Sender:
    if settings.mail_sender == "file":
        return FileSender(settings.mail_dir)
    from notifications import SendGridSender

    return SendGridSender(sendgrid_api_key(settings), sandbox=settings.sendgrid_sandbox)
