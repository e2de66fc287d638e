"""Reading a feedback item handed over as a mapping (a dict, a DataFrame record) into typed fields."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from notifications.messages import check_address
from notifications.redaction import quote_for_author, quote_for_colleague, redact_contact_details

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
# Read when present (marts.fct_feedback has them): what routing, hand-offs and themes need.
OPTIONAL_FIELDS = (
    "account_id",
    "redacted_text",
    "intents",
    "severity",
    "ces_score",
    "arr",
    "renewal_date",
    "theme_key",
    "theme_label",
    "matched_text",
    "note_type",
    "source_record_id",
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


def _score(value: Any, field: str = "nps_score", low: int = 0, high: int = 10) -> int | None:
    if is_missing(value):
        return None
    # A score column with gaps arrives as floats (3.0) from pandas; a whole float is still a score.
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole or not low <= int(value) <= high:
        raise ValueError(
            f"{field}: expected a whole number from {low} to {high} or nothing, got {value!r}"
        )
    return int(value)


def parse_intents(value: Any) -> tuple[str, ...]:
    """Intent labels from a list (DuckDB list column) or a ``;``-joined string: the one parser
    of the mart's (and the tag file's) intents column."""
    if isinstance(value, str):
        labels: list[Any] = value.split(";")
    elif isinstance(value, float) or not hasattr(value, "__iter__"):
        return ()  # missing: None, NaN or pandas' NA
    else:
        labels = list(value)
    return tuple(str(label).strip() for label in labels if str(label).strip())


def _amount(value: Any, field: str) -> float | None:
    if is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(f"{field}: expected an amount of zero or more, got {value!r}")
    return float(value)


def _date(value: Any, field: str) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"{field}: expected a date, got {value!r}")


@dataclass(frozen=True)
class FeedbackItem:
    """The fields of one feedback item an email needs, missing values as "" or None.

    Fill it from a ``marts.fct_feedback`` row with ``from_mapping`` (column names match). The
    fields after ``redacted_text`` are optional there: routing (``handoff_reasons``) reads
    intents, severity and the CES score; hand-offs show ARR and renewal; closed-loop mail the theme.
    """

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
    intents: tuple[str, ...] = ()
    severity: str = ""  # low | medium | high | critical, as the tagger gives it
    ces_score: int | None = None  # Customer Effort Score, 1 (very easy) to 7 (very hard)
    arr: float | None = None
    renewal_date: date | None = None
    theme_key: str = ""
    theme_label: str = ""
    # The sentence of ``text`` a roadmap item was matched on (fct_closed_loop_matches).
    matched_text: str = ""
    note_type: str = ""  # a note's kind (qbr, csm_call); "" for every other source
    source_record_id: str = ""  # the item's id in its source (a note bullet: <note_id>:<n>)

    @property
    def ranked_intents(self) -> tuple[str, ...]:
        """Its intents, the top one (``intent``) first."""
        others = tuple(intent for intent in self.intents if intent != self.intent)
        return (self.intent, *others) if self.intent else others

    @property
    def quoted_text(self) -> str:
        """The customer's words with contact details masked: what any email may quote."""
        if self.redacted_text is not None:
            return self.redacted_text
        return redact_contact_details(self.text)

    @property
    def colleague_quote(self) -> str:
        """``quoted_text`` without the greeting and sign-off around it: what an alert to a CSM
        or a document for product quotes (``quote_for_colleague``)."""
        return quote_for_colleague(self.quoted_text) or self.quoted_text

    @property
    def author_quote(self) -> str:
        """The customer's words as an email to their author quotes them: no placeholder, no
        sign-off, no sentence carrying contact details (``quote_for_author``)."""
        return quote_for_author(self.text, self.redacted_text)

    @property
    def matched_quote(self) -> str:
        """The sentence a roadmap item was matched on, as an email to its author quotes it (no
        subject line, greeting or sign-off around it); their whole quote when no sentence was
        matched or none of it may be quoted."""
        quote = quote_for_author(self.matched_text) if self.matched_text else ""
        return quote or self.author_quote

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
        intents = parse_intents(item.get("intents"))
        intent = _text(item["intent"])
        if intent and intent not in intents:
            intents = (intent, *intents)
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
            intent=intent,
            nps_score=_score(item["nps_score"]),
            redacted_text=None if is_missing(redacted) else str(redacted),
            intents=intents,
            severity=_text(item.get("severity")).lower(),
            ces_score=_score(item.get("ces_score"), "ces_score", 1, 7),
            arr=_amount(item.get("arr"), "arr"),
            renewal_date=_date(item.get("renewal_date"), "renewal_date"),
            theme_key=_text(item.get("theme_key")),
            theme_label=_text(item.get("theme_label")),
            matched_text=_text(item.get("matched_text")),
            note_type=_text(item.get("note_type")),
            source_record_id=_text(item.get("source_record_id")),
        )


def as_feedback_item(item: FeedbackItem | Mapping[str, Any]) -> FeedbackItem:
    """The item itself when it is already typed (the application reads each mart row once);
    a mapping is checked and read (``FeedbackItem.from_mapping``)."""
    return item if isinstance(item, FeedbackItem) else FeedbackItem.from_mapping(item)


def item_id_of(item: FeedbackItem | Mapping[str, Any]) -> str | None:
    """The item's id as given, for naming an item that could not be read."""
    if isinstance(item, FeedbackItem):
        return item.item_id
    value = item.get("item_id")
    return None if value is None else str(value)


def first_name(full_name: str) -> str:
    """The name to greet someone by: the first word, or the part after a comma ("Raman, Priya")."""
    name = full_name.strip()
    if "," in name:
        name = name.split(",", 1)[1].strip()
    return name.split()[0] if name else ""
