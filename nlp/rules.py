"""Wording rules: churn cues, "not a bug" negation, and severity from wording, scope and intent."""

import re
from typing import Final

# Churn wording. A cue right after a negation ("no plans to cancel") does not count; cues that
# carry their own negation ("not renewing") are written out in full.
CHURN_CUES: Final = re.compile(
    r"\b(?:cancel(?:l?ing|led|ed)?|cancellation|not (?:be )?renew(?:ing)?|won'?t renew|"
    r"will not renew|may not renew|not going to renew|switch(?:ing)? to|moving (?:over )?to|"
    r"migrat(?:e|ing) (?:away|off)|look(?:ing)? (?:at|for|into) alternatives|alternatives|"
    r"evaluating (?:other|another|\w+ as a replacement)|replace (?:this|you)|replacement|"
    r"churn(?:ing)?|leav(?:e|ing) (?:at|after|you|the)|close our account|rfp|"
    r"downgrad(?:e|ing)|not worth renewing|consolidat(?:e|ing) (?:onto|tools))\b"
)
# Next to a competitor's name these words mean the account is weighing a move.
COMPETITOR_CHURN: Final = re.compile(
    r"\b(?:look(?:ing)? (?:at|into)|evaluat(?:e|ing)|trial(?:l?ing)?|demo (?:of|with)|"
    r"pilot(?:ing)?|"
    r"talking to|quote from|compar(?:e|ing) (?:you|prices))\b"
)
NEGATED_BEFORE: Final = re.compile(r"(?:\bnot|\bno|\bnever|n't|\bwithout)\W+(?:\w+\W+){0,3}$")
NOT_A_BUG: Final = re.compile(
    r"\b(?:not|n't|isn't|never|no)\s+(?:really\s+|exactly\s+)?(?:a\s+|an\s+)?bugs?\b"
)

CRITICAL: Final = re.compile(
    r"\b(?:data loss|lost (?:all |our |the )?data|data (?:is|was) gone|disappeared|"
    r"outage|(?:is|are|went|was) down|down for|security (?:issue|hole|incident)|breach|"
    r"could see our|leak(?:ed|ing)?|production (?:is|api)|nobody can|no one can|"
    r"everyone is (?:blocked|locked out)|all (?:our )?users (?:are|were) (?:blocked|locked out))\b"
)
ACCESS_BLOCKER: Final = re.compile(
    r"\b(?:can'?t|cannot|can not|unable to) (?:log ?in|sign ?in|access|reach|use)\b|"
    r"\blocked out\b|\blogin (?:is )?(?:broken|failing)\b|\bblocked\b"
)
WIDE_SCOPE: Final = re.compile(
    r"\b(?:all (?:of )?(?:our |the )?users|every(?:one| user)|whole (?:team|company)|"
    r"entire (?:team|company|org)|all (?:our )?(?:teams|staff|admins))\b"
)
HIGH: Final = re.compile(
    r"\b(?:can'?t log ?in|cannot log ?in|blocking|blocked|blocker|urgent|asap|"
    r"charged twice|double charged|fail(?:s|ed)? every|every (?:night|day|time)|"
    r"timing out|times out|stopped (?:working|syncing|pushing|getting)|"
    r"still have access|security|half (?:of )?our users|third outage|duplicate companies)\b"
)
SOFTENER: Final = re.compile(
    r"\b(?:not urgent|no rush|not a (?:huge|big) deal|small thing|minor|nice to have|"
    r"not a huge|whenever you can|low priority)\b"
)
PROBLEM_INTENTS: Final = frozenset({"bug", "performance"})
ASK_INTENTS: Final = frozenset(
    {"feature_request", "question", "documentation", "usability", "praise", "competitor"}
)


def has_churn_cue(text: str) -> bool:
    for match in CHURN_CUES.finditer(text):
        if match.group(0).startswith("not ") or not NEGATED_BEFORE.search(text[: match.start()]):
            return True
    return False


def weighs_competitor(text: str) -> bool:
    return COMPETITOR_CHURN.search(text) is not None


def says_not_a_bug(text: str) -> bool:
    return NOT_A_BUG.search(text) is not None


def severity(text: str, intents: tuple[str, ...], sentiment_score: float) -> str:
    """Severity from lowercased text: wording and scope first, then what the item is about."""
    if not text.strip():
        return "low"
    softened = SOFTENER.search(text) is not None
    blocker = ACCESS_BLOCKER.search(text) is not None
    wide = WIDE_SCOPE.search(text) is not None
    if not softened and (CRITICAL.search(text) or (blocker and wide)):
        return "critical"
    if not softened and (HIGH.search(text) or blocker or "churn_risk" in intents):
        return "high"
    if softened:
        return "medium" if PROBLEM_INTENTS & set(intents) else "low"
    if PROBLEM_INTENTS & set(intents):
        return "medium"
    if "pricing" in intents and sentiment_score < -0.2:
        return "medium"
    if intents and set(intents) <= ASK_INTENTS:
        return "low"
    return "medium" if sentiment_score < -0.5 else "low"
