"""The label sets the tagger speaks: shared by training, components and the public API."""

from typing import Final

INTENTS: Final = (
    "bug",
    "feature_request",
    "usability",
    "performance",
    "pricing",
    "documentation",
    "praise",
    "question",
    "churn_risk",
    "competitor",
)
SENTIMENTS: Final = ("negative", "neutral", "positive")
SEVERITIES: Final = ("critical", "high", "medium", "low")
SOURCES: Final = ("nps", "ticket", "widget", "note")

# Sentiment labels live in doc.cats next to the intents, so they carry a prefix.
SENTIMENT_CATS: Final = {f"SENT_{s.upper()}": s for s in SENTIMENTS}
