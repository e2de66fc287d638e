"""Scores of the whole tagger (model plus rules) against labelled items."""

from collections.abc import Sequence
from typing import Any

from nlp.corpus import Item
from nlp.labels import INTENTS
from nlp.tagger import Tagger


def evaluate(tagger: Tagger, items: Sequence[Item]) -> dict[str, Any]:
    tags = list(tagger.tag(item.text for item in items))
    per_label: dict[str, dict[str, float]] = {}
    for label in INTENTS:
        tp = sum(
            label in t.intents and label in i.intents for t, i in zip(tags, items, strict=True)
        )
        fp = sum(
            label in t.intents and label not in i.intents for t, i in zip(tags, items, strict=True)
        )
        fn = sum(
            label not in t.intents and label in i.intents for t, i in zip(tags, items, strict=True)
        )
        per_label[label] = _prf(tp, fp, fn) | {"support": float(tp + fn)}
    n = len(items)
    return {
        "items": n,
        "intents_macro_f": round(sum(s["f"] for s in per_label.values()) / len(INTENTS), 3),
        "intents_per_label": per_label,
        "sentiment_accuracy": round(
            sum(t.sentiment == i.sentiment for t, i in zip(tags, items, strict=True)) / n, 3
        ),
        "severity_accuracy": round(
            sum(t.severity == i.severity for t, i in zip(tags, items, strict=True)) / n, 3
        ),
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f": round(f, 3)}
