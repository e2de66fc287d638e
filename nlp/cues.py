"""Hand-written intent cues: wording that signals an intent whatever the training corpus saw.

The bag-of-words model only knows the words of its corpus; these cues carry the common wording
of each intent so the tagger generalises to feedback phrased unlike anything it was trained on.
Each list is phrases matched on whole lowercased words ("*" is any one word); a cue nudges the
model's score up, it does not decide alone.
"""

from typing import Final

# "It would be really great if ...", "would also be handy": the wish cues with a word of degree
# in them.
WISH_WORDS: Final = ("great", "nice", "useful", "handy", "helpful", "cool", "good", "lovely")
DEGREE_WORDS: Final = ("really", "so", "very", "super", "also", "definitely", "certainly",
                       "extremely", "incredibly", "especially", "even", "truly")  # fmt: skip
WISHES_WITH_A_WORD_BETWEEN: Final = tuple(
    phrase
    for wish in WISH_WORDS
    for degree in DEGREE_WORDS
    for phrase in (
        f"would {degree} be {wish}", f"would be {degree} {wish}", f"it'd be {degree} {wish}",
        f"it'd {degree} be {wish}",
    )
)  # fmt: skip
# "won't open", "doesn't start", "isn't loading": a thing that should happen and does not, the
# commonest way to report a fault without a fault word.
FAULT_VERBS: Final = (
    "open", "start", "load", "play", "save", "sync", "run", "launch", "respond", "trigger",
    "connect", "install", "upload", "download", "print", "export", "import", "close", "quit",
    "boot", "send", "activate", "appear", "update", "refresh", "stop", "uninstall", "function",
)  # fmt: skip
FAULT_GERUNDS: Final = (
    "opening", "starting", "loading", "playing", "saving", "syncing", "running", "launching",
    "responding", "triggering", "connecting", "installing", "uploading", "downloading",
    "printing", "exporting", "importing", "closing", "booting", "sending", "activating",
    "appearing", "updating", "refreshing",
)  # fmt: skip
FAULTS_WITHOUT_A_FAULT_WORD: Final = tuple(
    [f"{neg} {verb}" for neg in ("won't", "doesn't", "does not", "will not", "didn't", "did not",
                                  "don't", "do not") for verb in FAULT_VERBS]
    # what a program could not do, as its error messages say ("Could not read ..."); not what
    # people could not do without it ("we couldn't run CS without it")
    + [f"{neg} {verb}" for neg in ("could not", "couldn't")
       for verb in ("identify", "detect", "recognize", "recognise", "read", "open", "load",
                    "connect", "save", "play", "import", "export", "sync")]
    + [f"{neg} {seem} to work" for neg in ("doesn't", "does not", "don't", "do not")
       for seem in ("seem", "appear")]
    + ["seems not to work", "seem not to work", "not to be working", "just stops", "keeps stopping",
       "stops playing", "stops working", "skipping"]
    + [f"{neg} {verb}" for neg in ("isn't", "is not", "aren't", "are not", "not", "stopped")
       for verb in FAULT_GERUNDS]
)  # fmt: skip
# fmt: off
INTENT_PHRASES: Final[dict[str, tuple[str, ...]]] = {
    "bug": (
        *FAULTS_WITHOUT_A_FAULT_WORD,
        # having a problem, said as such
        "have a problem", "having a problem", "having problems", "having this problem",
        "having the same problem", "having an issue", "having issues", "having this issue",
        "having trouble", "have trouble", "got a problem", "has a problem", "there is a problem",
        "there's a problem", "problem with", "problems with", "issue with", "issues with",
        "trouble with", "same problem", "same issue", "screwed up", "messed up",
        "out of memory", "memory error", "memory errors", "out of space",
        "stopped functioning", "not functioning", "cease to function", "ceased to function",
        "is gone", "are gone", "off by", "died", "is dead", "fell over", "packed in", "greyed out", "grayed out", "does nothing", "kicked me out", "kicks me out", "kicking me out", "reappearing", "reappears", "unexpected error", "broke again", "never shows up", "never show up", "don't add up", "doesn't add up", "gone wonky", "wrong language",
        "down for", "overwrote", "overwrites", "doesn't actually", "does not actually", "keeps coming back", "keep coming back", "show up twice", "shows up twice", "end up in spam", "negative numbers", "is missing", "are missing", "not showing", "isn't showing", "never received",
        "reverts", "reverted", "returns nothing", "stretched", "empty payload", "stopped getting", "data is gone", "error out", "errors out", "wrong billing", "fires with",
        "broken", "breaks", "broke", "bug", "bugs", "buggy", "crash", "crashes", "crashed",
        "crashing", "error", "errors", "errored", "fail", "fails", "failed", "failing",
        "doesn't work", "does not work", "don't work", "isn't working", "is not working",
        "not working", "stopped working", "404", "500", "503",
        "401", "disappear", "disappeared", "disappears", "vanish", "vanished",
        "blank screen", "blank page", "white screen", "glitch",
        "can't log in", "cannot log in", "can't login", "can't sign in", "locked out",
        "regression", "nothing happens", "spins forever", "data loss", "lost data", "wiped",
        "security issue", "security hole", "never finishes", "never arrives",
        "never arrive", "nothing loads", "typo", "ignores", "skips",
        "rejects", "overlaps", "off by one",
        "one day off", "an hour off", "outage", "mangles", "garbled", "corrupted",
        "something went wrong", "session expired", "keeps resetting", "logs me out",
        "logged out", "doesn't match", "does not match", "shows 0",
        "not arriving", "sent twice",
    ),
    "feature_request": (
        *WISHES_WITH_A_WORD_BETWEEN,
        "only wish", "wish i could", "wish it", "wish there", "wish you", "would be ace", "would be lovely", "would be brill", "would be grand", "would be good", "could do with", "be great to", "be good to", "would open", "keen on a", "really benefit", "would benefit", "fancy adding", "something you'd build", "would make my", "make life easier",
        "would be even better", "would you consider", "ideally", "add the option", "the option to", "please add the", "it'd be nice", "it'd be great", "be nice if", "be great if", "could we have", "we'd pay for",
        "please add", "can you add", "could you add", "can you support", "could you support",
        "would love", "would like", "would be great", "would be nice", "would be useful",
        "would be handy", "would be cool", "would help", "would save", "it would help",
        "we'd love", "we'd like", "i'd love", "i'd like", "feature request", "feature idea",
        "request :", "suggestion :", "idea :", "need a way", "need an option", "need the ability",
        "add support",
        "support for", "allow us", "allow admins", "allow users", "let us",
        "let admins", "let users", "let customers", "any plans", "any plan", "on the roadmap",
        "wishlist",
        "no way to", "can we get", "could we get", "please support",
        "please build", "please let", "please allow", "please bundle", "please publish",
        "make it possible", "give us", "give admins",
        "please offer",
        # a wish told as what is missing or what would make it perfect
        "any chance of", "any chance we could", "if you added", "if you could add",
        "the one thing missing", "the only thing missing", "would be perfect if", "it'd be perfect",
        "we'd pay extra", "keeps asking for", "keep asking for", "keeps asking me for",
        "keep asking me for",
        # wanting an ability, and offering the idea as a question
        "want to be able to", "wants to be able to", "like to be able to", "love to be able to",
        "need to be able to", "needs to be able to", "how about adding", "what about adding",
        "how about an option", "what about an option",
        # what the product should do, and why it does not
        "should have a", "should have an", "should allow", "should let", "should offer",
        "should include", "why not add", "why not make",
        "why not allow", "why not let", "why not have", "why not display", "why not show",
        "why not include", "why not support", "why not offer",
        # hopes for a coming version
        "hopefully future", "hope future", "hope the next version", "hope the next release",
        "hope the final", "hope the new version",
    ),
    "usability": (
        "pain to", "click through", "clicks to", "different places", "placement", "vague", "forgets my", "supposed to find", "faff", "all over the place", "squint", "lost every time", "work out how", "figure out how", "took me ages", "took ages to find", "feels dated", "looks dated", "tiresome", "zoom in", "where did the", "too small", "so small",
        "should be simpler", "no obvious way", "never know which", "guess what", "by accident", "tell apart", "colour-blind", "color-blind", "colour blind", "color blind", "training session", "feels like programming", "lot of digging", "where things are", "too complicated", "complicated", "simpler", "disoriented",
        "confusing", "confused", "clunky", "unintuitive", "not intuitive", "counter-intuitive",
        "counterintuitive", "hard to find", "hard to use", "hard to navigate",
        "hard to read", "hard to tell", "hard to see", "hard to scan", "hard to understand",
        "hard to learn", "too many clicks", "too many steps", "too many tabs",
        "can't find", "cannot find", "couldn't find", "cant find", "not obvious", "isn't obvious",
        "not clear", "isn't clear", "unclear", "awkward", "cluttered",
        "user friendly", "user-friendly", "buried", "a maze", "fiddly", "overwhelming",
        "learning curve",
        "makes no sense", "no idea what",
        "ambiguous", "baffling", "disorienting",
        "mis-click", "wrong button", "accessibility", "screen reader",
    ),
    "performance": (
        "dead slow", "an age", "dial-up", "hours behind", "ages to load", "ages to open", "snappier", "quicker since",
        "take * minutes", "take * * minutes", "takes * * minutes", "take * seconds", "take a minute", "takes a minute", "hours late", "minutes late", "delayed by", "noticeable delay", "used to be instant", "load in a second", "lightning fast", "takes longer", "take longer",
        "slow", "slower", "slowly", "slowness", "slowdown", "sluggish", "lag", "lags", "laggy",
        "lagging", "latency", "timing out", "times out", "timeout", "timeouts", "time out",
        "takes forever", "takes ages", "take ages", "take forever", "taking forever",
        "takes * minutes", "takes * seconds", "takes * hours", "load time", "load times",
        "loading time", "freeze", "freezes", "freezing", "hangs", "performance",
        "crawl", "crawls", "crawling", "unresponsive",
        "stutter", "stutters",
        "minutes to load", "seconds to load", "timed out", "froze", "slowed down", "slowing down",
        # how heavy it is to run
        "lightweight", "light weight", "resource hog", "memory hog", "battery drain",
        "drains the battery", "drains my battery", "eats battery", "eats my battery",
    ),
    "pricing": (
        "good value", "great value", "undercut", "seat costs", "fair price", "fair pricing", "price increase", "price rise", "uplift",
        "price", "prices", "pricey", "pricing", "priced", "expensive", "cheap", "cheaper",
        "cost", "costs", "costly", "discount", "discounts", "per seat", "per-seat",
        "overage", "paying", "charged", "charging",
        "value for money", "afford", "invoice", "invoices", "invoiced",
        "renewal price", "overpriced",
        "worth every penny", "$", "€", "£",
        # what it is worth, and buying or leaving a paid plan
        "waste of money", "worth the money", "not worth the", "for the money", "money's worth",
        "refund", "refunded", "subscription fee", "subscription price", "paywall",
    ),
    "documentation": (
        "kb", "how-to", "how-to videos", "videos", "video walkthrough", "write up how", "help page", "help pages",
        "doc", "docs", "documentation", "documented", "undocumented", "document the",
        "help center", "help centre", "help article", "help articles", "help docs",
        "guide", "guides", "tutorial", "tutorials", "readme", "api reference",
        "release notes", "changelog", "knowledge base", "faq", "handbook",
        "cheat sheet", "written guide",
        "glossary", "openapi",
    ),
    "praise": (
        "can't fault", "cannot fault", "works a treat", "chuffed", "cracking", "big thanks", "huge thanks", "many thanks", "time saver", "time-saver", "been a star", "extra mile", "above and beyond", "spot on", "swears by", "swear by", "lets us down", "miles better", "miles ahead", "halved", "really like", "so helpful", "really helpful", "top marks", "good things", "big win", "right call", "no regrets", "loves it",
        "you guys rock", "flawlessly", "never had a problem", "not a single issue", "fresh air", "glad", "first email i open",
        "love it", "love the", "love this", "love how", "love your",
        "great job", "great work", "great support", "great product", "great tool", "great team",
        "great release", "great people", "thank you", "thanks for", "thanks so much", "thx",
        "amazing", "excellent", "fantastic", "brilliant", "well done", "keep up", "keep it up",
        "lifesaver", "happy with", "really happy", "so happy", "super happy", "impressed",
        "happy customer", "happy customers",
        "awesome", "best tool", "best product", "no complaints", "kudos",
        "shout-out", "shout out", "appreciated", "delight", "a joy",
        "rock solid", "top notch", "outstanding", "superb", "nailed", "you rock",
        "pays for itself", "enjoying", "pleased",
        "nice work", "nice job", "good job", "won me over", "incredible",
        "couldn't be happier", "haven't looked back", "breath of fresh air",
        "without a hitch", "five stars",
    ),
    "competitor": ("competitor", "competitors", "another vendor", "other vendor", "a rival"),
    "question": (
        "?", "is there a", "is there an", "is there any", "is it possible", "how do", "how can",
        "how does", "how long", "how often", "how much", "where do",
        "where can", "where is", "wondering if", "wondering whether", "curious whether",
        "curious how", "quick question", "quick q", "any way to", "just checking",
        "let me know how", "tell me how",
    ),
}
# fmt: on
# Weaker wording: common in the intent, common elsewhere too; it needs the model to agree.
# fmt: off
HINT_PHRASES: Final[dict[str, tuple[str, ...]]] = {
    "bug": (
        "gone", "deleted", "returns", "reloads", "refreshed", "blank", "empty",
        "even though", "three times", "jumps", "spam", "missing", "shows", "showing", "moves", "reverts",
        "wrong", "twice", "drops", "dropped", "resets", "still shows", "cut off",
        "cuts off", "stuck", "duplicate", "duplicates", "duplicated", "nan", "ignored", "rejected",
        "overlap", "truncated", "problem", "problems", "issue", "issues", "unusable",
        # what the writer cannot do: a fault more often than not ("can't export since Monday")
        "can't", "cannot", "can not", "cant", "unable to", "not able to", "won't let me",
    ),
    "feature_request": (
        "allow", "need a", "needs", "we really need", "would unblock", "ability",
        "we need", "we want", "they want", "they need", "a way to", "an option to", "lack of",
        "there's no", "there is no", "game changer", "would make", "wish", "add a", "add an",
        "still no", "be the cherry", "the ability to", "missing a", "missing the",
        "still waiting on a", "still waiting on an", "future version", "future versions",
        "next version", "next release", "future release", "future update",
    ),
    "usability": (
        "a pain", "labels", "icons", "moved", "backwards", "hides", "click", "design", "easier",
        "intuitive", "clicks", "busy", "navigation", "navigate", "layout", "interface", "ui", "ux",
        "easy to", "easier to", "simple to", "straightforward", "mess", "tiny", "forgets",
        "hidden", "make sense", "figure out", "where is the", "where did", "accessible", "hard to",
        "painful to", "too small", "so small", "resets every", "jargon", "clutter", "get lost",
        "getting lost", "gets lost", "lost in",
    ),
    "performance": (
        "ages", "behind", "quicker", "sat there",
        "waiting", "instant", "minutes", "seconds",
        "fast", "faster", "quicker", "heavy", "memory", "late", "delay", "delayed", "spinner",
        "spins", "to load", "hang", "speed", "snappier", "snappy", "load faster", "hanging",
        "hung", "frozen",
    ),
    "pricing": (
        "spend", "value", "procurement", "tender",
        "plan", "tier", "seats", "pay", "paid", "money", "cfo", "finance", "quote", "quoted",
        "bill", "billing", "billed", "charge", "charges", "budget", "subscription",
    ),
    "documentation": (
        "learn more",
        "article", "articles", "example", "examples", "explain", "explained", "instructions",
        "schema", "manual", "walkthrough", "written down", "postman",
    ),
    "praise": (
        "great", "lovely", "clean", "tidy", "like the", "like how", "useful", "helpful",
        "easier to use than", "nicer than", "rock", "easy to use", "reliable",
        "recommend", "recommended", "enjoy", "better than", "exactly what", "pleasure", "loves",
        "appreciate", "painless", "just works", "polished", "slick", "impressive", "loving",
    ),
    "question": (
        "how are", "which plan", "need to know", "is it expected", "is it normal", "is that normal",
        "is that intended",
    ),
}
# fmt: on
HINT_WEIGHT: Final = 0.3
# A request phrased as a question ("can you add ...?") asks for a build, not for information:
# unless an information cue is also there, the question mark alone does not make it a question.
REQUEST_ASKS: Final = (
    "can you add", "could you add", "can we get", "could we get", "can we have", "could we have",
    "any chance of", "any chance we", "would you consider", "fancy adding", "please can we",
    "can you build", "could you build", "something you'd build", "would it be possible to add",
    "can you make", "could you make", "could you please add", "can you please add",
    "how about adding", "what about adding", "how about an option", "what about an option",
)  # fmt: skip
# Words of a question about status or existence ("is it on the roadmap?", "is there one already?").
INFO_WORDS: Final = frozenset(
    {"roadmap", "plans", "plan", "when", "update", "there", "how", "where", "what", "which",
     "cards", "coming", "already"}
)  # fmt: skip
# "Would be great ...", "could do with ...": a modal opening a wish, not a question.
MODAL_OPENERS: Final = frozenset({"would", "could", "should", "can", "will"})
NOT_ASKING_AFTER_MODAL: Final = frozenset(
    {"be", "love", "like", "help", "save", "make", "really", "do", "use", "benefit", "open"}
)
# A text that starts (or starts a sentence) with one of these is asking something.
QUESTION_OPENERS: Final = frozenset(
    {"how", "what", "where", "why", "when", "which", "who", "is", "are", "can", "could", "do",
     "does", "will", "would", "should", "did", "has", "have"}
)  # fmt: skip
SENTENCE_BREAKS: Final = frozenset({".", "!", "?", ":", ";", "-"})
CUE_WEIGHT: Final = 0.5
