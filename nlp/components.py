"""The rule components that run after the trained textcats; registered as spaCy factories."""

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from nlp import rules
from nlp.cues import cue_boosts
from nlp.docstate import state_of
from nlp.labels import INTENTS, SENTIMENT_CATS
from nlp.lexicon import lexicon_score
from nlp.taxonomy import Taxonomy

COMPETITOR_KEY = "\tcompetitor"


class TaxonomyMatcher:
    """Finds product-area phrases and competitor names; the taxonomy is set after loading."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.taxonomy = Taxonomy()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._generic: dict[str, str] = {}

    def configure(self, taxonomy: Taxonomy) -> None:
        matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for area in taxonomy.areas:
            for keyword, phrases in area.keywords.items():
                matcher.add(f"{area.name}\t{keyword}", [self.nlp.make_doc(p) for p in phrases])
        for name in taxonomy.competitors:
            matcher.add(f"{name}{COMPETITOR_KEY}", [self.nlp.make_doc(name)])
        self.taxonomy, self.matcher = taxonomy, matcher
        self._generic = {area.name: area.generic for area in taxonomy.areas}

    def __call__(self, doc: Doc) -> Doc:
        hits: list[tuple[str, str]] = []
        competitors: list[str] = []
        for match_id, _start, _end in sorted(self.matcher(doc), key=lambda m: m[1]):
            area, keyword = self.nlp.vocab.strings[match_id].split("\t")
            if keyword == "competitor":
                competitors.append(area)
            else:
                hits.append((area, keyword))
        state = state_of(doc)
        state.competitors = tuple(dict.fromkeys(competitors))
        if hits:
            state.product_area, state.area_keyword = self._best(hits)
        return doc

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
    """Blends the trained sentiment textcat with the lexicon, which knows negation."""

    def __init__(self, model_weight: float, positive_above: float, negative_below: float) -> None:
        self.model_weight = model_weight
        self.positive_above = positive_above
        self.negative_below = negative_below

    def __call__(self, doc: Doc) -> Doc:
        state = state_of(doc)
        if not state.has_content:
            return doc
        lex = lexicon_score(state.words)
        state.lexicon = lex
        probs = {label: doc.cats.get(cat, 0.0) for cat, label in SENTIMENT_CATS.items()}
        model = probs["positive"] - probs["negative"]
        has_model = any(cat in doc.cats for cat in SENTIMENT_CATS)
        if has_model and lex.hits:
            score = self.model_weight * model + (1 - self.model_weight) * lex.score
        elif has_model:
            # With no opinion word at all, the model's lean is mostly the corpus's prior, and a
            # question without one is asking, not judging.
            asking = state.lower_text.rstrip().endswith("?")
            score = self.model_weight * model * (0.5 if asking else 1.0)
        else:
            score = lex.score
        score = max(-1.0, min(1.0, score))
        state.sentiment_score = round(score, 4)
        if score > self.positive_above:
            state.sentiment = "positive"
        elif score < self.negative_below:
            state.sentiment = "negative"
        return doc


class IntentRules:
    """Turns textcat scores into intents, with competitor, churn and negation rules on top."""

    def __init__(self, threshold: float, churn_floor: float, negated_cap: float) -> None:
        self.threshold = threshold
        self.churn_floor = churn_floor
        self.negated_cap = negated_cap

    def __call__(self, doc: Doc) -> Doc:
        state = state_of(doc)
        if not state.has_content:
            state.intent_scores = dict.fromkeys(INTENTS, 0.0)
            return doc
        scores = {label: float(doc.cats.get(label, 0.0)) for label in INTENTS}
        text = state.lower_text
        for label, boost in cue_boosts(text).items():
            scores[label] = 1 - (1 - scores[label]) * (1 - boost)
        if state.competitors:
            scores["competitor"] = 1.0
        if rules.has_churn_cue(text) or (state.competitors and rules.weighs_competitor(text)):
            scores["churn_risk"] = max(scores["churn_risk"], self.churn_floor)
        if rules.says_not_a_bug(text):
            scores["bug"] = min(scores["bug"], self.negated_cap)
        lex = state.lexicon
        if lex is not None and lex.negated_positive and not lex.plain_positive:
            scores["praise"] = min(scores["praise"], self.negated_cap)
        state.intent_scores = {label: round(score, 4) for label, score in scores.items()}
        above = sorted((s, label) for label, s in scores.items() if s >= self.threshold)
        intents = tuple(label for _, label in reversed(above))
        state.intents = intents
        state.intent = intents[0] if intents else ""
        return doc


def severity_component(doc: Doc) -> Doc:
    state = state_of(doc)
    state.severity = rules.severity(state.lower_text, state.intents, state.sentiment_score)
    return doc


@Language.factory("loopkeeper_taxonomy")
def make_taxonomy(nlp: Language, name: str) -> TaxonomyMatcher:
    return TaxonomyMatcher(nlp)


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
    default_config={"threshold": 0.5, "churn_floor": 0.8, "negated_cap": 0.2},
)
def make_intents(
    nlp: Language, name: str, threshold: float, churn_floor: float, negated_cap: float
) -> IntentRules:
    return IntentRules(threshold, churn_floor, negated_cap)


@Language.factory("loopkeeper_severity")
def make_severity(nlp: Language, name: str) -> object:
    return severity_component


RULE_PIPES = (
    "loopkeeper_taxonomy",
    "loopkeeper_sentiment",
    "loopkeeper_intents",
    "loopkeeper_severity",
)
