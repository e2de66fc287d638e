"""The sentences that change with what a customer told us and where they told it."""

from __future__ import annotations

from collections.abc import Sequence

# What happens next and when, by the item's top intent. "{owner}" is the person or team the
# customer can reply to, so a promise always comes with someone who keeps it.
_NEXT_STEPS = {
    "bug": "Our support team is on it: they are looking into what went wrong, and they will "
    "write back within two business days with what they found.",
    "feature_request": "A product specialist reviews it this week, and we will write to you "
    "when something you asked for ships.",
    "usability": "Our product designers review it this week; stories like yours are how we "
    "decide what to make easier next.",
    # Not "the slowness you described": speed is praised too ("loads in a second now").
    "performance": "Our engineers read what you told us about speed this week; if it leads to a "
    "change, we will let you know.",
    "pricing": "{owner} will follow up within two business days to talk it through with you.",
    "documentation": "Our documentation team reviews it this week and will fix or fill in the "
    "guide you needed.",
    "praise": "We have shared your words with the team who built it.",
    "question": "Our support team will answer within one business day.",
    "churn_risk": "{owner} will reach out personally this week to make this right.",
    "competitor": "A product specialist reviews it this week, alongside what you told us you "
    "need from us.",
}
_DEFAULT_NEXT_STEP = (
    "A product specialist reads it this week and passes it to the team it concerns."
)

# Where the feedback came from decides how the email remembers it. Notes are a CSM's words about
# the customer, never the customer's own, so they are acknowledged without being quoted back.
_RECEIVED = {
    "nps": "Thank you for answering our survey. Your feedback{about} reached us on {date}",
    "ticket": "Thank you for writing to our support team. Your message{about} reached us on {date}",
    "widget": "Thank you for writing to us from inside {product}. Your feedback{about} reached us "
    "on {date}",
    "note": "Thank you for the feedback{about} you shared in our conversation on {date}. We have "
    "written it down and passed it on.",
}
# The same, for one of several pieces in one email: its opening has thanked them once already.
_RECEIVED_AMONG_SEVERAL = {
    "nps": "Your survey answer{about} reached us on {date}",
    "ticket": "Your message to our support team{about} reached us on {date}",
    "widget": "Your feedback{about}, sent from inside {product}, reached us on {date}",
    "note": "The feedback{about} you shared in our conversation on {date} is written down and "
    "passed on.",
}
QUOTED_SOURCES = frozenset({"nps", "ticket", "widget"})
# Short product-area labels that read as acronyms; tags come lowercase from the tagger.
_ACRONYMS = frozenset({"api", "csv", "crm", "pdf", "saml", "scim", "sdk", "sla", "sso", "ui", "ux"})

_SUBJECTS_WITHOUT_AREA = {
    "nps": "We got your survey feedback",
    "ticket": "We got your support request",
    "widget": "We got your feedback",
    "note": "We got your feedback from our call",
}


def _steps(intents: Sequence[str]) -> list[str]:
    """The next steps an item's intents promise, top intent first: praise asks for nothing, so
    when it leads and the item also asks for something ("love the report, wish I could share
    it"), the ask's next step follows the praise's instead of going unanswered."""
    top = intents[0] if intents else ""
    steps = [_NEXT_STEPS.get(top, _DEFAULT_NEXT_STEP)]
    if top == "praise":
        asked = next((intent for intent in intents[1:] if intent != "praise"), None)
        if asked is not None:
            steps.append(_NEXT_STEPS.get(asked, _DEFAULT_NEXT_STEP))
    return steps


def next_step(intents: Sequence[str], owner: str) -> str:
    """What happens next and when, for an item's intents (its top intent first)."""
    return " ".join(step.format(owner=owner) for step in _steps(intents))


def next_step_names_owner(intents: Sequence[str]) -> bool:
    """True when the next step already says who follows up, so the email names them only there."""
    return any("{owner}" in step for step in _steps(intents))


def display_area(area: str) -> str:
    """A product-area tag as a reader expects it ("sso" -> "SSO", "single_sign_on" -> words)."""
    words = area.replace("_", " ").split()
    return " ".join(word.upper() if word.lower() in _ACRONYMS else word for word in words)


def received(
    source: str, *, product: str, area: str, date: str, quoted: bool, thank: bool = True
) -> str:
    """The opening paragraph: thanks, what it was about, when it came, and a lead-in to the quote.

    ``thank=False`` for one of several pieces in one email: the email thanks them once, in its
    opening, not again before each piece.
    """
    sentence = (_RECEIVED if thank else _RECEIVED_AMONG_SEVERAL)[source].format(
        product=product, about=f" about {area}" if area else "", date=date
    )
    if source not in QUOTED_SOURCES:
        return sentence
    return sentence + (", and you wrote:" if quoted else ".")


def subject_line(source: str, area: str) -> str:
    """A subject that says what the email is about, the product area when known."""
    if area:
        return f"We got your feedback on {area}"
    return _SUBJECTS_WITHOUT_AREA[source]


def score_remark(score: int | None) -> str:
    """A line answering an NPS score in its own register (promoter, passive, detractor)."""
    if score is None:
        return ""
    if score >= 9:
        return f"Your {score} out of 10 means a lot to us."
    if score >= 7:
        return f"Thank you for the {score} out of 10; we would like to earn a higher one."
    return f"Your {score} out of 10 tells us we have fallen short, and we are sorry."
