"""Find listed phrases in a word list: one dict lookup per word, whatever the list's size.

The rules' wording lists (intent cues, churn, severity) live as plain phrases, tokenised like
the text, so adding "pull the plug" is a one-line data change; a word list is matched in a single
pass, where a regex per list would rescan the text once per list. "*" in a phrase stands for any
one word ("takes * minutes").

People type in a hurry, so a long word one slip away from a long phrase's first word (a
letter dropped, added, or two swapped: "cofusing", "termintaing") counts as that word.
Substitutions are not forgiven: "charge" and "change" are both real words. Nor are slips of
words shorter than FUZZY_MIN letters: among them the slip is more often another real word
("movies" is not "moves", "ignore" not "ignores", "return" not "returns") than a typo. On
public labelled reviews and forum posts, forgiving slips of six- and seven-letter words cost
0.005 and 0.003 macro-F1 and gained nothing anywhere.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from nlp.tokens import words_of

WILDCARD = "*"
FUZZY_MIN = 8
CACHE_LIMIT = 200_000


class Found(NamedTuple):
    label: str
    start: int
    end: int


Tail = tuple[tuple[str, ...], str]  # the words after the second, and the label


@dataclass(slots=True)
class _Node:
    """Phrases sharing a first word: one-word ones, and the rest keyed by their second word."""

    labels: list[str] = field(default_factory=list)
    by_second: dict[str, list[Tail]] = field(default_factory=dict)
    any_second: list[Tail] = field(default_factory=list)


class PhraseIndex:
    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        """entries: (label, phrase) pairs; a phrase may not start with the wildcard."""
        self._by_first: dict[str, _Node] = {}
        for label, phrase in entries:
            words = words_of(phrase)
            if not words or words[0] == WILDCARD:
                raise ValueError(f"phrase {phrase!r} ({label}) must start with a word")
            node = self._by_first.setdefault(words[0], _Node())
            if len(words) == 1:
                node.labels.append(label)
            elif words[1] == WILDCARD:
                node.any_second.append((tuple(words[2:]), label))
            else:
                node.by_second.setdefault(words[1], []).append((tuple(words[2:]), label))
        self._slips: dict[str, str] = {}
        for word in self._by_first:
            if len(word) >= FUZZY_MIN and word.isalpha():
                for slip in (*_deletions(word), *_swaps(word)):
                    self._slips.setdefault(slip, word)
        # A word one slip from a phrase word is at most one letter longer than it; a longer one
        # (a pasted token, a URL, a base64 blob) skips the search, whose candidates grow with the
        # square of its length (a 200,000-letter word would build 40 GB of them).
        self._longest = max(map(len, self._by_first), default=0) + 1
        self._seen: dict[str, _Node | None] = {}

    def correct(self, word: str) -> str | None:
        """The phrase word this word is one slip away from, if any."""
        found = self._slips.get(word)
        if found is None:
            # Sorted: a set's order changes with each process's string hashing, and a word one
            # slip from two phrase words ("timer": "time", a speed word, and "tier", a pricing
            # one) must get the same one in every process, or a text's tags change with the
            # worker that reads it.
            found = next(
                (
                    d
                    for d in sorted(_deletions(word))
                    if len(d) >= FUZZY_MIN and d in self._by_first
                ),
                None,
            )
        return found

    def find(self, words: Sequence[str]) -> list[Found]:
        found: list[Found] = []
        seen = self._seen
        n = len(words)
        for i, word in enumerate(words):
            node = seen[word] if word in seen else self._node(word)
            if node is None:
                continue
            labels, by_second, any_second = node.labels, node.by_second, node.any_second
            for label in labels:
                found.append(Found(label, i, i + 1))
            if i + 1 == n:
                continue
            if by_second:
                tails = by_second.get(words[i + 1])
                if tails:
                    _extend(found, tails, words, i)
            if any_second:
                _extend(found, any_second, words, i)
        return found

    def _node(self, word: str) -> _Node | None:
        """The phrases starting with word or a slip of it; remembered, as words recur."""
        node = self._by_first.get(word)
        if node is None and FUZZY_MIN - 1 <= len(word) <= self._longest and word.isalpha():
            fixed = self.correct(word)
            node = self._by_first[fixed] if fixed else None
        if len(self._seen) > CACHE_LIMIT:  # bounded on endless streams
            self._seen.clear()
        self._seen[word] = node
        return node


def _extend(found: list[Found], tails: list[Tail], words: Sequence[str], i: int) -> None:
    for rest, label in tails:
        end = i + 2 + len(rest)
        if end <= len(words) and (not rest or _same(rest, words, i + 2)):
            found.append(Found(label, i, end))


def _same(rest: tuple[str, ...], words: Sequence[str], start: int) -> bool:
    for offset, expected in enumerate(rest):
        if expected != WILDCARD and words[start + offset] != expected:
            return False
    return True


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _swaps(word: str) -> set[str]:
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    swaps.discard(word)
    return swaps
