"""Settings: one TOML file, overridden by ``LOOPKEEPER_*`` environment variables, overridden by CLI options.

The SendGrid key is deliberately not a setting: it comes only from ``SENDGRID_API_KEY`` or a
Prefect Secret block, so it can never end up in a committed file or a flow parameter.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from flows.settings.chat import check_webhook_secret, check_webhook_url
from nlp.roadmap_match import MIN_SIMILARITY

CONFIG_ENV = "LOOPKEEPER_CONFIG"
DEFAULT_CONFIG_FILE = Path("loopkeeper.toml")
ENV_PREFIX = "LOOPKEEPER_"
# Settings whose value an error never shows: whoever has a webhook URL can post to it.
SECRET_SETTINGS = frozenset({"slack_webhook_url", "webhook_url", "webhook_secret"})


class ConfigError(ValueError):
    """The configuration file or an override is invalid; the message names the setting."""


class Settings(BaseModel):
    """Every setting Loopkeeper reads. Field descriptions feed the README's configuration table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inbox: Path = Field(
        Path("data/inbox"), description="Folder of exports, one sub-folder per source."
    )
    warehouse: Path = Field(
        Path("warehouse/loopkeeper.duckdb"),
        description="The published DuckDB warehouse analysts read; a run replaces it atomically when it succeeds.",
    )
    work_dir: Path | None = Field(
        None,
        description="Where runs build the next night before publishing it (a working copy of the same name); empty means `.work/` beside `warehouse`. Not for analysts.",
    )
    mail_dir: Path = Field(
        Path("data/mail"), description="Where the file sender writes `.eml` files."
    )
    timezone: str = Field(
        "UTC", description="Timezone of the nightly schedule; a night's clock is its midnight."
    )
    mail_sender: Literal["file", "sendgrid"] = Field(
        "file", description="`file` writes `.eml` files to `mail_dir`; `sendgrid` sends for real."
    )
    sendgrid_secret_block: str = Field(
        "",
        description="Name of a Prefect Secret block holding the SendGrid key (else `SENDGRID_API_KEY`).",
    )
    sendgrid_sandbox: bool = Field(
        False, description="SendGrid sandbox mode: requests are validated, nothing is delivered."
    )
    sendgrid_host: str = Field(
        "https://api.sendgrid.com",
        description="SendGrid API address: `https://api.eu.sendgrid.com` for an EU-pinned account, or a proxy.",
    )
    team_name: str = Field("Customer Success", description="Signature of team-signed emails.")
    product_name: str = Field("Loopkeeper Demo", description="Product named in customer emails.")
    from_email: str = Field(
        "success@loopkeeper-demo.io", description="From address of customer emails."
    )
    reply_to: str = Field(
        "success@loopkeeper-demo.io", description="Reply-To of team-signed emails (a real inbox)."
    )
    ack_window_days: int = Field(
        3,
        ge=1,
        description="Items received this many days before the night are still acknowledged; older ones are not (first runs on old data send nothing).",
    )
    escalation_dir: Path | None = Field(
        None,
        description="Folder for escalation documents (Markdown, one stable file name per theme); empty means `escalations/` next to `mail_dir`.",
    )
    reports_dir: Path | None = Field(
        None,
        description="Where the nightly writes the weekly report (Mondays) and the monthly one (the 1st); empty means `reports/` next to `mail_dir`.",
    )
    closed_loop_window_days: int = Field(
        30,
        ge=1,
        description="A roadmap item shipped or declined this many days before the night tells the customers who asked for it; older decisions mail nobody.",
    )
    closed_loop_min_similarity: float = Field(
        MIN_SIMILARITY,
        ge=-1,
        le=1,
        description="How close by meaning (cosine of sentence embeddings) a customer's request must be to a shipped or declined roadmap item for them to be told; every score is kept in `fct_closed_loop_matches`.",
    )
    escalation_min_accounts: int = Field(
        8,
        ge=1,
        description="A theme is escalated to product (once, a document of its own) when this many accounts raised it in the last 90 days...",
    )
    escalation_min_arr: float = Field(
        250_000, ge=0, description="...and the ARR of those accounts adds up to this..."
    )
    escalation_min_retention_risk_accounts: int = Field(
        2,
        ge=1,
        description="...and this many of them mentioned leaving or a competitor, or are flagged at risk. A theme crossing only some of the three is listed in the escalation index (`index.md` beside the documents).",
    )
    at_risk_min_escalations_30d: int | None = Field(
        None,
        ge=1,
        description="An account is at risk (dim_accounts, and its CSM alerted) with this many items of the last 30 days handed off or critical; also on a churn or competitor mention in 90 days, falling CSAT or a detractor NPS. Empty means the dbt var's default in `dbt_project.yml`.",
    )
    csat_falling_min_drop: float | None = Field(
        None,
        gt=0,
        le=1,
        description="CSAT counts as falling (an at-risk signal) when the satisfied share of the last 30 days is this much below the 30 days before. Empty means the dbt var's default.",
    )
    model_dir: Path | None = Field(
        None, description="Trained spaCy tagger; empty means the bundled `models/tagger`."
    )
    taxonomy_dir: Path | None = Field(
        None, description="Product-area and competitor lists; empty means `models/taxonomy`."
    )
    dbt_project_dir: Path | None = Field(
        None, description="dbt project; empty means the bundled `dbt_project`."
    )
    dbt_target: str = Field(
        "dev", description="`profiles.yml` target dbt builds (e.g. `motherduck`)."
    )
    dbt_memory_limit: str = Field(
        "1.5GB",
        pattern=r"^\d+(\.\d+)?(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$",
        description="The most memory DuckDB takes while dbt builds (its `memory_limit`, e.g. `1.5GB` or `50%` of the RAM); past it, big joins and sorts spill to a temporary folder beside the warehouse. A million items build in the same time with 1GB as with no limit.",
    )
    dbt_cache_dir: Path | None = Field(
        None,
        description="Where dbt's parse of the project and the nightly's data tests as compiled are kept between runs; empty means the `.dbt/` folder beside the working copy. Warehouses built from the same project may share one: a warehouse in a new folder then skips dbt's full parse.",
    )
    tag_batch_size: int = Field(1000, ge=1, description="Texts per spaCy batch in the tag step.")
    tag_workers: int = Field(
        0,
        ge=0,
        description="Worker processes of the local Dask cluster that classifies big nights; 0 means one per core, 1 tags in the flow's own process.",
    )
    tag_cluster_min_items: int = Field(
        100_000,
        ge=0,
        description="Nights with fewer untagged items than this tag in the flow's own process (starting workers costs 10-20 s).",
    )
    dask_address: str = Field(
        "",
        description="An existing Dask scheduler (`tcp://host:8786`) for the tag step instead of a local cluster; its workers need Loopkeeper, the model at `model_dir` and the Prefect API.",
    )
    inbox_settle_seconds: float = Field(
        60,
        ge=0,
        description="A file modified this recently may still be being written: it is left for the next run (0: read everything now). Dot-files and `*.partial` files are never read.",
    )
    slack_webhook_url: SecretStr = Field(
        SecretStr(""),
        description="Slack incoming-webhook URL of the team's channel: at-risk alerts, hand-offs, stale digests and escalations are posted there too (Block Kit). A secret: set it in the environment, not in a committed file. Empty: no Slack.",
    )
    slack_csm_webhooks: Path | None = Field(
        None,
        description="CSV file (`csm_email,webhook_url`) of CSMs' own Slack incoming webhooks: their alerts go there instead of the team channel. Keep it out of the repository.",
    )
    webhook_url: SecretStr = Field(
        SecretStr(""),
        description="Generic webhook the same alerts are POSTed to as signed JSON (see Webhooks). A secret. Empty: none.",
    )
    webhook_secret: SecretStr = Field(
        SecretStr(""),
        description="Shared secret (16 characters or more) the webhook's HMAC-SHA256 signature is keyed with; required with `webhook_url`.",
        validate_default=True,
    )
    escalation_url_base: str = Field(
        "",
        description="Address the escalation folder is served under (a wiki, a shared drive): chat messages link each document there. Empty: they name the file's path.",
    )
    columns: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per source, export header -> raw column, for CSV exports whose headers Loopkeeper does not know (`[loopkeeper.columns.nps]`; env: JSON).",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "not a known IANA timezone name (e.g. UTC, Europe/Berlin, America/New_York)"
            ) from None
        return value

    @field_validator("slack_webhook_url", "webhook_url")
    @classmethod
    def _webhook_url(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value():
            check_webhook_url(value.get_secret_value())
        return value

    @field_validator("escalation_url_base")
    @classmethod
    def _escalation_url_base(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        url = info.data.get("webhook_url")
        check_webhook_secret(value.get_secret_value(), url_set=bool(url and url.get_secret_value()))
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _columns_from_json(cls, value: Any) -> Any:
        # An environment variable can only hold text: there the mapping is JSON.
        return json.loads(value) if isinstance(value, str) else value

    def dbt_vars(self) -> dict[str, object]:
        """The business thresholds this deployment sets, as dbt vars; the unset ones keep their
        one default, in dbt_project.yml."""
        thresholds = {
            "at_risk_min_escalations_30d": self.at_risk_min_escalations_30d,
            "csat_falling_min_drop": self.csat_falling_min_drop,
        }
        return {name: value for name, value in thresholds.items() if value is not None}

    def with_overrides(self, **overrides: Any) -> Settings:
        """Copy with the given non-None values replaced (CLI options win over file and env)."""
        values = {k: v for k, v in overrides.items() if v is not None}
        origins = dict.fromkeys(values, "command-line option")
        return _build({**self.model_dump(), **values}, origins)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _read_file(path: Path) -> dict[str, Any]:
    """The `[loopkeeper]` table of the file; an unknown section or setting is an error."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    for section in document:
        if section != "loopkeeper":
            # A misspelt section would otherwise be ignored, and every setting in it with it.
            raise ConfigError(
                f"{path}: unknown section [{section}]{_did_you_mean(section, ['loopkeeper'])}; "
                "settings go under [loopkeeper]"
            )
    values = document.get("loopkeeper", {})
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: `loopkeeper` must be a section ([loopkeeper])")
    known = list(Settings.model_fields)
    for key in values:
        if key not in known:
            raise ConfigError(
                f"{path}: unknown setting `{key}` in [loopkeeper]{_did_you_mean(key, known)}"
            )
    return dict(values)


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read the TOML file (if present) and apply ``LOOPKEEPER_<SETTING>`` environment overrides."""
    environ = dict(os.environ) if environ is None else environ
    path = path or Path(environ.get(CONFIG_ENV, DEFAULT_CONFIG_FILE))
    values: dict[str, Any] = {}
    if path.exists():
        values = _read_file(path)
    elif CONFIG_ENV in environ:
        raise ConfigError(f"{path}: configuration file named by {CONFIG_ENV} does not exist")
    origins = dict.fromkeys(values, str(path))
    for name in Settings.model_fields:
        key = ENV_PREFIX + name.upper()
        if key in environ:
            values[name] = environ[key]
            origins[name] = f"environment variable {key}"
    return _build(values, origins)


def _build(values: dict[str, Any], origins: dict[str, str]) -> Settings:
    """Validate every setting; an error names each bad setting, its value and where it came from."""
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            where = ".".join(str(p) for p in err["loc"])
            origin = origins.get(name, "default")
            shown = (
                f" = {values[name]!r}"
                if name in values
                and err["type"] != "extra_forbidden"
                and name not in SECRET_SETTINGS
                else ""
            )
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}{shown} (from {origin}): {message}")
        raise ConfigError("invalid setting " + "; ".join(problems)) from None
