"""Scorers for training: the sentiment textcat reports under its own keys, not over the intents'."""

from collections.abc import Iterable
from typing import Any

import spacy
from spacy.scorer import Scorer
from spacy.training import Example


@spacy.registry.scorers("loopkeeper.sentiment_scorer.v1")
def make_sentiment_scorer() -> Any:
    return score_sentiment


def score_sentiment(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    kwargs.pop("multi_label", None)
    scores = Scorer.score_cats(examples, "cats", multi_label=False, **kwargs)
    return {f"sentiment_{key}": value for key, value in scores.items()}
