"""The tagger's tokenizer: one regex, shared by training (as a spaCy tokenizer) and tagging.

Feedback needs no linguistic tokenisation, only words, numbers and punctuation. Keeping
contractions whole ("can't", "isn't") keeps negation a single word for the rules, and a regex is
several times cheaper than building spaCy's tokens, which dominates the cost of tagging a text.
The spaCy side is in nlp/tokenizer.py, so that this module imports without spaCy.
"""

import re
from typing import Final

TOKEN: Final = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")

# Contractions typed without their apostrophe ("doesnt work", "cant log in", "ive tried"), as
# phone keyboards, forums that strip punctuation and writers of English as a second language
# leave them. Spelled out, they are the words the rules and the models know. Only forms that are
# no other English word: "its", "ill", "lets", "were", "well" and "id" stay as written, but for
# "id" opening a clause before a verb of wanting ("id like", "so id love"), as no identifier is.
APOSTROPHE_DROPPED: Final = {
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't",
    "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't", "wont": "won't",
    "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't", "aint": "ain't", "ive": "i've",
    "im": "i'm", "youre": "you're", "youve": "you've", "theyre": "they're",
    "theyve": "they've", "weve": "we've", "thats": "that's", "whats": "what's",
    "theres": "there's",
}  # fmt: skip
WANTING: Final = frozenset({"like", "love", "prefer", "rather", "appreciate"})
CLAUSE_OPENS: Final = frozenset(
    {".", "!", "?", ",", ";", ":", "-", "(", "and", "but", "so", "also"}
)


# An export read in the wrong encoding turns a curly apostrophe or an emoji into "?" or "??":
# "can??t", "I??m", "Please??: go to ...". Such marks ask nothing: the apostrophe comes back in a
# contraction, and a run of them right before ":" or ";" is dropped. "Thanks??!" stays: a "?"
# there may be one.
MISREAD_APOSTROPHE: Final = re.compile(r"\b(\w{1,12})\?+(t|s|m|d|ll|re|ve)\b")
MISREAD_MARK: Final = re.compile(r"(?<=\w)\?+(?=[:;])")
CONTRACTION_HEADS: Final = frozenset(
    {"i", "you", "we", "they", "he", "she", "it", "that", "there", "what", "who", "let"}
)


def mended(text: str) -> str:
    """The text with marks an encoding mix-up made ("can??t", "Please??:") put right."""
    if "?" not in text:
        return text
    if "?:" in text or "?;" in text:
        text = MISREAD_MARK.sub("", text)
    if _mark_inside_a_word(text):
        # anchored at a word's start and bounded: a 20,000-letter "word" before "?" is read once
        text = MISREAD_APOSTROPHE.sub(_apostrophe, text)
    return text


def _mark_inside_a_word(text: str) -> bool:
    """Is a run of "?" between two letters ("can??t")? Most texts with a "?" ask something, and
    this look is cheaper than the pattern."""
    i = text.find("?")
    while i != -1:
        j = i + 1
        while j < len(text) and text[j] == "?":
            j += 1
        if i > 0 and j < len(text) and text[i - 1].isalpha() and text[j].isalpha():
            return True
        i = text.find("?", j)
    return False


def _apostrophe(match: re.Match[str]) -> str:
    head, tail = match.group(1), match.group(2)
    if (tail == "t" and head.lower().endswith("n")) or head.lower() in CONTRACTION_HEADS:
        return f"{head}'{tail}"
    return match.group(0)


def words_of(text: str) -> list[str]:
    """Lowercased tokens of a text; the features and the rules both read these."""
    # The same tokens as TOKEN.findall on the whole text (a token never spans whitespace), but
    # most words are plain letters, and str methods are far cheaper than the regex engine.
    words: list[str] = []
    for chunk in mended(text).lower().replace("’", "'").split():
        if chunk.isalnum():
            words.append(APOSTROPHE_DROPPED.get(chunk, chunk))
        else:
            words.extend(APOSTROPHE_DROPPED.get(word, word) for word in TOKEN.findall(chunk))
    if "id" in words:
        _spell_out_id(words)
    return words


def apostrophes_restored(words: list[str]) -> list[str]:
    """Lowercased tokens with the contractions typed without apostrophes spelled out, as
    words_of gives them (for tokens split elsewhere)."""
    words = [APOSTROPHE_DROPPED.get(word, word) for word in words]
    if "id" in words:
        _spell_out_id(words)
    return words


def _spell_out_id(words: list[str]) -> None:
    for i, word in enumerate(words[:-1]):
        if word == "id" and words[i + 1] in WANTING and (i == 0 or words[i - 1] in CLAUSE_OPENS):
            words[i] = "i'd"
