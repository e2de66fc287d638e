"""Reading a feedback item handed over as a mapping (a dict, a DataFrame record) into typed fields."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from notifications.messages import check_address

SOURCES = ("nps", "ticket", "widget", "note")
TIERS = ("Enterprise", "Mid-Market", "SMB")
FIELDS = (
    "item_id",
    "source",
    "text",
    "received_at",
    "contact_email",
    "contact_name",
    "account_name",
    "tier",
    "csm_name",
    "csm_email",
    "product_area",
    "intent",
    "nps_score",
)


def is_missing(value: Any) -> bool:
    """None, NaN or pandas' NA: what a DataFrame record holds where a value is absent."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas.NA refuses a truth value; it is only ever the missing value
        return True


def _text(value: Any) -> str:
    # Only stripped: a CR or LF in a name must reach the message check and be rejected there,
    # not be folded into a space and pass unseen.
    return "" if is_missing(value) else str(value).strip()


def _score(value: Any) -> int | None:
    if is_missing(value):
        return None
    # A score column with gaps arrives as floats (3.0) from pandas; a whole float is still a score.
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole or not 0 <= int(value) <= 10:
        raise ValueError(
            f"nps_score: expected a whole number from 0 to 10 or nothing, got {value!r}"
        )
    return int(value)


@dataclass(frozen=True)
class FeedbackItem:
    """The fields of one feedback item an email needs, missing values as "" or None."""

    item_id: str
    source: str
    text: str
    received_at: datetime  # in UTC
    contact_email: str
    contact_name: str
    account_id: str | None
    account_name: str
    tier: str
    csm_name: str
    csm_email: str
    product_area: str
    intent: str
    nps_score: int | None
    redacted_text: str | None

    @classmethod
    def from_mapping(cls, item: Mapping[str, Any]) -> FeedbackItem:
        """Check and normalise one item; raises ValueError naming the field at fault."""
        missing = [field for field in FIELDS if field not in item]
        if missing:
            raise ValueError(f"missing field(s) {', '.join(missing)}")
        item_id = _text(item["item_id"])
        if not item_id:
            raise ValueError("item_id: must not be empty")
        source, tier = _text(item["source"]), _text(item["tier"])
        if source not in SOURCES:
            raise ValueError(f"source: {item['source']!r} is not one of {', '.join(SOURCES)}")
        if tier and tier not in TIERS:
            raise ValueError(f"tier: {item['tier']!r} is not one of {', '.join(TIERS)}")
        received_at = item["received_at"]
        if not isinstance(received_at, datetime):
            raise ValueError(f"received_at: expected a datetime, got {received_at!r}")
        if received_at.tzinfo is not None:
            received_at = received_at.astimezone(UTC)
        csm_email = _text(item["csm_email"])
        if csm_email:
            check_address("csm_email", csm_email)
        redacted = item.get("redacted_text")
        account_id = item.get("account_id")
        return cls(
            item_id=item_id,
            source=source,
            text=str(item["text"]) if not is_missing(item["text"]) else "",
            received_at=received_at,
            contact_email=_text(item["contact_email"]),
            contact_name=_text(item["contact_name"]),
            account_id=None if is_missing(account_id) else str(account_id),
            account_name=_text(item["account_name"]),
            tier=tier,
            csm_name=_text(item["csm_name"]),
            csm_email=csm_email,
            product_area=_text(item["product_area"]),
            intent=_text(item["intent"]),
            nps_score=_score(item["nps_score"]),
            redacted_text=None if is_missing(redacted) else str(redacted),
        )


def first_name(full_name: str) -> str:
    """The name to greet someone by: the first word, or the part after a comma ("Raman, Priya")."""
    name = full_name.strip()
    if "," in name:
        name = name.split(",", 1)[1].strip()
    return name.split()[0] if name else ""
