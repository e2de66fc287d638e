"""The tagger's tokenizer: one regex, shared by training (as a spaCy tokenizer) and tagging.

Feedback needs no linguistic tokenisation, only words, numbers and punctuation. Keeping
contractions whole ("can't", "isn't") keeps negation a single word for the rules, and a regex is
several times cheaper than building spaCy's tokens, which dominates the cost of tagging a text.
The spaCy side is in nlp/tokenizer.py, so that this module imports without spaCy.
"""

import re
from typing import Final

TOKEN: Final = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


def words_of(text: str) -> list[str]:
    """Lowercased tokens of a text; the features and the rules both read these."""
    # The same tokens as TOKEN.findall on the whole text (a token never spans whitespace), but
    # most words are plain letters, and str methods are far cheaper than the regex engine.
    words: list[str] = []
    for chunk in text.lower().replace("’", "'").split():
        if chunk.isalnum():
            words.append(chunk)
        else:
            words.extend(TOKEN.findall(chunk))
    return words
