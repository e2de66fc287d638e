"""What a run can check before any data work, checked first: each failure is one line.

The command line runs these before it takes the run lock (which it checks next) and before
Prefect starts a flow: a missing or malformed SendGrid key, or a Prefect API that
``PREFECT_API_URL`` names but nobody answers at, would otherwise surface only after a flow run
began (the key after a temporary server's start, the API as a long traceback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.settings.config import Settings


class PreflightError(RuntimeError):
    """Something the run needs is missing or unreachable; the message says what and where."""


def check_prefect_api() -> None:
    """The configured Prefect API answers its health check. With no API configured each run
    starts a temporary one of its own, so there is nothing to reach."""
    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        return
    with get_client(sync_client=True) as client:
        error = client.api_healthcheck()
    if error is not None:
        raise PreflightError(
            f"the Prefect API at {url} (PREFECT_API_URL) does not answer ({error}): start the "
            "server, or unset PREFECT_API_URL to run on a temporary one"
        )


def check_before_the_night(settings: Settings, *, send: bool = True) -> None:
    """The Prefect API, then the sender and its key when the run sends (``MailConfigError``,
    the flow's own check, run early; a key in a Prefect Secret block needs the API first)."""
    from flows.loop.mail import check_mail_settings

    check_prefect_api()
    if send:
        check_mail_settings(settings)
