"""What the rule components learn about a text, kept in one record per text.

The rule components read and write this record, not a Doc, so the same code serves spaCy's
`nlp.pipe` (nlp/docstate.py keeps the record on the Doc) and the tagger's fast path, which
builds no Docs at all.
"""

from dataclasses import dataclass, field

from nlp.lexicon import LexiconScore
from nlp.phrases import Found
from nlp.tokens import words_of


@dataclass(slots=True)
class DocState:
    words: list[str]
    has_content: bool
    found: list[Found] = field(default_factory=list)
    product_area: str = ""
    area_keyword: str = ""
    competitors: tuple[str, ...] = ()
    lexicon: LexiconScore | None = None
    sarcastic: bool = False
    sentiment: str = "neutral"
    sentiment_score: float = 0.0
    intent_scores: dict[str, float] = field(default_factory=dict)
    intents: tuple[str, ...] = ()
    intent: str = ""
    severity: str = "low"


def new_state(text: str) -> DocState:
    words = words_of(text)
    return DocState(words, any(w.isalpha() for w in words))
