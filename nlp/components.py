"""The rule components that run after the trained textcats; registered as spaCy factories.

Each component has `apply(state, cats)`, the whole of its logic on a DocState, and a `__call__`
for spaCy pipelines; the tagger's fast path calls `apply` directly, so both give the same tags.
"""

from collections.abc import Mapping, Sequence
from typing import Final, Protocol

from spacy.language import Language
from spacy.tokens import Doc

from nlp import rules
from nlp.cues import (
    CUE_WEIGHT,
    HINT_PHRASES,
    HINT_WEIGHT,
    INFO_WORDS,
    INTENT_PHRASES,
    MODAL_OPENERS,
    NOT_ASKING_AFTER_MODAL,
    QUESTION_OPENERS,
    REQUEST_ASKS,
    SENTENCE_BREAKS,
)
from nlp.docstate import state_of
from nlp.labels import INTENTS, SENTIMENT_CATS
from nlp.lexicon import CONTRAST, NEGATORS, lexicon_score
from nlp.phrases import Found, PhraseIndex
from nlp.state import DocState
from nlp.taxonomy import Taxonomy

AREA, COMPETITOR, CUE, HINT = "area\t", "competitor\t", "cue\t", "hint\t"
# Wording of a problem: praise words before it are likely sarcasm.
PROBLEM_CUES = frozenset(
    f"{kind}{label}"
    for kind in (CUE, HINT)
    for label in ("bug", "performance", "usability", "pricing")
) | {"churn"}
FAULT_CUES = frozenset(
    f"{CUE}{label}" for label in ("bug", "performance", "usability", "pricing")
) | {"churn"}
STATIC_ENTRIES = (
    [(CUE + label, p) for label, phrases in INTENT_PHRASES.items() for p in phrases]
    + [(HINT + label, p) for label, phrases in HINT_PHRASES.items() for p in phrases]
    + [("request_ask", p) for p in REQUEST_ASKS]
    + rules.rule_entries()
)


class RuleComponent(Protocol):
    def apply(self, state: DocState, cats: Mapping[str, float]) -> None: ...


class TaxonomyMatcher:
    """Finds every listed phrase in one pass: product areas, competitors, cues and rule wording."""

    def __init__(self) -> None:
        self.configure(Taxonomy())

    def configure(self, taxonomy: Taxonomy) -> None:
        entries = list(STATIC_ENTRIES)
        for area in taxonomy.areas:
            for keyword, phrases in area.keywords.items():
                entries += [(f"{AREA}{area.name}\t{keyword}", p) for p in phrases]
        entries += [(COMPETITOR + name, name) for name in taxonomy.competitors]
        self.taxonomy, self.index = taxonomy, PhraseIndex(entries)
        # Labels are parsed once here, not for every hit.
        self._parsed: dict[str, tuple[str, str, str]] = {}
        for label, _ in entries:
            if label.startswith((AREA, COMPETITOR)):
                kind, name, *rest = label.split("\t")
                self._parsed[label] = (kind + "\t", name, rest[0] if rest else "")
        self._generic = {area.name: area.generic for area in taxonomy.areas}

    def __call__(self, doc: Doc) -> Doc:
        self.apply(state_of(doc), doc.cats)
        return doc

    def apply(self, state: DocState, cats: Mapping[str, float]) -> None:
        state.found = found = self.index.find(state.words)
        spans: list[tuple[int, int, str, str]] = []
        competitors: list[str] = []
        for hit in found:
            parsed = self._parsed.get(hit.label)
            if parsed is None:
                continue
            if parsed[0] == AREA:
                spans.append((hit.start, hit.end, parsed[1], parsed[2]))
            else:
                competitors.append(parsed[1])
        # Words count once, for the longest area phrase they are in: "CSV file" is one mention
        # of exports, not two, and "CSV importer" is data import, not also an exports "CSV".
        hits = [(area, keyword) for _, _, area, keyword in outermost_spans(spans)]
        state.competitors = tuple(dict.fromkeys(competitors))
        if hits:
            state.product_area, state.area_keyword = self._best(hits)

    def _best(self, hits: list[tuple[str, str]]) -> tuple[str, str]:
        counts: dict[str, int] = {}
        for area, _ in hits:
            counts[area] = counts.get(area, 0) + 1
        # Most matches wins; max keeps the first of equals, i.e. the area mentioned first.
        area = max(counts, key=counts.__getitem__)
        generic = self._generic.get(area)
        keywords = [k for a, k in hits if a == area]
        specific = [k for k in keywords if k != generic]
        return area, (specific or keywords)[0]


class SentimentBlend:
    """Blends the trained sentiment textcat with the lexicon, which knows negation and sarcasm."""

    def __init__(self, model_weight: float, positive_above: float, negative_below: float) -> None:
        self.model_weight = model_weight
        self.positive_above = positive_above
        self.negative_below = negative_below

    def __call__(self, doc: Doc) -> Doc:
        self.apply(state_of(doc), doc.cats)
        return doc

    def apply(self, state: DocState, cats: Mapping[str, float]) -> None:
        if not state.has_content:
            return
        lex = lexicon_score(state.words)
        state.lexicon = lex
        has_model = any(cat in cats for cat in SENTIMENT_CATS)
        model = cats.get("SENT_POSITIVE", 0.0) - cats.get("SENT_NEGATIVE", 0.0)
        if has_model and lex.hits:
            score = self.model_weight * model + (1 - self.model_weight) * lex.score
        elif has_model:
            # With no opinion word at all, the model's lean is mostly the corpus's prior, and a
            # question without one is asking, not judging.
            asking = bool(state.words) and state.words[-1] == "?"
            score = self.model_weight * model * (0.5 if asking else 1.0)
        else:
            score = lex.score
        labels = {hit.label for hit in state.found}
        problem = (
            bool(labels & PROBLEM_CUES)
            or max(cats.get("bug", 0.0), cats.get("performance", 0.0)) >= 0.5
        )
        state.sarcastic = rules.is_sarcastic(state.words, state.found, problem)
        if state.sarcastic:
            # "Oh great, another outage": the praise words mean the opposite.
            score = min(score, -0.3)
        score = max(-1.0, min(1.0, score))
        state.sentiment_score = round(score, 4)
        if score > self.positive_above:
            state.sentiment = "positive"
        elif score < self.negative_below:
            state.sentiment = "negative"


class IntentRules:
    """Turns textcat scores into intents, with cue, competitor, churn and negation rules on top."""

    def __init__(
        self,
        threshold: float,
        churn_floor: float,
        negated_cap: float,
        label_thresholds: Mapping[str, float] | None = None,
    ) -> None:
        self.threshold = threshold
        # Per-intent thresholds chosen by nlp.train on its held-out source split; the rest
        # use `threshold`.
        self.label_thresholds = dict(label_thresholds or {})
        self.churn_floor = churn_floor
        self.negated_cap = negated_cap

    def __call__(self, doc: Doc) -> Doc:
        self.apply(state_of(doc), doc.cats)
        return doc

    def _bar(self, label: str) -> float:
        return self.label_thresholds.get(label, self.threshold)

    def apply(self, state: DocState, cats: Mapping[str, float]) -> None:
        if not state.has_content:
            state.intent_scores = dict.fromkeys(INTENTS, 0.0)
            return
        scores = {label: float(cats.get(label, 0.0)) for label in INTENTS}
        if rules.titles_a_request(state.words) or rules.orders_a_feature(state.words):
            boost = 1 - (1 - scores["feature_request"]) * (1 - CUE_WEIGHT)
            scores["feature_request"] = max(boost, self._bar("feature_request"))
        labels = {hit.label for hit in state.found}
        boosts = _boosts(state.found, state.words)
        for label, boost in boosts.items():
            scores[label] = 1 - (1 - scores[label]) * (1 - boost)
        # "Where do I start." opening complaints, "What a mess!": the model reads the question
        # word of the best sentence; with no "?" and nothing else asking, nobody asked.
        if "question" not in boosts and "?" not in state.words and _exclaims(state.words):
            scores["question"] = min(scores["question"], self.negated_cap)
        if rules.bare_reply(state.words):
            # "Yep!", "ok", "Really?": an answer to something not in the text says nothing of
            # it, whatever its punctuation
            scores = {label: min(score, self.negated_cap) for label, score in scores.items()}
        if state.competitors:
            scores["competitor"] = 1.0
        churn = rules.churn_wording(state.words, state.found)
        moving = "competitor_move" in labels and "retained" not in labels
        if churn == "churn" or (state.competitors and moving):
            scores["churn_risk"] = max(scores["churn_risk"], self.churn_floor)
        elif churn == "negated":
            # The model sees "cancel" either way; the negation is the rules' to read.
            scores["churn_risk"] = min(scores["churn_risk"], self.negated_cap)
        # A problem said not to happen ("no sync issues since the update", "haven't seen a
        # single crash") is good news, not a report of it: when every cue of that problem is
        # denied, the models' reading of the problem words is capped too.
        for intent in _denied(state.found, state.words):
            scores[intent] = min(scores[intent], self.negated_cap)
        # A how-to question is not a fault report unless it words one ("how do I stop it
        # crashing"); a hint ("reset" is near "resets") is not enough.
        if "not_a_bug" in labels or (
            rules.asks_how_to(state.words) and labels.isdisjoint(FAULT_CUES)
        ):
            scores["bug"] = min(scores["bug"], self.negated_cap)
        # Steps for the reader ("Try clearing the cache", "You can turn it off under Alerts") are
        # advice, not a report: only a cue of a fault or request of its own keeps one.
        if rules.gives_advice(state.words):
            for intent in ("bug", "feature_request"):
                if CUE + intent not in labels:
                    scores[intent] = min(scores[intent], self.negated_cap)
        # A helper's check on the reader ("Have you tried signing out and in?") asks the customer,
        # so it is neither their question nor their report.
        if rules.asks_the_reader(state.words):
            for intent in ("question", "bug", "feature_request"):
                if CUE + intent not in labels or intent == "question":
                    scores[intent] = min(scores[intent], self.negated_cap)
        # A wish to know ("I'd like to know whether ...", "would be good to know") asks for an
        # answer, not a feature, unless a request cue of its own stands; so does a plea for help
        # ("any pointers would be welcome, thanks") with no wording of a request at all. Either,
        # or signing off "Thanks in advance!", makes a question of a text that reports nothing
        # else: a report signed off so, or "Not urgent but would be good to know.", asks for a fix.
        if not _requested(state.found, state.words) and (
            "asks_to_know" in labels
            or ("help_seeking" in labels and HINT + "feature_request" not in labels)
        ):
            scores["feature_request"] = min(scores["feature_request"], self.negated_cap)
        if (
            not labels.isdisjoint(("asks_to_know", "help_seeking", "help_sign_off"))
            and labels.isdisjoint(PROBLEM_CUES)
            and all(scores[label] < self._bar(label) for label in REPORTS)
        ):
            scores["question"] = max(scores["question"], self._bar("question"))
        if not labels.isdisjoint(THANKING_AHEAD):
            _thank_nobody_yet(state.found, scores, self.negated_cap)
        if "request_ask" in labels and INFO_WORDS.isdisjoint(state.words):
            scores["question"] = min(scores["question"], self.negated_cap)
        if "not_a_request" in labels:
            scores["feature_request"] = min(scores["feature_request"], self.negated_cap)
        lex = state.lexicon
        negated_praise = lex is not None and lex.negated_positive and not lex.plain_positive
        if negated_praise or state.sarcastic:
            scores["praise"] = min(scores["praise"], self.negated_cap)
        state.intent_scores = {label: round(score, 4) for label, score in scores.items()}
        above = sorted((s, label) for label, s in scores.items() if s >= self._bar(label))
        state.intents = _point_after_the_praise(
            tuple(label for _, label in reversed(above)), state.found, state.words
        )
        state.intent = state.intents[0] if state.intents else ""
        kinds = frozenset(label for label in labels if label.startswith("severity:"))
        state.severity = rules.severity(kinds, state.intents, state.sentiment_score)


def outermost_spans(spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The spans no other span contains, in their order. One sorted pass: comparing every pair
    took 10 s on a 200,000-character text of area words."""
    if len(spans) < 2:
        return spans
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
    keep = [True] * len(spans)
    reach = -1  # the furthest end of the spans sorted before this (start, end)
    i = 0
    while i < len(order):
        start, end = spans[order[i]][:2]
        same = i
        while same < len(order) and spans[order[same]][:2] == (start, end):
            same += 1
        if reach >= end:  # one that starts no later and ends no earlier holds these
            for k in order[i:same]:
                keep[k] = False
        reach = max(reach, end)
        i = same
    return [span for span, kept in zip(spans, keep, strict=True) if kept]


# A found label -> (intent, boost): strong cues and weaker hints.
CUES = {HINT + label: (label, HINT_WEIGHT) for label in INTENTS} | {
    CUE + label: (label, CUE_WEIGHT) for label in INTENTS
}


# Problems said not to happen ("not a single outage", "no lag at all") are not reported.
NEGATABLE = frozenset({"bug", "performance", "usability"})


def _boosts(found: Sequence[Found], words: list[str]) -> dict[str, float]:
    boosts: dict[str, float] = {}
    documented = False
    negators = not NEGATORS.isdisjoint(words)
    # a cue word inside a compound is another word: "add-on" is no request to add anything, and
    # "memory" in "out of memory" no sign of slowness; a cue that is the whole compound stands
    # (each covered word position -> the compounds covering it: one look per cue, however many
    # compounds a hostile text repeats)
    compounds: dict[int, set[tuple[int, int]]] = {}
    for hit in found:
        # and the problem words of a problem said to be solved are no hint of one
        if hit.label == "compound" or (
            hit.label == "resolved" and not (negators and rules.negated_at(words, hit.start))
        ):
            for i in range(hit.start, hit.end):
                compounds.setdefault(i, set()).add((hit.start, hit.end))
    for hit in found:
        cue = CUES.get(hit.label)
        if cue is None:
            continue
        if compounds and _inside_a_compound(hit, compounds):
            continue
        intent, weight = cue
        if negators and intent in NEGATABLE and rules.cue_negated(words, hit.start):
            continue
        if intent == "bug" and rules.a_habit(words, hit.start):
            continue
        if intent == "feature_request" and _asks_to_know(words, hit):
            continue
        if intent == "question" and rules.exclaims_at(words, hit.start):
            continue
        documented = documented or (intent == "documentation" and weight == CUE_WEIGHT)
        if weight > boosts.get(intent, 0.0):
            boosts[intent] = weight
    # Wrong or missing wording in a guide is the guide's fault: a documentation cue turns the
    # bug cues it comes with into hints.
    if documented and "bug" in boosts:
        boosts["bug"] = min(boosts["bug"], HINT_WEIGHT)
    if "question" not in boosts and _opens_a_question(words):
        boosts["question"] = CUE_WEIGHT
    return boosts


def _inside_a_compound(hit: Found, compounds: dict[int, set[tuple[int, int]]]) -> bool:
    """Does the cue start inside a compound it is not the whole of?"""
    return any(span != (hit.start, hit.end) for span in compounds.get(hit.start, ()))


# What a text asking for help may be about instead of a question: "the sync stopped, any help
# appreciated" asks for a fix, and "thanks in advance!" signs off many a bug report.
REPORTS: Final = ("bug", "performance", "usability", "feature_request", "pricing")


# Wording whose praise words thank nobody yet.
THANKING_AHEAD: Final = frozenset({"help_seeking", "help_sign_off", "thanks_ahead"})


def _thank_nobody_yet(found: Sequence[Found], scores: dict[str, float], cap: float) -> None:
    """The praise words of "any help would be appreciated", "thanks in advance" or "would be
    much appreciated" thank nobody yet: praise is capped unless a praise cue stands outside them."""
    # the word positions the help requests cover: linear however many a hostile text repeats
    asking = {i for hit in found if hit.label in THANKING_AHEAD for i in range(hit.start, hit.end)}
    for hit in found:
        if CUES.get(hit.label, ("",))[0] == "praise" and not asking.issuperset(
            range(hit.start, hit.end)
        ):
            return
    scores["praise"] = min(scores["praise"], cap)


# "(please) let us know", "I'd like to know", "would love to understand": the writer asks for an
# answer or for news, not for a feature, whatever request cue the wish is worded with.
WISHING: Final = frozenset({"let", "like", "love"})
KNOWING: Final = frozenset({"know", "ask", "understand", "learn", "clarify", "confirm"})


def _requested(found: Sequence[Found], words: list[str]) -> bool:
    """Does a request cue stand that is not a wish to know ("I'd like to know ...") nor the end
    of a plea for help ("any ideas would be handy")?"""
    pleas_end = {hit.end for hit in found if hit.label == "help_seeking"}
    return any(
        hit.label == CUE + "feature_request"
        and not _asks_to_know(words, hit)
        and hit.start not in pleas_end
        for hit in found
    )


def _asks_to_know(words: list[str], hit: Found) -> bool:
    """Is the request cue ("let us", "i'd like", "would be good", "please") a wish to know
    something ("... to know", "please let us know")?"""
    if not KNOWING.isdisjoint(words[hit.end : hit.end + 2]):
        return True
    window = words[hit.start : hit.end + 3]
    return not WISHING.isdisjoint(window) and not KNOWING.isdisjoint(window)


def _denied(found: Sequence[Found], words: list[str]) -> set[str]:
    """{"bug"} when the text names a fault only by problem words ("issues", "crashes") and
    denies each of them; empty otherwise. Any other bug cue or hint keeps the reading: hints
    such as "showing" are faults when negated ("no log showing what changed"). Only faults:
    "not intuitive" or "isn't fast enough" deny a quality, which is the complaint."""
    if NEGATORS.isdisjoint(words):
        return set()
    problems = [i for i, word in enumerate(words) if word in rules.PROBLEM_WORDS]
    if not problems:
        return set()
    for hit in found:
        if CUES.get(hit.label, ("",))[0] == "bug" and rules.PROBLEM_WORDS.isdisjoint(
            words[hit.start : hit.end]
        ):
            return set()
    if all(rules.cue_negated(words, start) for start in problems):
        return {"bug"}
    return set()


def _point_after_the_praise(
    intents: tuple[str, ...], found: Sequence[Found], words: list[str]
) -> tuple[str, ...]:
    """Praise comes after what else the text says, when a clause of its own says it.

    "Love the dashboards, but we really need a PDF export", "Great product! We really need
    shareable links. Keep it up!" and "Crashes on every upload. Love the app otherwise." are a
    request and a fault: answered, themed and counted as such (praise asks nothing of anyone).
    Clauses split at sentence ends and at "but", "however", "unfortunately". The other intent's
    cue must stand in a clause with no praise in it; its weaker hint ("we really need",
    "missing") also after the last praise word, since hints come with praise as often as not
    ("can't recommend it enough").
    """
    if len(intents) < 2 or intents[0] != "praise":
        return intents
    cues = {CUE + intent for intent in intents[1:]}
    hints = {HINT + intent for intent in intents[1:] if intent in ASKING_HINTS}
    clause_of = _clauses(words)
    praised = [hit.start for hit in found if hit.label in PRAISE_WORDING]
    praised_clauses = {clause_of[start] for start in praised}
    commended: set[int] | None = None  # found once, at the first cue of speed or ease
    for hit in found:
        if clause_of[hit.start] in praised_clauses:
            continue
        if hit.label in QUALITY_CUES:
            if commended is None:
                commended = _commending_clauses(words, clause_of)
            if clause_of[hit.start] in commended:
                continue  # "Search is lightning fast now.": more praise
        if hit.label in cues or (hit.label in hints and praised and hit.start > max(praised)):
            if _told_as_fixed(words, hit.start):
                return intents
            return (*intents[1:], "praise")
    return intents


# "The sync broke last week but support fixed it within the hour, brilliant team": a fault told
# as already put right leaves the praise the point. "Still not fixed", "nobody has fixed it yet"
# do not.
FIXED: Final = frozenset({"fixed", "solved", "resolved", "sorted"})
NOT_YET: Final = frozenset({"nobody", "noone", "yet"})


def _told_as_fixed(words: list[str], start: int) -> bool:
    return any(
        words[j] in FIXED
        and not rules.negated_at(words, j)
        and NOT_YET.isdisjoint(words[max(start, j - 3) : j + 3])
        for j in range(start + 1, len(words))
    )


def _clauses(words: list[str]) -> list[int]:
    """Each word's clause number: a new one after a sentence end or at a contrast word."""
    clause, numbers = 0, []
    for i, word in enumerate(words):
        if word in CONTRAST and words[i + 1 : i + 2] != ["also"]:
            clause += 1
        numbers.append(clause)
        if word in SENTENCE_ENDS:
            clause += 1
    return numbers


SENTENCE_ENDS: Final = frozenset({".", "!", ";", "?"})
QUALITY_CUES: Final = frozenset({CUE + "performance", CUE + "usability"})
# Words that commend speed or ease, unless a wish or a denial comes just before them ("could be
# a lot simpler", "not fast enough").
COMMENDING: Final = frozenset(
    {"fast", "faster", "quick", "quicker", "snappy", "snappier", "instant", "instantly",
     "lightning", "smooth", "smoother", "easy", "easier", "intuitive", "simple", "simpler",
     "straightforward", "responsive", "breeze"}
)  # fmt: skip
WISHED_BEFORE: Final = frozenset(
    {"could", "should", "would", "needs", "need", "must", "lot", "bit", "more", "enough"}
)


def _commending_clauses(words: list[str], clause_of: list[int]) -> set[int]:
    """The clauses that commend speed or ease rather than wish for it: one pass over the words,
    however many cues a long text repeats."""
    commended = set()
    for i, word in enumerate(words):
        if word not in COMMENDING:
            continue
        before = words[max(0, i - 3) : i]
        after = words[i + 1 : i + 2]
        if NEGATORS.isdisjoint(before) and WISHED_BEFORE.isdisjoint(before) and after != ["enough"]:
            commended.add(clause_of[i])
    return commended


# Hints that still ask beside praise ("we really need", "missing"); "easy to" or "fast" beside
# praise are more praise.
ASKING_HINTS: Final = frozenset({"bug", "feature_request"})
PRAISE_WORDING: Final = frozenset({CUE + "praise", HINT + "praise"})


def _opens_a_sentence(words: list[str], i: int) -> bool:
    return i == 0 or words[i - 1] in SENTENCE_BREAKS or (i <= 4 and words[i - 1] == ",")


def _exclaims(words: list[str]) -> bool:
    """Does a sentence open with a question word that exclaims ("What a mess.")?"""
    return any(
        word in rules.EXCLAIMING_OPENERS
        and _opens_a_sentence(words, i)
        and rules.exclaims_at(words, i)
        for i, word in enumerate(words)
    )


def _opens_a_question(words: list[str]) -> bool:
    for i, word in enumerate(words):
        if word in QUESTION_OPENERS and _opens_a_sentence(words, i):
            after = words[i + 1] if i + 1 < len(words) else ""
            if word in MODAL_OPENERS and after in NOT_ASKING_AFTER_MODAL and "?" not in words:
                continue
            if rules.exclaims_at(words, i):
                continue
            return True
    return False


@Language.factory("loopkeeper_taxonomy")
def make_taxonomy(nlp: Language, name: str) -> TaxonomyMatcher:
    return TaxonomyMatcher()


@Language.factory(
    "loopkeeper_sentiment",
    default_config={"model_weight": 0.5, "positive_above": 0.15, "negative_below": -0.15},
)
def make_sentiment(
    nlp: Language, name: str, model_weight: float, positive_above: float, negative_below: float
) -> SentimentBlend:
    return SentimentBlend(model_weight, positive_above, negative_below)


@Language.factory(
    "loopkeeper_intents",
    default_config={
        "threshold": 0.45,
        "churn_floor": 0.8,
        "negated_cap": 0.2,
        "label_thresholds": {},
    },
)
def make_intents(
    nlp: Language,
    name: str,
    threshold: float,
    churn_floor: float,
    negated_cap: float,
    label_thresholds: dict[str, float],
) -> IntentRules:
    return IntentRules(threshold, churn_floor, negated_cap, label_thresholds)


RULE_PIPES = ("loopkeeper_taxonomy", "loopkeeper_sentiment", "loopkeeper_intents")
