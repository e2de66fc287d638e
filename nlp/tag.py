"""What the tagger says about one text."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tag:
    intents: tuple[str, ...]
    intent_scores: dict[str, float]
    intent: str
    sentiment: str
    sentiment_score: float
    severity: str
    product_area: str
    competitors: tuple[str, ...]
    redacted_text: str
    theme_key: str
    theme_label: str
