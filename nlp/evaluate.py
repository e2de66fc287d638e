"""Scores of the whole tagger (model plus rules) against labelled items.

`evaluate` scores corpus items (training writes it into meta.json); `evaluate_file` scores a
team's own labelled CSV or JSONL file, where the label column holds `;`-joined intents
(`bug;churn_risk`, empty for none), to check the tagger on their real feedback.
"""

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.corpus import Item
from nlp.labels import INTENTS
from nlp.tagger import Tagger


@dataclass(frozen=True)
class LabelScore:
    p: float
    r: float
    f: float
    support: int


@dataclass(frozen=True)
class FileEvaluation:
    path: Path
    items: int
    per_label: dict[str, LabelScore]

    @property
    def macro_f(self) -> float:
        scored = [s.f for s in self.per_label.values() if s.support]
        return round(sum(scored) / len(scored), 3) if scored else 0.0

    def lines(self) -> list[str]:
        """A printable table: one row per scored intent, then their macro F1."""
        rows = [
            f"{self.path}: {self.items} items",
            f"{'intent':<16} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}",
        ]
        for label, s in self.per_label.items():
            rows.append(f"{label:<16} {s.p:>6.3f} {s.r:>6.3f} {s.f:>6.3f} {s.support:>6}")
        rows.append(f"{'macro F1':<16} {'':>6} {'':>6} {self.macro_f:>6.3f}")
        return rows


def evaluate(tagger: Tagger, items: Sequence[Item]) -> dict[str, Any]:
    tags = list(tagger.tag(item.text for item in items))
    scores = _per_label([t.intents for t in tags], [i.intents for i in items])
    n = len(items)
    return {
        "items": n,
        "intents_macro_f": round(sum(s.f for s in scores.values()) / len(INTENTS), 3),
        "intents_per_label": {
            label: {"p": s.p, "r": s.r, "f": s.f, "support": float(s.support)}
            for label, s in scores.items()
        },
        "sentiment_accuracy": round(
            sum(t.sentiment == i.sentiment for t, i in zip(tags, items, strict=True)) / n, 3
        ),
        "severity_accuracy": round(
            sum(t.severity == i.severity for t, i in zip(tags, items, strict=True)) / n, 3
        ),
    }


def evaluate_file(
    path: Path,
    text_column: str,
    label_column: str,
    tagger: Tagger,
    labels: Sequence[str] | None = None,
) -> FileEvaluation:
    """Per-intent precision, recall and F1 of the tagger on a labelled CSV or JSONL file.

    Only the labels the file defines are scored: `labels` if given, else those that occur in
    it. A file that never labels `feature_request` says nothing about it, so predicting it
    there is neither right nor wrong.
    """
    path = Path(path)
    texts: list[str] = []
    gold: list[tuple[str, ...]] = []
    for where, row in _rows(path):
        for column in (text_column, label_column):
            if column not in row:
                raise ValueError(f"{where}: no column {column!r}")
        gold.append(_labels(where, row[label_column]))
        texts.append("" if row[text_column] is None else str(row[text_column]))
    if not texts:
        raise ValueError(f"{path}: no rows to evaluate")
    if labels is None:
        labels = [label for label in INTENTS if any(label in g for g in gold)]
    unknown = [label for label in labels if label not in INTENTS]
    if unknown:
        raise ValueError(f"unknown intent {unknown[0]!r}; labels are {', '.join(INTENTS)}")
    predicted = [tag.intents for tag in tagger.tag(texts)]
    return FileEvaluation(path, len(texts), _per_label(predicted, gold, labels))


def _rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
                if not isinstance(row, dict):
                    raise ValueError(f"{path}:{number}: expected a JSON object")
                yield f"{path}:{number}", row
    elif path.suffix.lower() in (".csv", ".tsv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            for number, row in enumerate(csv.DictReader(handle, delimiter=delimiter), start=2):
                yield f"{path}:{number}", row
    else:
        raise ValueError(f"{path}: expected a .csv, .tsv or .jsonl file")


def _labels(where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    parts = value if isinstance(value, list) else str(value).split(";")
    labels = tuple(dict.fromkeys(str(p).strip() for p in parts if str(p).strip()))
    unknown = [label for label in labels if label not in INTENTS]
    if unknown:
        raise ValueError(f"{where}: unknown intent {unknown[0]!r}; labels are {', '.join(INTENTS)}")
    return labels


def _per_label(
    predicted: Sequence[tuple[str, ...]],
    gold: Sequence[tuple[str, ...]],
    labels: Sequence[str] = INTENTS,
) -> dict[str, LabelScore]:
    scores = {}
    for label in labels:
        tp = fp = fn = 0
        for pred, true in zip(predicted, gold, strict=True):
            tp += label in pred and label in true
            fp += label in pred and label not in true
            fn += label not in pred and label in true
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        scores[label] = LabelScore(round(p, 3), round(r, 3), round(f, 3), tp + fn)
    return scores
