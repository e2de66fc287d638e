"""The DocState record of a spaCy Doc, and the public Doc extensions that read it.

In `nlp.pipe` the record lives in `doc.user_data`; `doc._.intents`, `doc._.severity`, ... read
from it. The record is not serialisable: leave user data out when saving docs
(`DocBin(store_user_data=False)`).
"""

from typing import Any

from spacy.tokens import Doc

from nlp.state import DocState, new_state

STATE_KEY = "loopkeeper.state"


def state_of(doc: Doc) -> DocState:
    """The doc's record, made on first use."""
    # Kept in user_data under our own key: a plain dict lookup, where doc._ builds an object.
    state: DocState | None = doc.user_data.get(STATE_KEY)
    if state is None:
        state = new_state(doc.text)
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
