"""Support-ticket wording: subjects, descriptions with steps and errors, CSAT comments."""

from __future__ import annotations

import random

from flows.demo.compose import Slots, sentence
from flows.demo.typos import add_typos

SUBJECTS = {
    "bug": ("{name} not working", "Error in {thing}", "{thing} broken since the update", "Issue with {thing}",
            "{thing} problem", "Bug: {problem}", "{thing} - something is wrong", "Problem with {name} again"),
    "performance": ("{thing} very slow", "Slowness in {name}", "Timeouts on {thing}", "{name} performance"),
    "usability": ("Can't figure out how to {task}", "Confusing {name} settings", "Where is {thing}?"),
    "question": ("How to {task}?", "Question about {name}", "Quick question: {task}", "Help with {name}"),
    "feature_request": ("Feature request: {ask}", "Request - {ask}", "Suggestion for {name}"),
    "pricing": ("Billing question", "Question about our renewal price", "Invoice query", "Seat pricing"),
    "documentation": ("Docs for {name} outdated", "Missing documentation on {name}", "Help article is wrong"),
}  # fmt: skip

URGENT_PREFIX = ("URGENT: ", "URGENT - ", "[P1] ", "Critical: ")
GREETINGS = (
    "Hi team,",
    "Hello,",
    "Hi support,",
    "Hey,",
    "Good morning,",
    "Hi there,",
    "Dear support team,",
    "",
)
SIGN_OFFS = ("Thanks,\n{first}", "Regards,\n{first}", "Cheers, {first}", "{first}", "Thanks in advance!\n{first}",
             "Best,\n{first} {last}", "Thank you")  # fmt: skip
CONTEXT = ("This started on {weekday}.", "It affects about {n} users.", "We noticed it this morning.",
           "Happens in Chrome and Edge.", "Cleared cache, same thing.", "Colleagues see the same.",
           "It worked fine last week.", "No idea when it started.", "")  # fmt: skip
OBSERVED = ("Spinner forever, then the error below.", "Nothing happens.", "The page goes blank.",
            "Get an error message.", "It looks like it worked but nothing changed.")  # fmt: skip
URGENCY = {
    "urgent": ("This is blocking {team} completely, please escalate.", "We are down. Please call me asap.",
               "Month-end close depends on this, need a fix today."),
    "high": ("We need this fixed before our board meeting on {weekday}.", "Please prioritise, {team} is stuck.",
             "This is the second ticket about this."),
    "normal": ("Not urgent but would be good to know.", "Let me know if you need more info.", ""),
    "low": ("No rush.", "Whenever you get a chance.", ""),
}  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
ROLES = ("an admin", "a normal user", "a manager", "a viewer", "my own account")

CSAT_GOOD = ("Quick and helpful, thanks!", "{agent} sorted it in minutes.", "Great support as always.",
             "Solved on the first reply.", "Thanks!", "Very patient and clear.", "", "", "")  # fmt: skip
CSAT_BAD = ("Took three days.", "Still not fixed, you just closed it.", "Had to explain the problem three times.",
            "A workaround is not a fix.", "Nobody replied for a week.", "Closed without asking me.",
            "Canned answers, didn't read my ticket.", "")  # fmt: skip


def subject(rng: random.Random, intent: str, slots: Slots, priority: str) -> str:
    text = rng.choice(SUBJECTS[intent]).format_map(slots)
    text = text[0].upper() + text[1:]
    return rng.choice(URGENT_PREFIX) + text if priority == "urgent" and rng.random() < 0.6 else text


def description(
    rng: random.Random, intents: list[str], slots: Slots, priority: str, first: str, last: str
) -> str:
    """A ticket's first comment: greeting, the problem, steps and error for bugs, urgency, sign-off."""
    slots["weekday"] = rng.choice(WEEKDAYS)
    body = " ".join(sentence(intent, slots) for intent in intents)
    context = rng.choice(CONTEXT).format_map(slots)
    parts = [rng.choice(GREETINGS), f"{body} {context}".strip()]
    if intents[0] in ("bug", "performance") and rng.random() < 0.6:
        steps = [f"Log in as {rng.choice(ROLES)}", f"Open {slots['name']}", f"Try to {slots['task']}",
                 rng.choice(OBSERVED)]  # fmt: skip
        parts.append(
            "Steps to reproduce:\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
        )
    if intents[0] in ("bug", "performance") and rng.random() < 0.55:
        parts.append(f"Error: {rng.choice(slots.area.errors)}")
    parts.append(rng.choice(URGENCY[priority]).format_map(slots))
    parts.append(rng.choice(SIGN_OFFS).format(first=first, last=last))
    text = "\n\n".join(p for p in parts if p)
    return add_typos(text, rng) if rng.random() < 0.06 else text


def csat_comment(rng: random.Random, good: bool, slots: Slots) -> str:
    return rng.choice(CSAT_GOOD if good else CSAT_BAD).format_map(slots)
