"""Hand-written intent cues: wording that signals an intent whatever the training corpus saw.

The bag-of-words model only knows the words of its corpus; these cues carry the common wording
of each intent so the tagger generalises to feedback phrased unlike anything it was trained on.
"""

import re
from typing import Final

INTENT_CUES: Final = {
    "bug": re.compile(
        r"\b(?:broken|breaks|broke|bug|buggy|crash(?:es|ed|ing)?|error(?:s|ed)?|fail(?:s|ed|ing)?|"
        r"(?:doesn'?t|does not|don'?t|isn'?t|stopped|won'?t) (?:work|load|save|sync|open)|"
        r"404|500|503|401|wrong|disappear(?:ed|s)?|duplicate[sd]?|blank (?:screen|page)|"
        r"not working|glitch|can'?t (?:log ?in|sign ?in)|cannot (?:log ?in|sign ?in)|locked out|"
        r"regression|twice|nothing happens|spins forever|data loss|lost data|"
        r"security (?:issue|hole)|stuck|never (?:finishes|loads|arrives)|nothing loads|typo|"
        r"instead of|ignores|skips|drops|rejects|overlaps|off by one|one day off)\b"
    ),
    "feature_request": re.compile(
        r"\b(?:please add|(?:can|could) you (?:add|support)|would (?:love|like|be (?:great|nice))|"
        r"we'?d (?:love|like)|feature request|need (?:a|an|the) (?:way|option|ability)|wish|"
        r"add (?:a|an|support)|support for|it would help|would help|would save|"
        r"allow (?:us|admins|users)|"
        r"let (?:us|me|admins|users)|any plans?|on the roadmap|wishlist|(?:we|they) (?:want|need)|"
        r"wants? (?:a|an|the|to have)|missing (?:a|an|the) (?:way|option|feature))\b"
    ),
    "usability": re.compile(
        r"\b(?:confusing|confused|clunky|unintuitive|not intuitive|hard to (?:find|use|"
        r"navigate|read|tell|scan)|"
        r"too many (?:clicks|steps)|can'?t find|couldn'?t find|not obvious|awkward|cluttered|"
        r"user[- ]friendly|hidden|a maze|hard to understand)\b"
    ),
    "performance": re.compile(
        r"\b(?:slow(?:er|ly|ness)?|sluggish|lag(?:s|gy|ging)?|latency|timing out|times out|"
        r"time ?outs?|"
        r"takes? (?:forever|ages|minutes|hours|\d+)|load times?|freez(?:e|es|ing)|hangs?|"
        r"performance|speed)\b"
    ),
    "pricing": re.compile(
        r"\b(?:pric(?:e|es|ey|ing)|expensive|cheap(?:er)?|cost(?:s|ly)?|discount|budget|"
        r"per[- ]seat|overage|pay(?:ing)?|charge[sd]?|plan (?:costs?|price)|value for money|"
        r"afford)\b"
    ),
    "documentation": re.compile(
        r"\b(?:docs?|documentation|documented|document the|help (?:center|centre|article)|"
        r"guide|tutorials?|readme|api reference|release notes|changelog|knowledge base)\b"
    ),
    "praise": re.compile(
        r"\b(?:love (?:it|the|this|how|your)|great (?:job|work|support|product|tool|team|release)|"
        r"thank you|thanks for|amazing|excellent|fantastic|brilliant|well done|keep up|"
        r"lifesaver|happy with|impressed|awesome|best (?:tool|product)|no complaints)\b"
    ),
    "question": re.compile(
        r"(?:\?\s*$|\?\s+\S|^(?:how|what|where|why|when|which|who|is|are|can|could|do|does|will)\b|"
        r"\b(?:is there (?:a|an|any)|is it possible|how (?:do|can|does|long)|where (?:do|"
        r"can|is))\b)"
    ),
}
CUE_WEIGHT: Final = 0.5


def cue_boosts(text: str) -> dict[str, float]:
    """Lowercased text -> {intent: boost} for each intent whose wording appears."""
    return {label: CUE_WEIGHT for label, cue in INTENT_CUES.items() if cue.search(text)}
