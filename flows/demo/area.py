"""The shape of a product area's phrase bank; the banks themselves live in ``areas_*.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Idea:
    """Something customers ask for that the roadmap can carry; keywords match the asks' words.

    ``asks`` fill the ``{ask}`` slot of request frames; ``also`` names the other phrases of the
    area's banks that ask for it or how to do it (a how-to task, a CSM's shorthand). Together
    they are the demo's record of which roadmap item a generated text is about
    (`Idea.asked_in`), against which the closed loop's emails are checked.
    """

    title: str
    keywords: tuple[str, ...]
    asks: tuple[str, ...]
    also: tuple[str, ...] = ()

    def asked_in(self, text: str) -> bool:
        """Whether a generated text holds one of the phrases that ask for this idea, through
        the slips flows/demo/typos.py makes (a letter dropped or swapped, case, apostrophes)."""
        words = _words(text)
        return any(_holds(words, _words(p)) for p in self.asks + self.also)


# A slot in a phrase ({thing}, {team}) stands for up to this many words of the text.
_SLOT_WORDS = 6


def _words(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped, a slot as "{}"."""
    return re.findall(r"\{\w+\}|[\w#>+/-]+", text.lower().replace("'", ""))


def _holds(words: list[str], phrase: list[str]) -> bool:
    return any(_from(words, start, phrase) for start in range(len(words)))


def _from(words: list[str], at: int, phrase: list[str]) -> bool:
    if not phrase:
        return True
    head, rest = phrase[0], phrase[1:]
    if head.startswith("{"):
        return any(_from(words, at + n, rest) for n in range(1, _SLOT_WORDS + 1))
    return at < len(words) and _slip_of(words[at], head) and _from(words, at + 1, rest)


def _slip_of(seen: str, word: str) -> bool:
    """``seen`` is ``word``, or it with one letter dropped or two neighbours swapped."""
    if seen == word:
        return True
    if len(seen) == len(word) - 1:
        return any(word[:i] + word[i + 1 :] == seen for i in range(len(word)))
    if len(seen) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(seen, word, strict=True)) if a != b]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and seen[diff[0]] == word[diff[1]]
    return False


@dataclass(frozen=True)
class Area:
    """How customers talk about one part of the product.

    Phrases may use the slots ``{thing}`` (one of ``things``), ``{name}`` (one of ``names``),
    ``{n}`` (a small number) and ``{team}`` (a team at the customer).
    """

    key: str
    names: tuple[str, ...]
    things: tuple[str, ...]
    problems: tuple[str, ...]
    slow: tuple[str, ...]
    confusing: tuple[str, ...]
    tasks: tuple[str, ...]
    praise: tuple[str, ...]
    errors: tuple[str, ...]
    shorthand: tuple[str, ...]
    pages: tuple[str, ...]
    ideas: tuple[Idea, ...]
