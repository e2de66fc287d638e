"""Human sloppiness: swapped or dropped letters, lowercase, lost punctuation and apostrophes."""

from __future__ import annotations

import random

_APOSTROPHES = (("don't", "dont"), ("can't", "cant"), ("it's", "its"), ("doesn't", "doesnt"),
                ("I'm", "im"), ("we're", "were"), ("isn't", "isnt"))  # fmt: skip


def _word_slip(text: str, rng: random.Random, drop: bool) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    words[i] = (
        word[:j] + word[j + 1 :] if drop else word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    )
    return " ".join(words)


def add_typos(text: str, rng: random.Random) -> str:
    """Return ``text`` with one or two realistic slips."""
    for _ in range(1 if rng.random() < 0.7 else 2):
        kind = rng.randrange(6)
        if kind == 0:
            text = _word_slip(text, rng, drop=False)
        elif kind == 1:
            text = _word_slip(text, rng, drop=True)
        elif kind == 2:
            text = text.lower()
        elif kind == 3:
            text = text.rstrip(".!")
        elif kind == 4:
            for right, wrong in _APOSTROPHES:
                text = text.replace(right, wrong)
        else:
            text = text.replace(". ", "  ", 1).replace(", ", " ", 1)
    return text
