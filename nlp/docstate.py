"""What the rule components learn about a doc, kept in one Doc extension.

Each `doc._.name` access costs a few microseconds, and the nightly job tags 100,000 items, so the
components share one mutable record in `doc.user_data`; the public Doc extensions
(`doc._.intents`, `doc._.severity`, ...) are getters that read from it. The record is not
serialisable: leave user data out when saving docs (`DocBin(store_user_data=False)`).
"""

from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import LOWER, SPACY
from spacy.tokens import Doc

from nlp.lexicon import LexiconScore

STATE_KEY = "loopkeeper.state"


@dataclass(slots=True)
class DocState:
    lower_text: str
    words: list[str]
    has_content: bool
    product_area: str = ""
    area_keyword: str = ""
    competitors: tuple[str, ...] = ()
    lexicon: LexiconScore | None = None
    sentiment: str = "neutral"
    sentiment_score: float = 0.0
    intent_scores: dict[str, float] = field(default_factory=dict)
    intents: tuple[str, ...] = ()
    intent: str = ""
    severity: str = "low"


def state_of(doc: Doc) -> DocState:
    """The doc's record, made on first use (text and tokens are read once: both are costly)."""
    # Kept in user_data under our own key: a plain dict lookup, where doc._ builds an object.
    state: DocState | None = doc.user_data.get(STATE_KEY)
    if state is None:
        # One array read instead of a Token object per token: the per-doc hot spot of the pipeline.
        strings = doc.vocab.strings
        rows = doc.to_array([LOWER, SPACY]).tolist()
        words = [strings[lower] for lower, _ in rows]
        text = "".join(w + " " if space else w for w, (_, space) in zip(words, rows, strict=True))
        state = DocState(text, words, any(w.isalpha() for w in words))
        doc.user_data[STATE_KEY] = state
    return state


def _reader(name: str) -> Any:
    return lambda doc: getattr(state_of(doc), name)


for _name in (
    "product_area",
    "area_keyword",
    "competitors",
    "sentiment",
    "sentiment_score",
    "intent_scores",
    "intents",
    "intent",
    "severity",
):
    Doc.set_extension(_name, getter=_reader(_name), force=True)
