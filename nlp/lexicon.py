"""A sentiment lexicon with negation and contrast handling: VADER's words plus our own.

The trained sentiment textcat learns the corpus; the lexicon carries what a small corpus cannot
(rare words, "not bad", "can't say I love it") so the combined score generalises. Its word list
is VADER's (the 7,500-entry, crowd-rated lexicon the `vaderSentiment` package ships), read from
the installed package and scaled to our range, with the hand-written entries below taking
precedence: words that are neutral in feedback ("help", "support", "please", "like") and words
VADER lacks ("laggy", "clunky"). Emoji carry sentiment too, rated below by hand: VADER only
spells them out in words, which misses the rolled eyes and the skull of a sarcastic review.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Final

# fmt: off
POSITIVE: Final = {
    "love": 2.0, "loved": 2.0, "loving": 2.0, "great": 1.5, "excellent": 2.0, "amazing": 2.0,
    "fantastic": 2.0, "brilliant": 2.0, "awesome": 2.0, "superb": 2.0, "perfect": 1.5,
    "lifesaver": 2.0, "happy": 1.5, "glad": 1.0, "good": 1.0, "nice": 1.0, "helpful": 1.0,
    "useful": 1.0, "easy": 1.0, "intuitive": 1.0, "smooth": 1.0, "fast": 1.0, "quick": 0.8,
    "reliable": 1.0, "clean": 0.8, "clear": 0.8, "clearer": 0.8, "solid": 1.0, "thanks": 0.6,
    "thank": 0.6, "well": 0.5, "better": 0.8, "best": 1.5, "fair": 0.8, "enjoy": 1.5,
    "impressed": 1.5, "flawlessly": 1.5, "recommend": 1.5, "handy": 1.0, "works": 0.5,
}
NEGATIVE: Final = {
    "bad": 1.5, "terrible": 2.0, "awful": 2.0, "horrible": 2.0, "hate": 2.0, "broken": 1.5,
    "broke": 1.5, "breaks": 1.5, "bug": 1.0, "buggy": 1.5, "crash": 1.5, "crashes": 1.5,
    "fail": 1.5, "fails": 1.5, "failed": 1.5, "failing": 1.5, "error": 1.0, "errors": 1.0,
    "slow": 1.5, "slower": 1.5, "sluggish": 1.5, "laggy": 1.0, "lags": 1.0, "forever": 1.0,
    "painfully": 1.5, "confusing": 1.5, "clunky": 1.5, "annoying": 1.5, "frustrating": 2.0,
    "hard": 1.0, "difficult": 1.0, "expensive": 1.5, "pricey": 1.5, "poor": 1.5, "worse": 1.5,
    "worst": 2.0, "useless": 2.0, "wrong": 1.0, "missing": 0.8, "lost": 1.5, "gone": 1.0,
    "outage": 2.0, "down": 0.5, "stuck": 1.0, "issue": 0.8, "issues": 0.8, "problem": 1.0,
    "problems": 1.0, "complaints": 1.0, "cancel": 1.5, "cancelling": 1.5, "leaving": 1.0,
    "disappointed": 2.0, "unusable": 2.0, "surprise": 0.5, "stale": 1.0, "blank": 0.8,
    "duplicate": 0.8, "twice": 0.5, "timing": 0.5, "maze": 1.5, "stings": 1.5, "cut": 0.5,
    "unclear": 1.0, "tiny": 0.5, "hidden": 0.8, "impossible": 1.5, "refuses": 1.5,
}
NEGATORS: Final = {
    "not", "no", "never", "n't", "nt", "hardly", "without", "nothing", "none", "cannot", "cant",
    "dont", "doesnt", "isnt", "wasnt", "wont", "didnt", "can't", "don't", "doesn't", "isn't",
    "wasn't", "won't", "didn't", "couldn't", "wouldn't", "shouldn't", "aren't", "haven't",
    "hasn't", "weren't", "ain't", "nor",
}
# Words VADER rates but feedback uses neutrally: asking for help, saying what they want.
NEUTRAL_IN_FEEDBACK: Final = {
    "help", "please", "support", "like", "want", "wants", "wanted", "pretty", "yes", "ok",
    "okay", "sure", "share", "feature", "features", "update", "fix", "fixed", "join",
    "engage", "interested", "improve", "improvement", "care", "free", "matter", "hope",
    "wish", "agree", "allow", "accept", "accepted", "clarify", "reach", "credit", "party",
    "play", "playing", "save", "saved", "secure", "god", "lol", "haha", "mature", "kind",
    "true", "no", "stop", "stopped", "cut", "block", "blocked", "alert", "alerts",
    "warning", "warnings", "demand", "pay", "paying", "paid", "charge", "charged", "cost",
}
EMOJI: Final = {
    "😍": 2.0, "🥰": 2.0, "❤": 1.5, "❤️": 1.5, "💙": 1.5, "💯": 1.5, "🔥": 1.0, "👍": 1.0,
    "👏": 1.5, "🙌": 1.5, "🎉": 1.5, "🥳": 1.5, "✨": 1.0, "😊": 1.5, "🙂": 0.8, "😀": 1.5,
    "😃": 1.5, "😄": 1.5, "😁": 1.5, "😎": 1.0, "🤩": 2.0, "💪": 1.0, "⭐": 1.0, "🌟": 1.0,
    "✅": 0.5, "👌": 1.0, "😂": 0.5, "🤣": 0.5,
    "🙄": -1.5, "🙃": -1.0, "💀": -1.0, "😡": -2.0, "🤬": -2.0, "😠": -2.0, "😤": -1.5,
    "😒": -1.5, "👎": -1.5, "😞": -1.5, "😢": -1.5, "😭": -1.5, "😩": -1.5, "😫": -1.5,
    "🤦": -1.5, "😑": -1.0, "😐": -0.5, "🤡": -1.5, "💩": -2.0, "😖": -1.5, "😣": -1.5,
    "😕": -1.0, "😬": -0.8, "🐌": -1.0, "⚠": -0.5, "❌": -1.0, "🤮": -2.0, "😴": -1.0,
}
# fmt: on
# VADER rates words from -4 to 4; ours run to about 2.
VADER_SCALE: Final = 0.5
CONTRAST: Final = {"but", "though", "however", "although", "except", "unfortunately"}
STOP_SCOPE: Final = {".", "!", "?", ";", ","}
NEGATION_WINDOW: Final = 4
# One lookup per word: the polarity of opinion words, and 0.0 for contrast words.


def _vader_words() -> dict[str, float]:
    """VADER's single-word entries, scaled; empty if the package is not installed."""
    spec = find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "vader_lexicon.txt"
    words: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, rest = line.partition("\t")
        if word.isalpha() and rest:
            words[word] = round(float(rest.split("\t", 1)[0]) * VADER_SCALE, 3)
    return words


POLARITY: Final = {
    word: value for word, value in _vader_words().items() if word not in NEUTRAL_IN_FEEDBACK
}
POLARITY.update({w: POSITIVE.get(w, 0.0) - NEGATIVE.get(w, 0.0) for w in {*POSITIVE, *NEGATIVE}})
POLARITY.update(EMOJI)
POLARITY.update(dict.fromkeys(CONTRAST, 0.0))


@dataclass(frozen=True)
class LexiconScore:
    score: float  # -1..1, 0 when no lexicon word was seen
    hits: int
    negated_positive: int
    plain_positive: int


def lexicon_score(words: Sequence[str]) -> LexiconScore:
    """Score lowercased tokens; words after a contrast word weigh more ("good, but slow")."""
    total = 0.0
    hits = negated_positive = plain_positive = 0
    weight = 1.0
    for i, word in enumerate(words):
        polarity = POLARITY.get(word)
        if polarity is None:
            continue
        if word in CONTRAST:
            weight = 1.5
            total *= 0.6
            continue
        if not polarity:
            continue
        hits += 1
        negated = _negated(words, i)
        if polarity > 0:
            negated_positive += negated
            plain_positive += not negated
        # "not great" is mildly negative, "not bad" mildly positive: a flip at half strength.
        total += weight * (-0.5 * polarity if negated else polarity)
    score = total / (abs(total) + 2.0) if hits else 0.0
    return LexiconScore(score, hits, negated_positive, plain_positive)


def _negated(words: Sequence[str], i: int) -> bool:
    for j in range(i - 1, max(-1, i - 1 - NEGATION_WINDOW), -1):
        if words[j] in STOP_SCOPE or words[j] in CONTRAST:
            return False
        if words[j] in NEGATORS:
            return True
    return False
