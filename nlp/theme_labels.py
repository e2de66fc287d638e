"""Theme labels from the words that set a theme apart: class-based TF-IDF, as BERTopic does.

Each theme keeps counts of its items' terms: the words that can name a subject (a hyphenated
compound, "one-tap", is one word; verbs, adverbs and judgements are not terms, see
nlp/subjects.py) and the phrases of adjacent content words that end in one ("dark mode",
"bigger rate limit"). A term's weight in a theme is its count there times log(1 + A / f), where f is the
term's count over all themes and A the average number of terms per theme: words every theme
uses ("report", "issue") weigh little, words only this theme uses weigh most. A label is the
theme's template (area and kind of feedback, set when the theme started) filled with its top
terms, so it names what the items say, not what the first item happened to say; two terms
read as a list ("requests for offline mode, sync"), never glued into a phrase no item said.

Counts are plain data (`take_added()` / `add_rows()`), so the warehouse can keep them between
nights and a theme's label keeps learning from every item that joins it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Final

from nlp.lexicon import POLARITY
from nlp.subjects import HEAD, SKIP, role

# A theme with many distinct terms keeps its commonest ones; the rest cannot reach its label.
KEEP_TERMS: Final = 200
TRIM_AT: Final = 400
# A label shows at most two terms, as a list ("offline mode, sync"), of three words in all:
# it heads an escalation document and a digest line, and has to be read at a glance.
LABEL_TERMS: Final = 2
LABEL_WORDS: Final = 3
# A second term joins the label only at this share of the first term's weight.
SECOND_TERM_SHARE: Final = 0.6
# Words the lexicon rates at least this positive are praise ("great", "love"), never a subject.
PRAISE_POLARITY: Final = 0.5
# A term names a theme only when at least this many of its items use it: one item's wording
# ("keeps", "shows") is not yet what the theme is about, and the theme keeps its first label.
MIN_ITEMS: Final = 2

# Words (a hyphenated compound is one word: "one-tap"), redaction placeholders ("[email]") and
# punctuation; pieces_of adds line ends. Anything but a word ends a phrase: a subject line and
# the greeting under it, or two clauses, are not read as one phrase.
PIECE: Final = re.compile(r"\[\w+\]|\w+(?:[-']\w+)*|[^\w\s]")


def pieces_of(text: str) -> list[str]:
    """A text's words (hyphenated compounds whole), placeholders, punctuation and line ends."""
    pieces: list[str] = []
    # the same pieces as PIECE.findall on the whole text (none spans a space), but most words
    # are plain letters, and str methods are far cheaper than the regex engine
    for line in text.lower().replace("\u2019", "'").split("\n"):
        for chunk in line.split():
            if chunk.isalpha():
                pieces.append(chunk)
            else:
                pieces.extend(PIECE.findall(chunk))
        pieces.append("\n")
    return pieces


def content_terms(pieces: Sequence[str], stop: frozenset[str], filler: frozenset[str]) -> list[str]:
    """An item's labelling terms (from its `pieces_of`), each once: the words that can name a
    subject, and the phrases of adjacent content words (up to three) that end in one.

    Content words are three letters or more (two inside a phrase: "face id"), not stop or
    filler words, not praise, and not verbs, adverbs or time words (nlp/subjects.py); a word
    that only describes ("saved", "daily", "new") starts a phrase but is no term alone.
    """
    terms: dict[str, None] = {}
    run: list[str] = []
    for piece in pieces:
        # a single letter is no part of a subject's name ("android n", "plan b")
        kind = SKIP if piece in stop or piece in filler or len(piece) < 2 else _kind(piece)
        if kind == SKIP:
            run.clear()
            continue
        run.append(piece)
        if kind != HEAD:
            continue
        if len(piece) >= 3:
            terms[piece] = None
        n = len(run)
        if n >= 2 and run[-2] != piece:
            terms[f"{run[-2]} {piece}"] = None
            if n >= 3 and run[-3] != run[-2] and run[-3] != piece:
                terms[f"{run[-3]} {run[-2]} {piece}"] = None
    return list(terms)


# Words repeat from item to item: each one's role is worked out once (a bounded cache, since
# typos and names make the vocabulary of a million items large).
@lru_cache(maxsize=1 << 16)
def _kind(word: str) -> int:
    if not word.isalpha():
        # a compound with a word in it ("one-tap", "utf-8"), not a number, date, placeholder
        # or contraction ("can't", "user's")
        if "'" in word or not any(part.isalpha() for part in word.split("-")):
            return SKIP
    # praise words say how the writer feels, not about what
    elif POLARITY.get(word, 0.0) >= PRAISE_POLARITY:
        return SKIP
    return role(word)


def names_subject(term: str, exclude: frozenset[str] = frozenset()) -> bool:
    """Whether a term can stand in a label: it ends in a word that names a thing, holds no word
    that never does (counts kept from before these rules hold "record open", "tied"), and says
    more than the label says already ("Exports: problems with export"; "csv export" is fine)."""
    words = term.split()
    last = words[-1]
    if role(last) != HEAD or (len(words) == 1 and len(last) < 3):
        return False
    if all(word in exclude for word in words):
        return False
    return all(role(word) != SKIP for word in words[:-1])


class ThemeTerms:
    """Term counts per theme, and each theme's top terms by class-based TF-IDF."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {}
        self.totals: Counter[str] = Counter()
        self.total = 0
        self._added: dict[str, Counter[str]] = {}

    def add(self, theme_key: str, terms: Sequence[str]) -> None:
        self.add_many([theme_key], [terms])

    def add_many(self, theme_keys: Sequence[str], terms: Sequence[Sequence[str]]) -> None:
        """Each item's terms to its theme's counts: a batch's items, counted per theme at once."""
        by_theme: dict[str, list[str]] = {}
        for key, item_terms in zip(theme_keys, terms, strict=True):
            if key:  # "" is no theme (an item with no words)
                by_theme.setdefault(key, []).extend(item_terms)
        for key, words in by_theme.items():
            counts = self.counts.setdefault(key, Counter())
            counts.update(words)
            self.totals.update(words)
            self.total += len(words)
            self._added.setdefault(key, Counter()).update(words)
            if len(counts) > TRIM_AT:
                self.counts[key] = Counter(dict(counts.most_common(KEEP_TERMS)))

    def add_rows(self, rows: Iterable[tuple[str, str, int]]) -> None:
        """Counts kept from earlier runs: (theme_key, term, count)."""
        for key, term, count in rows:
            self.counts.setdefault(key, Counter())[term] += count
            self.totals[term] += count
            self.total += count

    def take_added(self) -> list[tuple[str, str, int]]:
        """Counts added since the last call: what a warehouse has to add to its own."""
        added, self._added = self._added, {}
        return [
            (key, term, count)
            for key, counts in sorted(added.items())
            for term, count in sorted(counts.items())
        ]

    def top_terms(
        self, theme_key: str, limit: int = LABEL_WORDS, exclude: frozenset[str] = frozenset()
    ) -> list[str]:
        """The theme's most distinctive terms: at most LABEL_TERMS of them and `limit` words in
        all, none repeating a word of another or made only of words in `exclude` (what the label
        says already)."""
        counts = self.counts.get(theme_key)
        if not counts:
            return []
        average = self.total / max(1, len(self.counts))
        totals = self.totals
        # Only terms enough items share can name the theme, so only they are weighed.
        weighed = [
            (count * math.log(1 + average / totals[term]), term)
            for term, count in counts.items()
            if count >= MIN_ITEMS and names_subject(term, exclude)
        ]
        # ties go to the phrase ("dark mode" over "dark"), then alphabetically
        weighed.sort(key=lambda item: (-item[0], -item[1].count(" "), item[1]))
        chosen: list[str] = []
        top = 0.0
        full = False
        for weight, term in weighed:
            # a second term only when it weighs nearly as much as the first: a weak one is
            # noise from a few items, not part of the subject
            if chosen and weight < SECOND_TERM_SHARE * top:
                break
            words = term.split()
            inside = [i for i, picked in enumerate(chosen) if f" {picked} " in f" {term} "]
            if inside:
                # the same subject said more fully ("credit", then "credit card"): a phrase
                # items said, so it replaces the shorter term; with no room for it beside the
                # other term, the first subject is said whole and alone, never a fragment
                # ("api keys, accounts" for "api keys" and "service accounts")
                i = inside[0]
                grown = [*chosen[:i], term, *chosen[i + 1 :]]
                if _words(grown) > limit:
                    grown, full = ([term] if i == 0 else chosen[:i]), True
                chosen = grown
                continue
            if full or any(
                _same(word, said) for picked in chosen for said in picked.split() for word in words
            ):
                continue
            if len(chosen) == LABEL_TERMS or _words(chosen) + len(words) > limit:
                # no room for the next subject: no other takes its place
                full = True
                continue
            said = self._phrase_of(counts, chosen, term, exclude)
            if said is not None:
                # two words items also say as one phrase ("samsung" and "galaxy"): the phrase
                chosen[chosen.index(said[0])] = said[1]
                continue
            chosen.append(term)
            top = top or weight
        return chosen

    @staticmethod
    def _phrase_of(
        counts: Counter[str], chosen: list[str], word: str, exclude: frozenset[str]
    ) -> tuple[str, str] | None:
        """(chosen word, phrase) when a chosen single word and `word` are also a phrase the
        theme's items say, in either order ("galaxy", "samsung": "samsung galaxy")."""
        for picked in chosen:
            if " " in picked or " " in word:
                continue
            for phrase in (f"{picked} {word}", f"{word} {picked}"):
                if counts.get(phrase, 0) >= MIN_ITEMS and names_subject(phrase, exclude):
                    return picked, phrase
        return None


def _same(word: str, other: str) -> bool:
    """One word, or another form of it ("widget", "widgets"; "crash", "crashing")."""
    return _stem(word) == _stem(other)


def _stem(word: str) -> str:
    if word.endswith(("ches", "shes", "sses", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    # "skipping" and "skip", "scroll" and "scrolling"
    return word[:-1] if len(word) > 2 and word[-1] == word[-2] else word


def _words(terms: Sequence[str]) -> int:
    return sum(len(term.split()) for term in terms)


# How a label says the kind of feedback around its terms, always before them, so that two
# terms read as a list: "API: requests for bigger rate limit", "Mobile app: problems with
# offline mode, sync"; never "offline mode sync problems", which reads as one thing.
PHRASES: Final = {
    "problems": "problems with {terms}",
    "requests": "requests for {terms}",
    "questions": "questions about {terms}",
    "docs": "docs on {terms}",
    "ease of use": "usability of {terms}",
    "speed": "speed of {terms}",
    "pricing": "pricing of {terms}",
    "praise": "praise for {terms}",
    "churn risk": "churn risk over {terms}",
    "competitors": "competitors on {terms}",
    "general feedback": "feedback on {terms}",
}


def fill(template: str, terms: Sequence[str], fallback: str) -> str:
    """A label from its template ("Exports: {terms} problems") and terms; the fallback if none.

    The kind of feedback after the slot is said as a phrase (PHRASES) and the terms as a list:
    "Exports: requests for xlsx option", "Exports: problems with xlsx, accents".
    """
    if not terms or "{terms}" not in template:
        return fallback
    head, _, kind = template.partition("{terms}")
    phrase = PHRASES.get(kind.strip())
    if phrase is not None:
        template = head + phrase
    return " ".join(template.replace("{terms}", ", ".join(terms)).split())
