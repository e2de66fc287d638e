"""The tagger's sentiment against VADER's, side by side, on short hard texts the team wrote.

`models/corpus/sentiment_check.txt` holds lines `sentiment | kind | text` (kinds: sarcasm,
negation, emoji, mixed, plain, long); it is never trained on. VADER is run as its authors
recommend: compound >= 0.05 positive, <= -0.05 negative, else neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nlp.corpus import CorpusError

CHECK_FILE = Path(__file__).resolve().parent.parent / "models" / "corpus" / "sentiment_check.txt"
CLASSES = ("negative", "neutral", "positive")
VADER_BAND = 0.05


@dataclass(frozen=True)
class CheckItem:
    sentiment: str
    kind: str
    text: str


@dataclass(frozen=True)
class Comparison:
    items: int
    # per system: (macro-recall over the three classes, accuracy, accuracy by kind)
    scores: dict[str, tuple[float, float, dict[str, float]]]

    def lines(self) -> list[str]:
        kinds = sorted({k for _, _, by_kind in self.scores.values() for k in by_kind})
        head = f"{'system':<10}{'macro-recall':>14}{'accuracy':>10}" + "".join(
            f"{k:>10}" for k in kinds
        )
        rows = [f"{self.items} texts; accuracy by kind on the right", head]
        for name, (recall, accuracy, by_kind) in self.scores.items():
            cells = "".join(f"{by_kind.get(k, 0.0):>10.3f}" for k in kinds)
            rows.append(f"{name:<10}{recall:>14.3f}{accuracy:>10.3f}{cells}")
        return rows


def read_check(path: Path = CHECK_FILE) -> list[CheckItem]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) != 3 or parts[0] not in CLASSES or not parts[2]:
            raise CorpusError(
                f"{path}:{number}: expected 'negative|neutral|positive | kind | text'"
            )
        items.append(CheckItem(*parts))
    return items


def vader_labels(texts: Sequence[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    out = []
    for text in texts:
        compound = analyzer.polarity_scores(text)["compound"]
        out.append(
            "positive"
            if compound >= VADER_BAND
            else "negative"
            if compound <= -VADER_BAND
            else "neutral"
        )
    return out


def compare(items: Sequence[CheckItem], predictions: dict[str, Sequence[str]]) -> Comparison:
    """Score each system's labels against the check set."""
    scores = {}
    for name, predicted in predictions.items():
        recalls = []
        for cls in CLASSES:
            gold = [i for i, item in enumerate(items) if item.sentiment == cls]
            if gold:
                recalls.append(sum(predicted[i] == cls for i in gold) / len(gold))
        right = [p == item.sentiment for p, item in zip(predicted, items, strict=True)]
        by_kind: dict[str, list[bool]] = {}
        for ok, item in zip(right, items, strict=True):
            by_kind.setdefault(item.kind, []).append(ok)
        scores[name] = (
            round(sum(recalls) / len(recalls), 3),
            round(sum(right) / len(right), 3),
            {k: round(sum(v) / len(v), 3) for k, v in by_kind.items()},
        )
    return Comparison(len(items), scores)
