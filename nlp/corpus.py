"""The labelled corpus: reading and validating it, splitting it, turning it into training docs."""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from nlp.labels import INTENTS, SENTIMENT_CATS, SENTIMENTS, SEVERITIES, SOURCES

FINAL = "final"


class CorpusError(ValueError):
    """A corpus row is malformed; the message names the file, the line and the field."""


@dataclass(frozen=True)
class Item:
    text: str
    source: str
    intents: tuple[str, ...]
    sentiment: str
    severity: str
    # "final": a slice kept out of every split used while tuning, scored once per release.
    split: str = ""


def read_corpus(path: Path) -> list[Item]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            items.append(_parse(path, number, line))
    if not items:
        raise CorpusError(f"{path}: the corpus is empty")
    return items


def corpus_sha256(path: Path) -> str:
    return sha256(path.read_bytes()).hexdigest()


def split_final(items: Sequence[Item]) -> tuple[list[Item], list[Item]]:
    """The items used while tuning, and the final slice kept for one last score."""
    return [i for i in items if i.split != FINAL], [i for i in items if i.split == FINAL]


def split_by_source(
    items: Sequence[Item], held_out: Sequence[str]
) -> tuple[list[Item], list[Item]]:
    """Train on some source styles, test on the others: is the model learning style?"""
    train = [item for item in items if item.source not in held_out]
    test = [item for item in items if item.source in held_out]
    return train, test


def split_random(
    items: Sequence[Item], fraction: float, seed: int
) -> tuple[list[Item], list[Item]]:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    cut = round(len(shuffled) * (1 - fraction))
    return shuffled[:cut], shuffled[cut:]


def cats_for(item: Item) -> dict[str, float]:
    cats = {label: float(label in item.intents) for label in INTENTS}
    cats.update({cat: float(item.sentiment == label) for cat, label in SENTIMENT_CATS.items()})
    return cats


def _parse(path: Path, number: int, line: str) -> Item:
    where = f"{path}:{number}"
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: field 'text' must be a non-empty string")
    intents = row.get("intents")
    if not isinstance(intents, list) or any(i not in INTENTS for i in intents):
        raise CorpusError(
            f"{where}: field 'intents' must be a list drawn from {', '.join(INTENTS)}"
        )
    for field, allowed in (
        ("source", SOURCES),
        ("sentiment", SENTIMENTS),
        ("severity", SEVERITIES),
    ):
        if row.get(field) not in allowed:
            raise CorpusError(f"{where}: field '{field}' must be one of {', '.join(allowed)}")
    split = row.get("split", "")
    if split not in ("", FINAL):
        raise CorpusError(f"{where}: field 'split' must be absent or '{FINAL}'")
    return Item(text, row["source"], tuple(intents), row["sentiment"], row["severity"], split)
