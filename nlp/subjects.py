"""Which words can name what a piece of feedback is about, without a part-of-speech tagger, and
the terms (words and phrases) of a text that theme labels are chosen from (nlp/theme_labels.py).

A theme label names a subject: a noun or a noun phrase ("offline mode", "one-tap approvals").
The tagger runs no spaCy tagger or parser (building Docs would cost more than all the rest of
tagging), so a word's part is judged by closed lists and word shape, and judged cautiously: a
word is only kept out of a label when it is nearly always a verb, adverb or judgement in
feedback. Many English verbs are also nouns ("record", "export", "search", "report", "call"):
those are not listed, since in product feedback they are mostly the thing, not the act.

Three roles:
- SKIP: never in a label (verbs such as "open", "turn", "uses", "took"; adverbs such as
  "actually", "lately"; time units such as "minute"). A verb is left out even where it leads
  its object ("enforce sso"): tried, "problems with open csv export" and "returns different
  totals" misread the fault far more often than "requests for enforce sso" helped.
- MODIFIER: may describe a subject but is not one alone: "saved searches", "daily digest",
  "new dashboards" ("saved", "daily", "new" never stand alone).
- HEAD: may name a subject alone or end a phrase ("approvals", "rate limit"); a two-letter
  word only ends one ("face id"), never stands alone (content_terms).
"""

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from nlp.lexicon import POLARITY

# Words the lexicon rates at least this positive are praise ("great", "love"), never a subject.
PRAISE_POLARITY: Final = 0.5

SKIP: Final = 0
MODIFIER: Final = 1
HEAD: Final = 2


def listed(words: str) -> frozenset[str]:
    """A closed list written as one string of words."""
    return frozenset(words.split())


def _with_third_person(bases: str) -> frozenset[str]:
    """Each verb and its "-s" form ("turn", "turns"; "fix", "fixes")."""
    forms: set[str] = set()
    for base in bases.split():
        forms.add(base)
        forms.add(base + "es" if base.endswith(("s", "sh", "ch", "x", "z")) else base + "s")
    return frozenset(forms)


# The commonest English verbs (the usual top-100 frequency list, plus verbs feedback uses to
# describe what happens around a subject), leaving out those that are mostly nouns in product
# feedback: "report", "change", "call", "build", "watch", "lead", "order", "set", "search",
# "export", "import", "sync", "view", "record", "sign", "log", "load", "run", "loop", "update".
# Verbs that name what a feature does are left out of the list too: a request is often only
# its verb ("mute a project", "share dashboards", "hide sensitive fields", "enforce SSO",
# "drag and drop"), and a label, which roadmap items are also linked by, must keep it.
# Their "-ed" forms need no listing (the "-ed" rule below); irregular past forms are listed.
# fmt: off
VERBS: Final = _with_third_person(
    "say go get make know think take see come want look use find give tell try ask need feel "
    "become leave put mean keep let begin seem help talk turn start show hear play move like "
    "believe hold bring happen write provide sit stand lose pay meet include continue learn "
    "understand follow stop create speak read allow add spend grow open walk win offer "
    "remember love consider appear buy wait serve die send expect stay fall cut reach kill "
    "remain suggest raise pass sell require decide pull "
    # what feedback says happens to a subject, or what a user does to it
    "stick spot tie tap click press hit fix enable disable restart reopen close "
    "respond perform prioritise prioritize expand occur refuse force "
    "receive return retry select choose scroll switch manage handle "
    "notice wonder hope guess suppose explain mention save matter work contain behave "
    "solve resolve affect prevent implement cause improve hide unhide remove delete rename "
    "reorder restrict "
    # how feedback says a subject goes wrong ("the import chokes", "filters disappear")
    "fail break ignore disappear vanish hang stall choke mangle flicker"
)
IRREGULAR: Final = listed(
    "said went gone got gotten made knew thought took taken saw seen came gave told tried felt "
    "became left meant kept began begun seemed held brought wrote sat stood met understood "
    "spoke spoken grew grown won bought fell fallen chose sold found does did done doing having "
    "being working broke froze ran drew hung"
)
# Irregular participles that describe a subject as "-ed" ones do ("lost data", "hidden fields").
PARTICIPLES: Final = listed("lost hidden written chosen known shown given paid sent stuck frozen")
# Contractions written without their apostrophe ("dont", "ive"): no subject either.
CONTRACTIONS: Final = listed(
    "dont doesnt didnt isnt wasnt arent werent cant wont wouldnt couldnt shouldnt havent "
    "hasnt hadnt ive im youre theyre thats whats theres"
)
# Adverbs that do not end in "-ly" (spaCy's stop words hold most others: "again", "already").
ADVERBS: Final = listed(
    "actually overall soon instead maybe far away ahead anyhow meanwhile altogether pretty"
)
# A duration or a moment says when, never what ("takes a minute", "every hour").
TIME_WORDS: Final = listed("minute hour second seconds tomorrow tonight morning")
# Nouns of reasoning and amount, not of a product: "makes a difference", "for that reason".
ABSTRACT: Final = listed(
    "reason difference point fact idea example kind sort part amount deal chance sense half lot "
    "bit couple bunch"
)
# Adjectives of age, size, amount and judgement: "new dashboards" names a subject, "new" does not.
ADJECTIVES: Final = listed(
    "new old big small large huge tiny long short high low different whole current previous "
    "recent latest main real actual entire extra additional various multiple single certain "
    "specific simple basic quick slow hard difficult free sensitive available possible "
    "unable fine weird strange random constant frequent sudden proper correct incorrect "
    "wrong missing broken blank empty exact separate general special common live right quiet "
    "custom decent normal double false true aware dark light bright black white grey gray red "
    "green blue core existing"
)
# Words ending in "-ly" that are not adverbs: nouns, and how often something recurs (which
# describes a subject: "daily digest", "monthly invoices").
LY_NOUNS: Final = listed("reply supply family assembly anomaly rally ally poly")
LY_MODIFIERS: Final = listed(
    "daily weekly monthly yearly quarterly hourly nightly biweekly early"
)
# fmt: on
NEVER: Final = VERBS | IRREGULAR | CONTRACTIONS | ADVERBS | TIME_WORDS | ABSTRACT


@lru_cache(maxsize=1 << 16)  # words repeat: each is judged once (bounded: typos, names)
def role(word: str) -> int:
    """SKIP, MODIFIER or HEAD for a lowercase word that is not a stop or filler word."""
    if word in NEVER:
        return SKIP
    if "-" in word:
        # a hyphenated compound ("one-tap", "field-level", "sign-in") is one word, and names
        # a thing unless it ends as an adverb or participle ("user-friendly", "so-called")
        return MODIFIER if word.endswith("ly") or word.endswith("ed") else HEAD
    if word.endswith("ly") and len(word) >= 5 and word not in LY_NOUNS:
        return MODIFIER if word in LY_MODIFIERS else SKIP
    if word in ADJECTIVES or word in PARTICIPLES:
        return MODIFIER
    # "-ed" is a past tense or participle: it describes ("saved searches", "failed rows") but
    # ends no phrase ("key tied", "sponsor called"); "speed", "feed" are nouns
    if word.endswith("ed") and len(word) >= 4 and not word.endswith("eed"):
        return MODIFIER
    # "-ous", "-ful", "-less" make adjectives ("continuous", "useful", "wireless")
    if word.endswith(("ous", "ful", "less")) and len(word) >= 6:
        return MODIFIER
    return HEAD


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


def content_terms(
    pieces: Sequence[str], stop: frozenset[str], filler: frozenset[str], *, asks: bool = False
) -> list[str]:
    """An item's labelling terms (from its `pieces_of`), each once: the words that can name a
    subject, and the phrases of adjacent content words (up to three) that end in one.

    ``asks``: the item is a request, so what it asks to be rid of ("instead of individual
    alerts") is no subject of it. In a fault report the same words name what was expected
    (".htm instead of .html"), which is.

    Content words are three letters or more (two inside a phrase: "face id"), not stop or
    filler words, not praise, and not verbs, adverbs or time words (`role`); a word
    that only describes ("saved", "daily", "new") starts a phrase but is no term alone.
    """
    terms: dict[str, None] = {}
    run: list[str] = []
    # in the phrase after "instead of": its words make no term
    unwanted, skip = False, 0
    for i, piece in enumerate(pieces):
        if skip:  # the rest of the words opening such a phrase
            skip -= 1
            continue
        if piece in MARKERS and (opening := _opens_no_subject(pieces, i, asks)):
            # "instead of" opens a phrase of what is not wanted; "since the last" comes with
            # the one word of its event, skipped with it
            skip, unwanted = opening - 1, piece in NOT_WANTED
            run.clear()
            continue
        # a single letter is no part of a subject's name ("android n", "plan b")
        kind = SKIP if piece in stop or piece in filler or len(piece) < 2 else _kind(piece)
        if kind == SKIP:
            unwanted = unwanted and not run  # that phrase ends here
            run.clear()
            continue
        if kind == MODIFIER and run and _kind(run[-1]) == HEAD:
            # a describing word after a noun is its verb ("the report lost half the rows"):
            # it starts the next phrase rather than continuing this one
            run.clear()
        run.append(piece)
        if kind != HEAD or unwanted:
            continue
        if len(piece) >= 3:
            terms[piece] = None
        n = len(run)
        if n >= 2 and run[-2] != piece:
            terms[f"{run[-2]} {piece}"] = None
            if n >= 3 and run[-3] != run[-2] and run[-3] != piece:
                terms[f"{run[-3]} {run[-2]} {piece}"] = None
    return list(terms)


# What a request asks to be rid of names no subject of it: "a daily digest instead of
# individual alerts" is about the digest, and a label "requests for individual alerts" says
# the opposite.
NOT_WANTED: Final = {"instead": "of", "rather": "than"}
# "Since the last release", "after the latest update": the event dates the report, it is not
# what the report is about ("since the last release the widgets show zeros").
SINCE: Final = frozenset({"since", "after", "before", "until"})
LAST: Final = frozenset({"last", "latest", "previous", "recent"})
MARKERS: Final = SINCE | NOT_WANTED.keys()


def _opens_no_subject(pieces: Sequence[str], i: int, asks: bool) -> int:
    """How many pieces from i open a phrase that names no subject, or 0."""
    piece = pieces[i]
    if piece in SINCE:
        j = i + 1 + (pieces[i + 1 : i + 2] == ["the"])
        return j - i + 2 if j + 1 < len(pieces) and pieces[j] in LAST else 0
    return 2 if asks and pieces[i + 1 : i + 2] == [NOT_WANTED[piece]] else 0


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
