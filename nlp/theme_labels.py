"""Theme labels from the words that set a theme apart: class-based TF-IDF, as BERTopic does.

Each theme keeps counts of its items' terms: the words that can name a subject (a hyphenated
compound, "one-tap", is one word; verbs, adverbs and judgements are not terms, see
nlp/subjects.py) and the phrases of adjacent content words that end in one ("dark mode",
"bigger rate limit"). A term's weight in a theme is its count there times log(1 + A / f),
where f is the term's count over all themes and A the average number of terms per theme: words
every theme uses ("report", "issue") weigh little, words only this theme uses weigh most. A
label is the theme's template (area and kind of feedback, set when the theme started) filled
with its top terms, so it names what the items say, not what the first item happened to say;
two terms read as a list ("requests for offline mode, sync"), never glued into a phrase no
item said.

Counts are plain data (`take_added()` / `add_rows()`), so the warehouse can keep them between
nights and a theme's label keeps learning from every item that joins it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

from nlp.subjects import names_subject

# The name of how labels are chosen here (and in nlp/subjects.py): change it with any change to
# the choice, and the next tag step relabels every theme of a warehouse once, from its counts;
# otherwise only themes that items join get the new way, and old labels stay beside new ones.
LABEL_SCHEME: Final = "subjects-2026-12"

# A theme with many distinct terms keeps its commonest ones; the rest cannot reach its label.
KEEP_TERMS: Final = 200
TRIM_AT: Final = 400
# A label shows at most two terms, as a list ("offline mode, sync"), of three words in all:
# it heads an escalation document and a digest line, and has to be read at a glance.
LABEL_TERMS: Final = 2
LABEL_WORDS: Final = 3
# A second term joins the label only at this share of the first term's weight.
SECOND_TERM_SHARE: Final = 0.6
# A term names a theme only when at least this many of its items use it: one item's wording
# ("keeps", "shows") is not yet what the theme is about, and the theme keeps its first label.
MIN_ITEMS: Final = 2


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
