"""Which words can name what a piece of feedback is about, without a part-of-speech tagger.

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
  word only ends one ("face id"), never stands alone (nlp/theme_labels.py).
"""

from functools import lru_cache
from typing import Final

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
    "stick spot tie tap click press hit fix enable disable remove delete restart reopen close "
    "respond perform prioritise prioritize expand occur refuse force "
    "receive return retry select choose scroll switch drag drop manage handle share hide "
    "mute enforce "
    "notice wonder hope guess suppose explain mention save matter work contain behave "
    "solve resolve affect prevent implement cause improve "
    # how feedback says a subject goes wrong ("the import chokes", "filters disappear")
    "fail break ignore disappear vanish hang stall choke mangle flicker"
)
IRREGULAR: Final = listed(
    "said went gone got gotten made knew thought took taken saw seen came gave told tried felt "
    "became left meant kept began begun seemed held brought wrote sat stood met understood "
    "spoke spoken grew grown won bought fell fallen chose sold does did done doing having being "
    "working"
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
    "reason difference point fact idea example kind sort part amount deal chance sense"
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
