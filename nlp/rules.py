"""Wording rules for routing: churn, competitor moves, "not a bug", how-to questions, sarcasm,
and severity.

Each rule is a phrase list (matched on whole words by one PhraseIndex with the intent cues) plus
a little logic over where the phrases were found: a churn cue right after a negation ("no plans
to cancel") does not count, and cues carrying their own negation ("not renewing") are listed
whole.
"""

from collections.abc import Sequence
from typing import Final

from nlp.lexicon import NEGATORS, STOP_SCOPE
from nlp.phrases import Found

# fmt: off
CHURN: Final = (
    "cancel", "cancelling", "canceling", "cancelled", "canceled", "cancellation", "not renew",
    "not renewing", "not be renewing", "won't renew", "won't be renewing", "will not renew",
    "may not renew", "not going to renew", "decided not to renew", "non-renewal", "switch to",
    "switching to", "moving to", "move to", "moving over to", "move off", "moving off",
    "migrate away", "migrating away", "migrate off", "alternatives", "an alternative",
    "other options", "other vendors", "other tools", "evaluating other", "evaluating options",
    "replace this", "replace you", "replace the platform", "replacement", "churn", "churning",
    "leave you", "leaving you", "if we leave", "we'll leave", "go elsewhere", "look elsewhere",
    "looking elsewhere", "shopping around", "close our account", "close the account",
    "closing our account", "rfp", "downgrade", "downgrading", "not worth renewing",
    "consolidate vendors", "consolidating", "pull the plug", "pulling the plug", "we walk",
    "they walk", "walk away", "we're out", "we are out", "terminate", "terminating",
    "termination", "end the contract", "ending the contract", "drop the tool", "dropping you",
    "dropping the tool", "turn off auto-renew", "reconsidering", "renewal is at risk",
    "chopping block", "cut the tool", "winding down", "shutting down our account",
    "different platform", "different tool", "different direction", "justify renewing",
    "justify keeping", "renewal is doubtful", "reviewing other", "we're gone", "find an alternative",
    "not sure we'll stay", "worth keeping", "before we close", "if we leave", "we cancel",
    "stop using", "given notice", "contract ends", "end date of our contract", "consolidate onto",
    "doesn't see the value", "can't justify", "not sure we'll renew", "at risk", "contract is up",
    "renewal conversation", "signed with", "moving away", "look at alternatives",
    "looking at alternatives", "look for alternatives", "looking for alternatives",
    "cheaper option", "cheaper alternative", "something cheaper", "find something else",
    "we're off", "we are off", "we're done after", "we are done after", "done after this",
    "done with it", "done with this", "done with you", "done once", "finished with this",
    "finished with you", "final year", "our last year", "last year with", "not carrying on",
    "won't be carrying on", "we're walking", "we are walking", "walking at renewal",
    "pull out", "pulling out", "off this platform", "off the platform", "off this tool",
    "seat reduction", "cutting seats", "cut seats", "cut our seats", "reduce seats",
    "reduce our seats", "renewal on hold", "likely churn", "reason not to cancel",
    "reason to stay", "not assume renewal", "not to assume", "renewal not guaranteed",
    "go to tender", "start an rfp", "tender",
)
# Coming over from a competitor, or having chosen us over one, is the opposite of churn.
RETAINED: Final = (
    "picked you", "chose you", "chosen you", "went with you", "switched from",
    "moved from", "came over from", "came from", "moved over from", "migrated from",
    "moving from", "migrating from", "no regrets", "right call", "used before",
    "don't regret", "compared us favourably",
)
# Praise words opening a complaint are sarcasm: "Great, the report builder is slower than Excel".
SARCASTIC_OPENINGS: Final = (
    "great ,", "fantastic ,", "brilliant ,", "wonderful ,", "perfect ,", "lovely ,", "awesome ,",
    "nice ,", "cool ,", "super ,", "love waiting", "love having", "love how", "thanks for",
)
COMPETITOR_MOVE: Final = (
    "looking at", "look at", "looking into", "evaluate", "evaluating", "trial", "trialling",
    "trialing", "demo", "pilot", "piloting", "talking to", "quote from", "compare you",
    "compare with", "comparing", "bake-off", "leaning towards", "going back", "follow",
    "everyone on", "whole team on", "standardising on", "standardizing on", "standardise on",
    "standardize on", "has picked", "have picked", "signed with", "moving over", "move over",
    "pitching", "pitched", "demo from", "had a demo", "shortlist", "wants us on", "moving to",
    "switching to", "consolidating onto", "parallel",
)
NOT_A_BUG: Final = (
    "not a bug", "not really a bug", "not exactly a bug", "isn't a bug", "is not a bug",
    "no bug", "not bugs", "never a bug", "not a bug as such", "not broken",
    "no bugs", "nothing is broken",
)
# Asking for help: what the writer wants is an answer, whatever else the text says. "Any help
# would be appreciated" thanks nobody for anything yet.
HELP_SEEKING: Final = (
    "any help", "any advice", "any suggestions", "any ideas", "any pointers", "any tips",
    "help would be appreciated", "help is appreciated", "help would be great", "please help",
    "need help with", "need some help", "help me with", "can someone help", "could someone help",
    "anyone know", "anybody know", "does anyone know", "someone tell me", "can anyone tell",
    "any assistance", "any thoughts", "any recommendations", "any tricks", "need assistance",
    "need some assistance", "appreciate any help", "appreciate any advice", "can anyone help",
    "can anybody help", "can somebody help", "could anyone help", "hope someone can help",
    "your help would", "any guidance", "shed some light", "shed any light", "shedding some light",
    "shedding any light", "need help", "want some help", "came for help",
    "give me a hand", "lend a hand", "hoping someone", "hope someone", "unless someone can",
    "if someone can", "can someone tell", "someone can answer", "someone might know",
)  # fmt: skip
# Signing off with thanks for help to come: a question when nothing else is reported, and a
# report or a request signed off so ("We really need higher rate limits. Thanks in advance!")
# stays one.
HELP_SIGN_OFFS: Final = (
    "thanks in advance", "thx in advance", "thank you in advance", "thanks in anticipation",
)  # fmt: skip
# Compounds whose first word is a cue on its own ("add-on", "slow-motion", "bug-free"): the
# tokens split them at the hyphen, and the part says nothing of the whole.
COMPOUNDS: Final = (
    "add - on", "add - ons", "add - in", "add - ins", "slow - motion", "slow - mo",
    "bug - free", "error - free", "crash - free", "lag - free", "cost - free", "free - to",
    # running out of memory is a failure, not slowness: "memory" is no speed hint in these
    "out of memory", "memory error", "memory errors", "low memory",
    # the support team is no request for support: "contact its support for more help"
    "contact support", "contact its support", "contact their support", "contact your support",
    "contact the support", "contacted support", "ask support", "asked support",
    # knowing what one needs to, not velocity: "got the new hires up to speed in a day"
    "up to speed",
)  # fmt: skip
# Sayings that start with a cue word and mean something else: "I can't wait", "can't thank you
# enough", "I can't believe how fast it is" report no fault.
IDIOMS: Final = tuple(
    f"{neg} {verb}"
    for neg in ("can't", "cannot", "can not")
    for verb in ("wait", "think", "imagine", "believe", "fathom", "thank", "recommend",
                 "express", "stress", "praise", "complain", "emphasize", "emphasise")
)  # fmt: skip
# A problem said to be solved is good news: "Problem solved by reinstalling", "this fixed my
# issue". Not when denied ("that hasn't fixed the issue"): the components check the words before.
RESOLVED: Final = tuple(
    [f"{noun} {done}" for noun in ("problem", "problems", "issue", "issues")
     for done in ("solved", "resolved", "fixed", "gone")]
    + [f"{done} {whose} {noun}" for done in ("solved", "resolved", "fixed")
       for whose in ("the", "my", "your", "our", "this", "that")
       for noun in ("problem", "problems", "issue", "issues")]
)  # fmt: skip
# Thanks for what is yet to come: "X would be much appreciated" thanks nobody yet, and it may
# close a request ("dark mode would be greatly appreciated") as well as a plea for help.
THANKS_AHEAD: Final = (
    "would be appreciated", "would be much appreciated", "would be greatly appreciated",
    "would be really appreciated", "would be very appreciated", "would be most appreciated",
    "will be appreciated", "is appreciated", "is much appreciated", "is greatly appreciated",
    "appreciate any", "grateful for any",
)  # fmt: skip
# Wanting to know is asking: "I'd like to know whether SSO is on our plan" is a question worded
# as a wish, the classic confusion the other way round from "Can you add ...?".
ASKS_TO_KNOW: Final = (
    "like to know", "love to know", "want to know", "wanted to know", "like to understand",
    "love to understand", "want to understand", "like to ask", "wanted to ask",
    "like to find out", "want to find out", "like to confirm", "want to confirm",
    "be good to know", "be nice to know", "be great to know", "be helpful to know",
)  # fmt: skip
NOT_A_REQUEST: Final = ("not a feature request", "isn't a feature request", "not a request")
SARCASM: Final = (
    "oh great", "oh good", "oh joy", "oh lovely", "oh nice", "oh wonderful", "oh fantastic",
    "oh perfect", "oh brilliant", "great , another", "fantastic , another", "wonderful , another",
    "just perfect", "just great", "thanks for nothing", "yay", ". not .", "love having to",
    "love paying", "loving the outages", "nice touch that", "well that's just", "oh yay",
    "thanks so much for breaking", "thanks for the detailed docs that",
)
SEVERITY_PHRASES: Final = {
    "critical": (
        "data loss", "lost all our data", "lost our data", "lost the data", "lost data",
        "data is gone", "data was gone", "disappeared", "vanished", "outage", "is down",
        "are down", "went down", "was down", "been down", "down for", "security issue",
        "security hole", "security incident", "breach", "could see our", "another customer's",
        "other customer's", "someone else's", "leak", "leaked", "leaking", "production is",
        "nobody can", "no one can", "everyone is blocked", "everyone is locked out", "wiped",
        "lost a week",
    ),
    "blocker": (
        "can't log in", "cannot log in", "can't login", "can't sign in", "cannot sign in",
        "unable to log in", "can't access", "cannot access", "unable to access", "locked out",
        "login is broken", "login broken", "login failing", "blocked", "can't open",
        "can't save", "can't use",
    ),
    "wide": (
        "all users", "all our users", "all of our users", "all the users", "everyone",
        "every user", "whole team", "whole company", "entire team", "entire company",
        "entire org", "all our teams", "all staff", "all admins", "nobody on my team",
        "entire customer list",
    ),
    "high": (
        "blocking", "blocker", "urgent", "asap", "charged twice", "double charged",
        "fails every", "failed every", "every night", "every day", "every time", "timing out",
        "times out", "time out", "stopped working", "stopped syncing", "still have access",
        "still log in", "security", "half of our users", "half our", "third outage",
        "duplicate contacts", "sends it twice", "went to our entire", "middle of the night",
        "nothing has synced", "never arrive", "white screen", "lost admin rights",
    ),
    "soft": (
        "not urgent", "no rush", "not a huge deal", "not a big deal", "small thing", "minor",
        "nice to have", "whenever you can", "low priority",
    ),
}
# fmt: on
# Wider than the lexicon's: "we don't want to look at alternatives" negates from five words away.
NEGATION_WINDOW: Final = 5
# A subject starts a new clause: in "if it isn't fixed we'll cancel" the negation is the
# condition's, and the cue after "we'll" stands.
SUBJECTS: Final = frozenset(
    {"we", "we're", "we'll", "we've", "they", "they're", "they'll", "i", "i'm", "i'll"}
)
PROBLEM_INTENTS: Final = frozenset({"bug", "performance"})
ASK_INTENTS: Final = frozenset(
    {"feature_request", "question", "documentation", "usability", "praise", "competitor"}
)


# A one-sentence question opening with these asks how to do something ("How do I reset my
# password?"): without wording of a fault, it reports none, whatever the subject's usual company.
HOW_TO_OPENERS: Final = frozenset(
    {("how", "do"), ("how", "can"), ("how", "to"), ("how", "should"), ("how", "would"),
     ("where", "do"), ("where", "can"), ("is", "there")}
)  # fmt: skip
SENTENCE_ENDS: Final = frozenset({".", "!", "?", ";"})


def asks_how_to(words: Sequence[str]) -> bool:
    """Is the text one how-to question ("how do I ...", "where can we ...", "is there a way")?"""
    if len(words) < 3 or (words[0], words[1]) not in HOW_TO_OPENERS:
        return False
    if words[0] == "is" and words[2] not in ("a", "any"):
        return False
    return not any(word in SENTENCE_ENDS for word in words[:-1])


# Advice to the reader: a support agent's reply in a ticket thread, a colleague's tip in a forum,
# a CSM's note of what they told the customer. "Try clearing the cache", "Click Settings, then
# Export", "You can turn it off under Alerts", "If you reinstall, ...": steps for someone else
# to take report no fault and ask for no feature, whatever the subject's usual company.
ADVICE_VERBS: Final = frozenset(
    {"try", "click", "select", "go", "open", "run", "see", "enter", "navigate", "restart",
     "reinstall", "disable", "enable", "clear", "uninstall", "install", "download", "press",
     "choose", "remove", "delete", "rename", "follow", "copy", "paste", "drag", "visit",
     "right-click", "double-click", "reset", "refresh", "untick", "uncheck", "contact"}
)  # fmt: skip
# Verbs that are nouns as often ("note editor eats my bullets", "scroll jumps to the top"):
# advice only with what they act on after them ("Check the logs", "Note that ...").
NOUN_VERBS: Final = frozenset(
    {"check", "type", "note", "scroll", "test", "log", "sign", "set", "start", "hit", "tap",
     "find", "look", "change", "create", "turn", "put", "boot", "tick", "reach", "make",
     "ask", "post", "report", "attach", "upload"}
)  # fmt: skip
OBJECT_STARTS: Final = frozenset(
    {"the", "your", "a", "an", "that", "this", "these", "those", "it", "them", "all", "any",
     "on", "at", "to", "for", "into", "with", "off", "under", "through", "from", "sure"}
)  # fmt: skip
# "You should add ..." asks us for a feature, so "should" is not here; "you can only ..." and
# "you can't ..." state a limit.
ADVICE_OPENERS: Final = frozenset(
    {("you", "can"), ("you", "could"), ("you", "may"), ("you", "might"), ("you", "need"),
     ("you", "must"), ("you'll", "need"), ("you'll", "want"), ("if", "you")}
)  # fmt: skip
# Words that may come before the advice itself: "Then click ...", "Please try ...".
ADVICE_LEAD_INS: Final = frozenset(
    {'"', "(", "-", "*", ">", "then", "just", "also", "first", "now", "so", "and", "please",
     "simply", "maybe", "next", "alternatively", "otherwise", "instead", ","}
)  # fmt: skip
# A verb followed by these is a noun or a limit: "Sign up is broken", "Open source", "you can
# only export 1,000 rows".
NOT_ADVICE_AFTER: Final = frozenset(
    {"is", "was", "are", "were", "has", "had", "it's", "page", "screen", "button", "source",
     "only", "not", "never", "no", "longer"}
)  # fmt: skip


# "You should contact your admin", "I'd suggest restarting the agent", "Please update to 4.2":
# advice only with these after them ("You should add ..." and "please update the docs" ask us).
SHOULD_DO: Final = frozenset(
    {"contact", "try", "restart", "reinstall", "reboot", "clear", "check", "read", "see", "visit",
     "ask", "post", "uninstall", "download", "go"}
)  # fmt: skip
SUGGESTING: Final = frozenset({"suggest", "recommend", "advise"})
SUGGESTED_STEPS: Final = frozenset(
    {"updating", "upgrading", "trying", "restarting", "reinstalling", "rebooting", "clearing",
     "checking", "contacting", "disabling", "uninstalling", "creating", "using", "reading"}
)  # fmt: skip
UPDATING_TO: Final = frozenset({("update", "to"), ("update", "your"), ("upgrade", "to"),
                                ("upgrade", "your")})  # fmt: skip


def _opening(words: Sequence[str], lead_ins: frozenset[str] = ADVICE_LEAD_INS) -> int:
    """Where a text's own words start: after a step's marker ("(A)", "2)", "b.") and the words
    that may come before advice, a request or a question ("Then", "Also", "-")."""
    i = 1 if words[:1] == ["("] else 0
    marked = i + 1 < len(words) and len(words[i]) <= 2 and words[i].isalnum()
    i = i + 2 if marked and words[i + 1] in (")", ".") else 0
    while i < len(words) and words[i] in lead_ins:
        i += 1
    return i


def gives_advice(words: Sequence[str]) -> bool:
    """Does the text open with steps for its reader ("Try ...", "Click ...", "You can ...")?"""
    i = _opening(words)
    if tuple(words[i : i + 3]) == ("would", "you", "please"):  # a helper's polite step
        i = _opening(words[i + 3 :]) + i + 3
    if i >= len(words):
        return False
    after = words[i + 1] if i + 1 < len(words) else ""
    if words[i] in ADVICE_VERBS:
        return after not in NOT_ADVICE_AFTER
    if words[i] in NOUN_VERBS:
        return after in OBJECT_STARTS
    if (words[i], after) in UPDATING_TO:
        return True
    third = words[i + 2] if i + 2 < len(words) else ""
    if (words[i], after) == ("you", "should"):
        return third in SHOULD_DO
    if words[i] in ("i", "i'd") and (after in SUGGESTING or third in SUGGESTING):
        step = words[i + 2 : i + 5]
        return not SUGGESTED_STEPS.isdisjoint(step)
    return (words[i], after) in ADVICE_OPENERS and third not in NOT_ADVICE_AFTER


# An idea-board or ticket title naming what should be supported: "SAML support", "Dark mode
# support", "Alpha channel support in the editor". Not the support team: "Great support",
# "Contact support", "Premium support".
NOT_A_FEATURE_SUPPORTED: Final = frozenset(
    {"great", "good", "bad", "poor", "terrible", "awful", "excellent", "amazing", "awesome",
     "fantastic", "brilliant", "fast", "quick", "slow", "customer", "tech", "technical", "your",
     "the", "our", "no", "contact", "contacted", "premium", "priority", "live", "email", "phone",
     "chat", "helpful", "friendly", "responsive", "outstanding", "superb", "top", "best",
     "worst", "lousy", "useless", "zero", "and", "or", "for", "with", "of", "to", "from", "my",
     "need", "needs", "needed", "want", "get", "got", "ask", "asked", "call", "called", "emailed",
     "reached", "love", "thanks", "dedicated", "24/7", "dem", "den", "der", "die", "das", "le",
     "la", "el", "du", "au"}
)  # fmt: skip
# A title names a thing; a sentence with a person in it ("I'm going to contact Acme support")
# or a question ("How to disable sync support") is no title.
NOT_IN_A_TITLE: Final = frozenset(
    {"i", "i'm", "i'll", "i've", "we", "we're", "we'll", "you", "you're", "he", "she", "they",
     "my", "our", "your", "going", "how", "what", "why", "where", "when", "which", "who"}
)  # fmt: skip
TITLE_WORDS: Final = 8


def titles_a_request(words: Sequence[str]) -> bool:
    """Is the text a short title of something to support ("Zapier support", "Multi-currency
    support in invoices")?"""
    if len(words) > TITLE_WORDS or any(word in SENTENCE_ENDS for word in words[:-1]):
        return False
    said = [word for word in words if word not in SENTENCE_ENDS and word != "!"]
    if "support" not in said or not NOT_IN_A_TITLE.isdisjoint(said):
        return False
    at = said.index("support")
    # "... support" closing the title, or before what it is for ("support in the editor")
    if at + 1 < len(said) and said[at + 1] not in ("in", "on", "within", "inside"):
        return False
    return at > 0 and said[at - 1].isalnum() and said[at - 1] not in NOT_A_FEATURE_SUPPORTED


# An idea told as an order to the product: "Add a copy button to the About box", "Bring back the
# old editor", "Allow guests to comment". Not a step for the reader ("Add the line to your
# config", "Add it to your dashboard"): only with what a new thing is named by after the verb.
ORDERING: Final = {
    "add": frozenset({"a", "an", "more", "some", "support", "option", "options", "back"}),
    "bring": frozenset({"back"}),
    "allow": frozenset({"us", "users", "admins", "me", "guests", "people", "multiple", "more"}),
    "implement": frozenset({"a", "an", "support", "some", "more"}),
    "integrate": frozenset({"with"}),
}


def orders_a_feature(words: Sequence[str]) -> bool:
    """Does the text open with an order for something new ("Add a ...", "Bring back ...")?"""
    i = _opening(words, ADVICE_LEAD_INS - {"please"})  # "please add" is a cue of its own
    if i + 1 >= len(words):
        return False
    return words[i + 1] in ORDERING.get(words[i], frozenset())


# Words that make a whole text only when it answers something said elsewhere in its thread.
BARE_REPLY_WORDS: Final = frozenset(
    {"yes", "yeah", "yep", "yup", "no", "nope", "nah", "ok", "okay", "k", "sure", "right",
     "correct", "exactly", "indeed", "agreed", "true", "bump", "same", "here", "me", "too",
     "why", "what", "really", "seriously", "huh", "wth", "wtf", "nothing", "say"}
)  # fmt: skip
BARE_REPLY_TOKENS: Final = 8  # "(yes!!)" and the like; a longer text says more


def bare_reply(words: Sequence[str]) -> bool:
    """Is the text a bare answer ("Yep!", "ok", "same here", "Really?", "Why?") with no word of
    its own?"""
    if len(words) > BARE_REPLY_TOKENS:
        return False
    said = [word for word in words if word.isalpha()]
    return bool(said) and len(said) <= 3 and BARE_REPLY_WORDS.issuperset(said)


# A helper's check on the reader's side ("Have you tried signing out and in?", "Is the issue
# still happening after the update?"): a question put to the customer in a thread, not one the
# customer asks of us. Not "are you using", "which version", "what happens when you": customers
# ask vendors those too.
CHECKS_ON_THE_READER: Final = frozenset(
    {("is", "the", "problem", "still"), ("is", "the", "issue", "still")}
)
ASKING_THE_READER: Final = frozenset(
    {("have", "you"), ("did", "you"), ("could", "you"), ("can", "you"), ("would", "you")}
)
# A helper following up ("Did this help?", "Any luck?") or making sure what was meant ("Do you
# mean the admin page?"): the whole text, or its opening.
FOLLOW_UPS: Final = frozenset(
    {("did", "this", "help"), ("did", "that", "help"), ("did", "it", "help"),
     ("did", "this", "work"), ("did", "that", "work"), ("did", "this", "fix"),
     ("did", "that", "fix"), ("does", "this", "help"), ("does", "that", "help"),
     ("any", "improvement"), ("any", "luck"), ("any", "change"), ("success",)}
)  # fmt: skip
FOLLOW_UP_TOKENS: Final = 6
PAST_CHECKS: Final = frozenset({("have", "you"), ("did", "you")})
CHECKING_VERBS: Final = frozenset(
    {"tried", "try", "checked", "check", "cleared", "clear", "restarted", "restart", "disabled",
     "disable", "reinstalled", "reinstall", "rebooted", "reboot"}
)  # fmt: skip


def asks_the_reader(words: Sequence[str]) -> bool:
    """Does the text open with a check put to its reader ("Have you tried restarting?", "Could
    you try safe mode?") or a helper's follow-up ("Did this help?", "Do you mean ...")?"""
    i = _opening(words)
    head = tuple(words[i : i + 4])
    if head in CHECKS_ON_THE_READER:
        return True
    if head[:2] == ("you", "mean") or head[:3] == ("do", "you", "mean"):
        return True
    if any(head[:n] in FOLLOW_UPS for n in (1, 2, 3)):
        # a follow-up is short: "Did this help?", "Success?"; a customer asks at more length
        return len(words) - i <= (2 if head[0] == "success" else FOLLOW_UP_TOKENS)
    if len(head) < 3 or head[:2] not in ASKING_THE_READER:
        return False
    # "have you tried", "did you clear"; of "can you ...", only "can you try": "can you add",
    # "can you confirm" ask us
    return head[2] in CHECKING_VERBS and (head[:2] in PAST_CHECKS or head[2] == "try")


def rule_entries() -> list[tuple[str, str]]:
    """(label, phrase) pairs for the shared PhraseIndex."""
    entries = [("churn", p) for p in CHURN] + [("competitor_move", p) for p in COMPETITOR_MOVE]
    entries += [("not_a_bug", p) for p in NOT_A_BUG] + [("sarcasm", p) for p in SARCASM]
    entries += [("sarcastic_opening", p) for p in SARCASTIC_OPENINGS]
    entries += [("not_a_request", p) for p in NOT_A_REQUEST]
    entries += [("help_seeking", p) for p in HELP_SEEKING]
    entries += [("help_sign_off", p) for p in HELP_SIGN_OFFS]
    entries += [("thanks_ahead", p) for p in THANKS_AHEAD]
    entries += [("compound", p) for p in COMPOUNDS] + [("compound", p) for p in IDIOMS]
    entries += [("resolved", p) for p in RESOLVED]
    entries += [("asks_to_know", p) for p in ASKS_TO_KNOW]
    entries += [("retained", p) for p in RETAINED]
    for kind, phrases in SEVERITY_PHRASES.items():
        entries += [(f"severity:{kind}", p) for p in phrases]
    return entries


def negated_at(words: Sequence[str], start: int) -> bool:
    """Is there a negator in the few words before start, within the same clause?"""
    if start < len(words) and words[start] in SUBJECTS:
        return False
    for j in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
        if words[j] in STOP_SCOPE or words[j] in SUBJECTS:
            return False
        if words[j] in NEGATORS:
            return True
    return False


CUE_NEGATION_WINDOW: Final = 3
CLAUSE_JOINS: Final = frozenset({"and", "but", "then", "so", "or"})


# Words that say "none at all" between a negator and a problem ("haven't had a single sync
# issue", "no more crashes"): they do not use up the negation's reach. Not "the": "can't believe
# the sync issue is back" reports the issue.
NONE_AT_ALL: Final = frozenset({"a", "an", "any", "single", "one", "more"})


# Nouns that name a fault without saying which: a fault report when stated, good news when
# denied ("no sync issues since the update").
PROBLEM_WORDS: Final = frozenset(
    {
        "issue", "issues", "problem", "problems", "bug", "bugs", "error", "errors", "crash",
        "crashes", "glitch", "glitches", "outage", "outages", "downtime", "hiccup", "hiccups",
    }
)  # fmt: skip


RESOLVING: Final = frozenset(
    {"fix", "fixed", "fixes", "solve", "solved", "solves", "resolve", "resolved", "resolves",
     "cure", "cured", "help", "helped", "helps", "address", "addressed"}
)  # fmt: skip


def cue_negated(words: Sequence[str], start: int) -> bool:
    """Is an intent cue denied by a negator just before it ("not a single outage")?"""
    if words[start] in NEGATORS:
        return False  # the cue carries its own negation: "doesn't work", "can't find"
    reach = CUE_NEGATION_WINDOW
    j = start - 1
    while j >= 0 and reach > 0:
        if words[j] in STOP_SCOPE or words[j] in CLAUSE_JOINS or words[j] in SUBJECTS:
            return False
        if words[j] in RESOLVING:  # "hasn't fixed the issue": the fix is denied, not the issue
            return False
        if words[j] in NEGATORS:
            return True
        if words[j] not in NONE_AT_ALL:
            reach -= 1
        j -= 1
    return False


# "We don't export to Excel much", "I didn't save it": what a person does not do is a habit, not
# a fault; "the files don't open" is one.
PERSONS: Final = frozenset({"i", "we", "you"})
DOING_NOT: Final = frozenset({"don't", "do", "didn't", "did"})


def a_habit(words: Sequence[str], start: int) -> bool:
    """Is the fault cue at start a person's own "don't/didn't <verb>"?"""
    return start > 0 and words[start - 1] in PERSONS and words[start] in DOING_NOT


# Exclamations worded like questions: "What a mess.", "What a great tool!" (a question is "what
# is a ...?"), and "Where do I start." / "Where do I even begin..." opening a list of complaints.
# The second asks something when it ends in "?" ("I just signed up. Where do I start?").
EXCLAIMING_WHAT: Final = frozenset({"a", "an"})
WHERE_TO_BEGIN: Final = (
    frozenset({"do", "does", "shall", "should", "can", "to"}),
    frozenset({"i", "we", "one"}),
    frozenset({"even"}),
)
BEGIN: Final = frozenset({"start", "begin"})
# The only words such an exclamation opens with: a cheap first look on every text.
EXCLAIMING_OPENERS: Final = frozenset({"what", "where"})


def exclaims_at(words: Sequence[str], start: int) -> bool:
    """Does the sentence a question word opens at start exclaim rather than ask?"""
    if words[start] == "what":
        return start + 1 < len(words) and words[start + 1] in EXCLAIMING_WHAT
    if words[start] != "where":
        return False
    i = start + 1
    for optional in WHERE_TO_BEGIN:
        if i < len(words) and words[i] in optional:
            i += 1
    if i >= len(words) or words[i] not in BEGIN:
        return False
    after = words[i + 1] if i + 1 < len(words) else "."
    return after in EXCLAIMED_ENDS


# What ends the exclamation: a stop, "!", a comma or dash running on to the complaint, not "?"
# and not more words ("where do I start with the API").
EXCLAIMED_ENDS: Final = frozenset({".", "!", ",", ";", ":", "-", "…"})


def is_sarcastic(words: Sequence[str], found: Sequence[Found], negative_cue: bool) -> bool:
    """Sarcasm wording, or praise opening a text that goes on to name a problem."""
    for hit in found:
        if hit.label == "sarcasm":
            return True
        if hit.label == "sarcastic_opening" and negative_cue and _opens(words, hit.start):
            return True
    return False


def _opens(words: Sequence[str], start: int) -> bool:
    return start == 0 or (start <= 6 and words[start - 1] in (":", "]", "-", "."))


def has_churn_cue(words: Sequence[str], found: Sequence[Found]) -> bool:
    return churn_wording(words, found) == "churn"


def churn_wording(words: Sequence[str], found: Sequence[Found]) -> str:
    """ "churn" if a churn cue stands, "negated" if every one is negated ("no plans to cancel")."""
    seen = False
    for hit in found:
        if hit.label == "churn" and not _within_the_product(words, hit):
            seen = True
            if words[hit.start] in NEGATORS or not negated_at(words, hit.start):
                return "churn"
    return "negated" if seen else ""


# Moving within the product is no move away: "switch to annual billing", "move to the new
# editor". The words a move goes to, within a few words after it.
MOVES: Final = frozenset({"switch", "switching", "moving", "move"})
MOVES_WITHIN: Final = frozenset(
    {"annual", "yearly", "monthly", "quarterly", "billing", "invoicing", "plan", "tier",
     "seats", "version", "release", "editor", "view", "mode", "layout", "dashboard", "workspace",
     "sso", "saml", "beta"}
)  # fmt: skip
# A team that measures churn names its reports after it: "the churn chart", "churn rate is
# wrong" speak of a feature, not of leaving.
CHURN_AS_A_MEASURE: Final = frozenset(
    {"chart", "charts", "report", "reports", "rate", "rates", "dashboard", "dashboards",
     "metric", "metrics", "analysis", "prediction", "predictions", "score", "scores", "model",
     "forecast", "widget", "graph", "numbers", "data", "field", "column", "tab", "view", "risk"}
)  # fmt: skip
ARTICLES: Final = frozenset({"the", "a", "an", "our", "your", "their"})


def _within_the_product(words: Sequence[str], hit: Found) -> bool:
    """Is a churn cue a move inside the product or the name of a churn measure?"""
    head = words[hit.start]
    after = [w for w in words[hit.end : hit.end + 4] if w not in ARTICLES][:2]
    if head in ("churn", "churning") and hit.end - hit.start == 1:
        return bool(after) and after[0] in CHURN_AS_A_MEASURE
    return head in MOVES and not MOVES_WITHIN.isdisjoint(after)


def severity(kinds: frozenset[str], intents: tuple[str, ...], sentiment_score: float) -> str:
    """Severity from the severity phrases found: wording and scope first, then intent."""
    softened = "severity:soft" in kinds
    blocker = "severity:blocker" in kinds
    wide = "severity:wide" in kinds
    if not softened and ("severity:critical" in kinds or (blocker and wide)):
        return "critical"
    if not softened and ("severity:high" in kinds or blocker or "churn_risk" in intents):
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
