"""Sentence frames per intent; slots are filled from a product area's bank (see ``compose``).

Slots: ``{problem} {slow} {confusing} {ask} {task} {praise} {thing} {name}`` come from the area,
``{competitor} {team} {n} {pct} {month} {agent} {very}`` are generic.
"""

from __future__ import annotations

COMPETITORS = (
    "Gainsight", "ChurnZero", "Totango", "Vitally", "Planhat", "Catalyst", "ClientSuccess",
)  # fmt: skip

TEAMS = (
    "our ops team", "the finance team", "my reps", "our admins", "the execs", "our analysts",
    "the support team", "our field team", "the marketing folks", "our engineers", "my managers",
)  # fmt: skip

VERY = ("really", "super", "extremely", "pretty", "incredibly", "genuinely", "so")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

FRAMES: dict[str, tuple[str, ...]] = {
    "bug": (
        "{problem}.",
        "Since the last update {problem}.",
        "{problem} again, third time this month.",
        "Not sure what changed but {problem}.",
        "Every single time, {problem}.",
        "Bug report: {problem}.",
        "{problem}, which makes it useless for {team}.",
        "Pretty sure this is a bug: {problem}.",
        "{problem} and nobody can tell us why.",
        "Ran into this twice today: {problem}.",
    ),
    "performance": (
        "{slow}.",
        "Performance is {very} bad lately, {slow}.",
        "{slow}, it's painful.",
        "Speed is the main problem: {slow}.",
        "Honestly {slow} and {team} gave up on it.",
        "It's gotten slower and slower, {slow}.",
        "{slow}. That's not acceptable for a tool we pay for.",
    ),
    "usability": (
        "{confusing}.",
        "The UI could be a lot simpler, {confusing}.",
        "{confusing}, took me ages to figure out.",
        "Not very intuitive: {confusing}.",
        "{confusing}. Everything is too many clicks away.",
        "My biggest gripe is that {confusing}.",
    ),
    "feature_request": (
        "Would love {ask}.",
        "Please add {ask}.",
        "Any chance of getting {ask}?",
        "We really need {ask}.",
        "It would be great to have {ask}.",
        "Still waiting on {ask}.",
        "The one thing missing is {ask}.",
        "If you added {ask} it'd be perfect.",
        "Feature request: {ask}.",
        "{team} keeps asking me for {ask}.",
        "Is {ask} on the roadmap?",
        "We'd pay extra for {ask}.",
    ),
    "question": (
        "How do I {task}?",
        "Is there a way to {task}?",
        "Can someone tell me how to {task}?",
        "Is it possible to {task} on our plan?",
        "Quick question - can we {task}?",
        "What's the best way to {task}?",
        "Where do I go to {task}?",
    ),
    "documentation": (
        "The docs on {name} are out of date.",
        "Couldn't find anything in the help center on how to {task}.",
        "The help article about {name} still shows the old screens.",
        "Documentation for {name} is thin, no real examples.",
        "Your guide says one thing and the product does another when you {task}.",
        "The knowledge base search never finds anything about {name}.",
    ),
    "pricing": (
        "The renewal quote went up {pct}% and we got nothing new for it.",
        "Per-seat pricing is killing us as we grow.",
        "It's {very} expensive for what we actually use.",
        "Having to pay extra for {name} feels like a cash grab.",
        "Price is hard to justify to our CFO this year.",
        "We're paying for {n}0 seats and using half.",
        "The price increase caught us off guard.",
        "Value for money isn't there anymore.",
    ),
    "praise": (
        "{praise}.",
        "Love it, {praise}.",
        "Honestly {praise}.",
        "Great product overall.",
        "Support has been amazing, {agent} in particular.",
        "{praise}. Even {team} noticed.",
        "Best tool in our stack.",
        "Really happy with how things are going.",
        "{praise}. Keep it up!",
        "The team at your end is always responsive.",
        "It just works and saves us a ton of time.",
    ),
    # Praise inside a mixed comment: grudging, never "best tool ever".
    "praise_mild": (
        "{praise}, to be fair.",
        "{praise}, I'll give you that.",
        "The good part: {praise}.",
        "Support is responsive at least.",
        "The core product is solid.",
        "{praise} though.",
        "Credit where it's due, {praise}.",
        "It does most of what we need.",
    ),
    "churn_risk": (
        "We're not going to renew if this continues.",
        "Honestly we're looking at other options before our renewal in {month}.",
        "Leadership asked me to justify keeping this tool.",
        "If this isn't fixed by renewal we'll cancel.",
        "We're thinking about cancelling.",
        "Our contract is up soon and I'm not recommending we stay.",
        "I've been asked to find a replacement.",
        "This is the last straw for us.",
        "We'll probably downgrade to the basic plan or leave.",
    ),
    "competitor": (
        "{competitor} does this out of the box.",
        "We're trialling {competitor} right now.",
        "{competitor} quoted us less for more.",
        "Our sister company uses {competitor} and loves it.",
        "Seriously considering switching to {competitor}.",
        "{competitor} handles {name} much better.",
        "{competitor} reached out and the demo looked good.",
    ),
}

OPENERS = {
    "negative": ("", "", "", "Honestly, ", "Not happy. ", "Frustrating. ", "Where do I start. ",
                 "Sorry but ", "To be blunt, ", "Ugh. "),
    "mixed": ("", "", "", "Overall ok. ", "Mixed feelings. ", "It's fine. ", "Decent tool. ",
              "Good but not great. ", "Some good, some bad. "),
    "positive": ("", "", "", "Great product! ", "Love it. ", "Really happy. ", "10/10. ",
                 "Been using it for a year. ", "Big fan. "),
}  # fmt: skip

CLOSERS = {
    "negative": ("", "", "", " Please fix this.", " Very disappointed.", " Not what we signed up for.",
                 " We need this sorted asap.", " Expected better."),
    "mixed": ("", "", "", " Otherwise fine.", " Just my 2 cents.", " Hope that helps.",
              " Would score higher if fixed.", " Thanks."),
    "positive": ("", "", "", " Thanks!", " Keep it up.", " Thank you team!", " Happy customer.",
                 " Recommended it to two friends already."),
}  # fmt: skip

# Whole short comments people leave when they bother to type anything at all.
SHORT = {
    "negative": ("Too buggy.", "Slow and expensive.", "Support is slow.", "meh", "Not worth the money.",
                 "Too many issues lately.", "Doesn't do what we need."),
    "mixed": ("ok", "It's fine.", "Does the job.", "Good enough.", "Some rough edges.", "Solid, not amazing.",
              "Could be better."),
    "positive": ("Great!", "Love it", "Easy to use.", "Great support.", "Awesome product.", "Works well.",
                 "Very helpful team.", "Does exactly what we need."),
}  # fmt: skip
