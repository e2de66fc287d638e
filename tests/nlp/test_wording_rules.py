from typing import TYPE_CHECKING

import pytest

from nlp.components import TaxonomyMatcher, _boosts
from nlp.phrases import Found
from nlp.rules import cue_negated, has_churn_cue, is_sarcastic, severity
from nlp.tokens import words_of

if TYPE_CHECKING:
    from nlp.tagger import Tagger

MATCHER = TaxonomyMatcher()


@pytest.fixture(scope="module")
def tagger() -> "Tagger":
    from nlp.tagger import Tagger

    return Tagger.load()


def found_in(text: str) -> tuple[list[str], list[Found]]:
    words = words_of(text)
    return words, MATCHER.index.find(words)


def labels_in(text: str) -> set[str]:
    return {hit.label for hit in found_in(text)[1]}


def boosted(text: str) -> set[str]:
    """The intents the text's wording (cues and hints) lifts, before any model reads it."""
    words, found = found_in(text)
    return set(_boosts(found, words))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("we're cancelling at the end of the term", True, id="cancelling"),
        pytest.param("we won't renew", True, id="won't renew"),
        pytest.param("We've decided not to renew", True, id="decided not to renew"),
        pytest.param("leadership asked us to look at alternatives", True, id="alternatives"),
        pytest.param("we are switching to another vendor", True, id="switching to"),
        pytest.param("thinking of pulling the plug", True, id="pulling the plug"),
        pytest.param("we are termintaing the contract", True, id="typo in terminating"),
        pytest.param("if the sso issue isn't fixed by friday we are out", True, id="conditional"),
        pytest.param("if nothing improves by spring we'll pull out", True, id="pull out"),
        pytest.param("give me one reason not to cancel", True, id="reason not to cancel"),
        pytest.param("we're done after this term", True, id="done after this term"),
        pytest.param("asked to find a cheaper option before renewal", True, id="cheaper option"),
        pytest.param("we have no plans to cancel", False, id="negated cancel"),
        pytest.param("we don't want to look at alternatives", False, id="negated alternatives"),
        pytest.param("the confirm dialog says yes means ok", False, id="no cue"),
        pytest.param("exports are slow", False, id="complaint without churn"),
        # a move inside the product, a churn measure: no one is leaving
        pytest.param("how do we switch to yearly invoicing?", False, id="switch to yearly"),
        pytest.param("we are moving to the new layout next week", False, id="move to a layout"),
        pytest.param("the churn graph double counts renewals", False, id="churn graph"),
        pytest.param("please put the churn numbers on the board view", False, id="churn numbers"),
        pytest.param(
            "we are moving to a different vendor at renewal", True, id="moving to a vendor"
        ),
        pytest.param(
            "churn is on the table if the sync keeps failing", True, id="churn as leaving"
        ),
    ],
)
def test_churn_cues(text: str, expected: bool) -> None:
    assert has_churn_cue(*found_in(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("not a bug, but a wish", True, id="not a bug"),
        pytest.param("this isn't really a bug", False, id="isn't really a bug is not listed"),
        pytest.param("This isn't a bug, just a wish", True, id="isn't a bug"),
        pytest.param("this is a bug in the export", False, id="a bug"),
    ],
)
def test_not_a_bug(text: str, expected: bool) -> None:
    assert ("not_a_bug" in labels_in(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Oh great, another outage", True, id="oh great"),
        pytest.param("Great, the report builder now takes longer than Excel", True, id="opening"),
        pytest.param("Thanks for nothing, we're canceling", True, id="thanks for nothing"),
        pytest.param("Great, thanks for the quick fix", False, id="opening without a problem"),
        pytest.param("The export is great", False, id="plain praise"),
    ],
)
def test_sarcasm(text: str, expected: bool) -> None:
    words, found = found_in(text)
    problem = bool({"cue\tbug", "cue\tperformance", "churn"} & {h.label for h in found})
    assert is_sarcastic(words, found, problem) is expected


def kinds(text: str) -> frozenset[str]:
    return frozenset(label for label in labels_in(text) if label.startswith("severity:"))


@pytest.mark.parametrize(
    ("text", "intents", "score", "expected"),
    [
        pytest.param(
            "we can't log in, all users are blocked",
            ("bug",),
            -0.8,
            "critical",
            id="login blocked for all",
        ),
        pytest.param("two weeks of data disappeared", ("bug",), -0.5, "critical", id="data gone"),
        pytest.param(
            "i can't log in on safari", ("bug",), -0.5, "high", id="login blocked for one"
        ),
        pytest.param(
            "this is blocking our rollout", ("feature_request",), -0.2, "high", id="blocking"
        ),
        pytest.param("we may leave", ("churn_risk",), -0.5, "high", id="churn risk"),
        pytest.param("the chart legend overlaps", ("bug",), -0.3, "medium", id="plain bug"),
        pytest.param(
            "minor: the chart legend overlaps", ("bug",), -0.3, "medium", id="softened bug"
        ),
        pytest.param(
            "not urgent, but the app is down on my old tablet",
            ("bug",),
            -0.3,
            "medium",
            id="softened down",
        ),
        pytest.param("love the dashboards", ("praise",), 0.8, "low", id="praise"),
        pytest.param("please add dark mode", ("feature_request",), 0.0, "low", id="request"),
        pytest.param("", (), 0.0, "low", id="empty"),
    ],
)
def test_severity(text: str, intents: tuple[str, ...], score: float, expected: str) -> None:
    assert severity(kinds(text), intents, score) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("exports time out. looking at gainsight.", True, id="looking at"),
        pytest.param("leadership wants a demo of tableau", True, id="demo of"),
        pytest.param("we also use tableau for board reporting", False, id="plain use"),
        pytest.param("new VP wants everyone on Totango by Q3", True, id="everyone on"),
        pytest.param("the group is standardising on Gainsight", True, id="standardising on"),
    ],
)
def test_competitor_churn_wording(text: str, expected: bool) -> None:
    assert ("competitor_move" in labels_in(text)) is expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("we compared you with Planhat and picked you", id="picked you"),
        pytest.param("moved over from ChurnZero last year", id="moved over from"),
    ],
)
def test_coming_from_a_competitor_is_retention_wording(text: str) -> None:
    assert "retained" in labels_in(text)


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        pytest.param("not a single outage in two years", "outage", True, id="not a single"),
        pytest.param("no lag at all since the update", "lag", True, id="no lag"),
        pytest.param("it does not load and crashes", "crashes", False, id="other clause"),
        pytest.param("the export doesn't work", "doesn't", False, id="own negation"),
        pytest.param("the app crashes daily", "crashes", False, id="plain"),
        pytest.param(
            "haven't had a single sync issue since", "issue", True, id="none at all is no reach"
        ),
        pytest.param("we haven't seen any crashes", "crashes", True, id="haven't seen any"),
        pytest.param(
            "can't believe the sync issue is back", "issue", False, id="the issue is reported"
        ),
    ],
)
def test_problem_cue_negation(text: str, cue: str, expected: bool) -> None:
    words = words_of(text)
    assert cue_negated(words, words.index(cue)) is expected


@pytest.mark.parametrize(
    ("text", "is_bug"),
    [
        pytest.param("No sync issues since the update.", False, id="no issues since"),
        pytest.param(
            "Haven't had a single sync issue since the update, finally.", False, id="not a single"
        ),
        pytest.param("We haven't seen any crashes since the fix.", False, id="no crashes seen"),
        pytest.param(
            "No sync issues until yesterday, now exports crash.", True, id="a fault still stands"
        ),
        pytest.param("I can't believe the sync issue is back.", True, id="the issue is back"),
        pytest.param("There is no error but the report is empty.", True, id="no error, but"),
        pytest.param("The export does not work.", True, id="its own negation"),
        pytest.param(
            "There's no log showing what the sync changed.", True, id="a hint a negation makes"
        ),
    ],
)
def test_a_fault_named_only_to_deny_it_is_no_bug_report(
    tagger: "Tagger", text: str, is_bug: bool
) -> None:
    """Good news worded with a problem noun ("no sync issues since the update") is not routed
    to product as a fault; a fault stated anywhere in the text still is."""
    [tag] = tagger.tag([text])
    assert ("bug" in tag.intents) is is_bug, tag.intents


@pytest.mark.parametrize(
    ("text", "bug", "asks"),
    [
        pytest.param("Restart the sync agent and reconnect your calendar.", False, False,
                     id="restart"),
        pytest.param("Delete the saved filter and create it again.", False, False, id="delete"),
        pytest.param("Reset your password from the login page.", False, False, id="reset"),
        pytest.param("If you reinstall the extension, sign in again afterwards.", False, False,
                     id="if you"),
        pytest.param("Then select the workspace and press Save.", False, False, id="then select"),
        pytest.param("Let us know if the export works now.", False, False, id="let us know"),
        pytest.param("Please let us know if the new export works for you.", False, False, id="please let us know"),
        # the writer's own report or request stands
        pytest.param("Try exporting any report over 10k rows: it errors out every time.", True,
                     False, id="steps to a fault"),
        pytest.param("let me export this view to excel", False, True, id="let me <verb>"),
        pytest.param("You should add a dark mode for the dashboard.", False, True,
                     id="you should add"),
        pytest.param("note editor eats my bullet points", True, False, id="a noun, not a verb"),
        pytest.param("scroll jumps to the top every time i tick a checkbox", True, False,
                     id="scroll is the noun"),
        pytest.param("Sign up is broken on Safari.", True, False, id="sign up is"),
    ],
)  # fmt: skip
def test_advice_to_the_reader_reports_no_fault_and_asks_for_nothing(
    tagger: "Tagger", text: str, bug: bool, asks: bool
) -> None:
    """An agent's or a colleague's steps in a thread ("Try clearing the cache") are not the
    customer's bug report or feature request; the customer's own steps to a fault still are."""
    [tag] = tagger.tag([text])
    assert ("bug" in tag.intents, "feature_request" in tag.intents) == (bug, asks), tag.intents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Thanks in advance for any pointers on setting up SCIM.", {"question"},
                     id="thanks in advance"),
        pytest.param("Any help would be appreciated with the Zendesk field mapping.",
                     {"question"}, id="help would be appreciated"),
        pytest.param("Love the new board view, any tips for sharing it with clients?",
                     {"question", "praise"}, id="praise of its own stands"),
        # a report signed off with thanks in advance asks for a fix, not an answer
        pytest.param("The CSV export crashes on every board since Monday. Thanks in advance!",
                     {"bug"}, id="a report signed off"),
    ],
)  # fmt: skip
def test_asking_for_help_is_a_question_not_thanks(
    tagger: "Tagger", text: str, expected: set[str]
) -> None:
    [tag] = tagger.tag([text])
    assert {"question", "praise", "bug"} & set(tag.intents) == expected, tag.intents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("I would like to know if the Salesforce sync can skip archived accounts.",
                     {"question"}, id="like to know"),
        pytest.param("We would love to understand how the health score is calculated.",
                     {"question"}, id="love to understand"),
        pytest.param("how do i export the audit log? not urgent but would be good to know.",
                     {"question"}, id="would be good to know"),
        # a report signed off so asks for a fix
        pytest.param("The CSV export crashes on every board. Not urgent but would be good to know.",
                     set(), id="a report signed off"),
        pytest.param("I would like a way to pin reports to the home page.",
                     {"feature_request"}, id="a wish for a feature"),
        pytest.param("I'd like to know when you will add dark mode, please add it soon.",
                     {"feature_request"}, id="a request of its own"),
    ],
)  # fmt: skip
def test_a_wish_to_know_is_a_question_not_a_request(
    tagger: "Tagger", text: str, expected: set[str]
) -> None:
    [tag] = tagger.tag([text])
    assert {"question", "feature_request"} & set(tag.intents) == expected, tag.intents


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        pytest.param("sync wont start on monday mornings", "bug", id="wont"),
        pytest.param("the csv import isnt picking up the owner column", "bug", id="isnt"),
        pytest.param(
            "Id love a way to pin a report to the home page", "feature_request", id="id love"
        ),
    ],
)
def test_contractions_typed_without_apostrophes_read_as_with_them(
    tagger: "Tagger", text: str, intent: str
) -> None:
    [tag] = tagger.tag([text])
    assert intent in tag.intents, tag.intents


def test_apostrophes_are_restored_only_where_no_other_word_is_meant() -> None:
    assert words_of("Doesnt sync, Id like a fix; Ive tried") == [
        "doesn't", "sync", ",", "i'd", "like", "a", "fix", ";", "i've", "tried",
    ]  # fmt: skip
    # "its", "ill", "lets" and "well" are words too; an identifier is not a wish
    assert words_of("its ill lets well user id like 5") == [
        "its", "ill", "lets", "well", "user", "id", "like", "5",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        pytest.param("Honestly a waste of money for a team our size.", "pricing", id="waste"),
        pytest.param("We asked for a refund of the unused seats.", "pricing", id="refund"),
        pytest.param("Love how lightweight the new mobile app is.", "performance",
                     id="lightweight"),
        pytest.param("The ipad app drains my battery in an afternoon.", "performance",
                     id="battery"),
    ],
)  # fmt: skip
def test_what_it_costs_and_how_heavy_it_runs(tagger: "Tagger", text: str, intent: str) -> None:
    [tag] = tagger.tag([text])
    assert intent in tag.intents, tag.intents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Setting up the Salesforce mapping for the first time, any pointers would be "
                     "greatly appreciated.", {"question"}, id="a plea for pointers"),
        pytest.param("Any thoughts on why the dashboard totals differ from the CSV?",
                     {"question"}, id="any thoughts"),
        pytest.param("Setting up SSO for the first time and I need help.", {"question"},
                     id="need help"),
        pytest.param("Hoping someone here has set up the Jira sync before.", {"question"},
                     id="hoping someone"),
        pytest.param("New to the webhook setup, any ideas would be handy.", {"question"},
                     id="a plea ending in a wish word"),
        pytest.param("We really need a sandbox workspace for testing. Thanks in advance!",
                     {"feature_request"}, id="a request signed off with thanks"),
        pytest.param("A dark mode for the mobile app would be much appreciated.",
                     {"feature_request"}, id="a request thanked ahead"),
    ],
)  # fmt: skip
def test_a_plea_for_help_asks_for_an_answer_and_thanks_nobody_yet(
    tagger: "Tagger", text: str, expected: set[str]
) -> None:
    [tag] = tagger.tag([text])
    assert {"question", "feature_request", "praise"} & set(tag.intents) == expected, tag.intents


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("It would be really great if the calendar synced both ways.", id="really"),
        pytest.param("Would also be handy if exports kept my column order.", id="also"),
        pytest.param("I want to be able to assign one task to two people.", id="be able to"),
        pytest.param("How about adding a snooze button to reminders?", id="how about adding"),
        pytest.param(
            "The calendar should allow recurring events every second week.", id="should allow"
        ),
        pytest.param("Why not add a snooze button to reminders?", id="why not add"),
        pytest.param(
            "Hopefully future versions will sync both ways with Outlook.",
            id="hopefully future versions",
        ),
    ],
)
def test_wishes_with_words_of_degree_and_abilities_are_requests(
    tagger: "Tagger", text: str
) -> None:
    [tag] = tagger.tag([text])
    assert "feature_request" in tag.intents, tag.intents


@pytest.mark.parametrize("text", ["Yep!", "ok", "Nope.", "(yes)", "same here", "Really?", "Why??"])
def test_a_bare_reply_carries_no_intent(tagger: "Tagger", text: str) -> None:
    [tag] = tagger.tag([text])
    assert tag.intents == (), tag.intents


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # "still" and "instead of" come with requests and questions as often as with faults
        pytest.param("Still waiting on a do-not-disturb setting. Otherwise fine.", "bug",
                     id="still waiting"),
        pytest.param("Is there a way to get a weekly summary instead of single emails?", "bug",
                     id="instead of"),
        # slips of short words are other words: "movies" is not "moves", "changing" not "hanging"
        pytest.param("We watch training movies in the app every Friday.", "bug", id="movies"),
        pytest.param("Can I add a field without changing the template?", "performance",
                     id="changing"),
    ],
)  # fmt: skip
def test_words_that_come_with_any_intent_report_no_fault(
    tagger: "Tagger", text: str, absent: str
) -> None:
    [tag] = tagger.tag([text])
    assert absent not in tag.intents, tag.intents


@pytest.mark.parametrize(
    "text",
    ["The report page timed out twice this morning.", "The board froze when I opened it."],
)
def test_timed_out_and_froze_are_speed_wording(tagger: "Tagger", text: str) -> None:
    [tag] = tagger.tag([text])
    assert "performance" in tag.intents, tag.intents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Have you tried signing out and back in on the desktop app?", set(),
                     id="have you tried"),
        pytest.param("Did you clear the browser cache after the update?", set(), id="did you clear"),
        pytest.param("Is the issue still happening after the update?", set(), id="still happening"),
        pytest.param("Did this help?", set(), id="a follow-up"),
        pytest.param("Could you try signing in from a private window?", set(), id="could you try"),
        pytest.param("Do you mean the admin page or the billing page?", set(), id="do you mean"),
        # the customer asking us stays a question
        pytest.param("Did you change how the export names its files?", {"question"},
                     id="a customer asks what we did"),
        pytest.param("Can you confirm our renewal date?", {"question"}, id="can you confirm"),
        pytest.param("Are you using our data to train anything?", {"question"},
                     id="a customer asks about us"),
    ],
)  # fmt: skip
def test_a_check_put_to_the_reader_is_not_the_customers_question(
    tagger: "Tagger", text: str, expected: set[str]
) -> None:
    [tag] = tagger.tag([text])
    assert {"question", "bug"} & set(tag.intents) == expected, tag.intents


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # praise, then a turn to what the writer needs: answered and themed as that (each
        # reads as praise first by its scores alone: the praise words outweigh the rest)
        pytest.param("Love it, love it, love it. Best tool we have. But the weekly digest goes "
                     "out twice.", "bug", id="a fault after but"),
        pytest.param("Superb tool and a joy to use. Unfortunately the calendar export is broken.",
                     "bug", id="a fault after unfortunately"),
        pytest.param("Absolutely love this app, the team is fantastic and support is excellent, "
                     "but the sync fails on large files.", "bug", id="a fault after much praise"),
        pytest.param("Fantastic product, brilliant team, great support. We really need single "
                     "sign-on though.", "feature_request", id="a request in the next sentence"),
        pytest.param("Amazing work on the new editor, really happy with it. Missing a word count "
                     "though.", "feature_request", id="something missing"),
        pytest.param("Every dashboard times out on Mondays. Otherwise a superb product, love it, "
                     "keep it up!", "performance", id="a fault before the praise"),
        pytest.param("Love it, love it. Best tool we have. But the upload crash still hasn't been "
                     "fixed.", "bug", id="a fault not fixed yet"),
        pytest.param("Amazing app, we love it. The invoices show the wrong currency though, and "
                     "nobody has fixed it yet.", "bug", id="nobody has fixed it yet"),
        # praise that stays the point
        pytest.param("The sync broke last week but support fixed it within the hour, brilliant "
                     "team.", "praise", id="a fault already fixed"),
        pytest.param("Had an issue with the login but Tom sorted it in minutes. Great support!",
                     "praise", id="an issue sorted"),
        pytest.param("Love it, but I'd say the same of any tool this excellent.", "praise",
                     id="praise after the turn too"),
        pytest.param("Love it. The new search is so much faster. Keep it up.", "praise",
                     id="praise on both sides"),
        pytest.param("Love the reports. They are easy to share with the board.", "praise",
                     id="praise of ease in the next sentence"),
        pytest.param("Search is lightning fast now. Love it.", "praise",
                     id="speed commended in a sentence of its own"),
        pytest.param("The UI could be a lot simpler. Love the reports though.", "usability",
                     id="ease wished for is no praise"),
        pytest.param("The team got our new hires up to speed in two days. Happy customer.",
                     "praise", id="up to speed is no speed"),
    ],
)  # fmt: skip
def test_what_follows_the_praise_is_the_point(tagger: "Tagger", text: str, intent: str) -> None:
    [tag] = tagger.tag([text])
    assert tag.intent == intent, tag.intents
    # themes are kept apart by the top intent (area.intent.keyword.digest)
    assert tag.theme_key.split(".")[1] == intent, tag.theme_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an exclamation worded like a question opens a complaint: nobody asked anything
        pytest.param("Where do I even begin. The calendar sync has dropped our meetings twice.",
                     {"bug"}, id="where do I even begin"),
        pytest.param("Where to start... the invoices page crashes whenever I filter by month.",
                     {"bug"}, id="where to start"),
        pytest.param("What a mess! Every dashboard shows an error since the update.", {"bug"},
                     id="what a mess"),
        # the same words asking
        pytest.param("We just signed up for the trial. Where do we start?", {"question"},
                     id="a newcomer asks"),
        pytest.param("Where do I begin with the reporting API", {"question"},
                     id="where to begin with something"),
        pytest.param("Where do I start. How do I invite the rest of my team", {"question"},
                     id="a real question after it"),
        pytest.param("What is a workspace owner allowed to change?", {"question"},
                     id="what is a"),
    ],
)  # fmt: skip
def test_an_exclamation_worded_like_a_question_asks_nothing(
    tagger: "Tagger", text: str, expected: set[str]
) -> None:
    [tag] = tagger.tag([text])
    assert {"question", "bug"} & set(tag.intents) == expected, tag.intents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The desktop app won't launch on my new laptop.", True, id="won't launch"),
        pytest.param("Reminders aren't sending anymore.", True, id="aren't sending"),
        pytest.param("The links don't open in a new tab.", True, id="don't open"),
        pytest.param("There is a problem with the invoice PDF.", True, id="a problem"),
        pytest.param("Still having issues with the Outlook add-in.", True, id="issues"),
        pytest.param("The importer could not read the file.", True, id="could not read"),
        pytest.param(
            "I'm having trouble with the calendar sync since Monday.", True, id="having trouble"
        ),
        pytest.param("We have a problem with the Slack alerts.", True, id="a problem with"),
        pytest.param("Issue with the bulk endpoint", True, id="a title"),
        pytest.param("The timeline view is all messed up since the update.", True, id="messed up"),
        pytest.param("The plugin will not uninstall.", True, id="will not uninstall"),
        pytest.param("No problems with the new release so far.", False, id="none at all"),
        pytest.param("I don't have a problem with the price.", False, id="no problem"),
        pytest.param("We couldn't run our team without it.", False, id="couldn't do without"),
        # what a person does not do is a habit, and a problem denied is good news
        pytest.param("We don't export to Excel much.", False, id="a habit"),
        pytest.param("No sync issues since the update, thanks!", False, id="denied"),
    ],
)
def test_a_fault_told_without_a_fault_word(tagger: "Tagger", text: str, expected: bool) -> None:
    [tag] = tagger.tag([text])
    assert ("bug" in tag.intents) == expected, tag.intents


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        pytest.param("Which add-ons work with the Gmail integration?", "feature_request",
                     id="add-ons"),
        pytest.param("Seems bug-free so far, well done.", "bug", id="bug-free"),
        pytest.param("I can't wait for the new dashboards!", "bug", id="can't wait"),
        pytest.param("You could contact their support for more help.", "feature_request",
                     id="the support team"),
        pytest.param("Can't thank your support team enough.", "bug", id="can't thank"),
    ],
)  # fmt: skip
def test_a_cue_word_inside_a_compound_or_a_saying_is_no_cue(text: str, intent: str) -> None:
    assert intent not in boosted(text)


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        pytest.param("2) Click Export and choose CSV.", True, id="a numbered step"),
        pytest.param("(B) Open Settings and turn off sync.", True, id="a lettered step"),
        pytest.param("You should contact your admin to reset the seat count.", True,
                     id="you should contact"),
        pytest.param("I'd suggest restarting the sync agent first.", True, id="suggest restarting"),
        pytest.param("Please update to version 4.2 and try again.", True, id="update to"),
        pytest.param("You should add bulk edit to the contacts list.", False, id="you should add"),
        pytest.param("I suggest you add a dark mode.", False, id="suggest you add"),
        pytest.param("Please update the docs for the v2 API.", False, id="update the docs"),
        pytest.param("(b) the export is broken", False, id="a marker before a report"),
        pytest.param("Would you please post the full error from the log?", True,
                     id="would you please post"),
        pytest.param("Would you please add a dark mode?", False, id="would you please add"),
    ],
)  # fmt: skip
def test_steps_and_suggestions_for_the_reader_are_advice(text: str, advice: bool) -> None:
    from nlp.rules import gives_advice

    assert gives_advice(words_of(text)) == advice


def test_a_numbered_step_reports_nothing(tagger: "Tagger") -> None:
    [step, update] = tagger.tag(
        ["2) Click Export and choose CSV.", "Please update to version 4.2 and try again."]
    )
    assert {"bug", "feature_request"}.isdisjoint(step.intents + update.intents)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("Can??t export", ["can't", "export"], id="a contraction"),
        pytest.param("I??m stuck", ["i'm", "stuck"], id="a pronoun's"),
        pytest.param("Please??: open Settings", ["please", ":", "open", "settings"],
                     id="a mark before a colon"),
        pytest.param("Does it sync??", ["does", "it", "sync", "?", "?"], id="a real question"),
        pytest.param("see page.php?s=2", ["see", "page", ".", "php", "?", "s", "=", "2"],
                     id="a link"),
    ],
)  # fmt: skip
def test_marks_an_encoding_mix_up_made_are_put_right(text: str, words: list[str]) -> None:
    assert words_of(text) == words


def test_a_misread_apostrophe_asks_nothing(tagger: "Tagger") -> None:
    [tag] = tagger.tag(["Can??t save my report since Monday."])
    assert "bug" in tag.intents and "question" not in tag.intents, tag.intents


def test_a_pasted_blob_before_a_question_mark_is_read_once() -> None:
    """A 'word' of a million letters before '??t' is no contraction, and finding that out reads
    it once: a pattern free to start inside it would read it a million times."""
    from nlp.tokens import mended

    blob = "x" * 1_000_000 + "??t and can??t"
    assert mended(blob) == "x" * 1_000_000 + "??t and can't"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param("Zapier support", True, id="a tool"),
        pytest.param("Multi-currency support in invoices", True, id="support in"),
        pytest.param("Dark mode support.", True, id="with a full stop"),
        pytest.param("Great support!", False, id="praise of the team"),
        pytest.param("Contact support", False, id="a step"),
        pytest.param("Premium support", False, id="a plan"),
        pytest.param("We need support", False, id="asking for help"),
        pytest.param("I'm going to contact Acme support.", False, id="a person in it"),
        pytest.param("How to turn off SSO support", False, id="a how-to question"),
        pytest.param("Our sync support ticket from May is still open. Any news?", False,
                     id="a sentence"),
    ],
)  # fmt: skip
def test_a_short_title_of_what_to_support_is_a_request(text: str, title: bool) -> None:
    from nlp.rules import titles_a_request

    assert titles_a_request(words_of(text)) == title


@pytest.mark.parametrize("text", ["YubiKey support", "Webhook retry support", "HEIC photo support"])
def test_a_title_naming_what_to_support_is_tagged_a_request(tagger: "Tagger", text: str) -> None:
    [tag] = tagger.tag([text])
    assert "feature_request" in tag.intents, tag.intents


@pytest.mark.parametrize(
    ("text", "hinted"),
    [
        pytest.param("Problem solved by reinstalling the agent, thanks!", False, id="solved"),
        pytest.param("This fixed my issue, thank you.", False, id="fixed my issue"),
        pytest.param("The update hasn't fixed the issue.", True, id="not fixed"),
        pytest.param("Still the same problem after the update.", True, id="a problem"),
    ],
)
def test_a_problem_said_to_be_solved_hints_at_no_fault(text: str, hinted: bool) -> None:
    assert ("bug" in boosted(text)) == hinted


@pytest.mark.parametrize(
    ("text", "order"),
    [
        pytest.param("- add a copy button to the invoice header", True, id="add a"),
        pytest.param("Bring back the classic timeline view.", True, id="bring back"),
        pytest.param("Allow guests to comment on boards.", True, id="allow guests"),
        pytest.param("Add it to your dashboard from Settings.", False, id="a step"),
        pytest.param("Add-ons stopped loading after the update.", False, id="a compound"),
        pytest.param("Please add a dark mode", False, id="a cue of its own does it"),
    ],
)
def test_an_order_for_something_new_is_a_request(text: str, order: bool) -> None:
    from nlp.rules import orders_a_feature

    assert orders_a_feature(words_of(text)) == order


@pytest.mark.parametrize(
    ("text", "requested"),
    [
        # "please" and "add" come with every kind of ask: a fix, a correction, a question
        pytest.param("Please correct the March invoice and reissue it.", False, id="please"),
        pytest.param("If we add five seats in May, how is that billed?", False, id="add"),
        pytest.param("Please add a way to archive old boards.", True, id="please add"),
        pytest.param("We need a way to archive old boards.", True, id="a way to"),
    ],
)
def test_please_and_add_alone_ask_for_no_feature(text: str, requested: bool) -> None:
    assert ("feature_request" in boosted(text)) == requested


def test_running_out_of_memory_is_a_failure_not_slowness(tagger: "Tagger") -> None:
    [tag] = tagger.tag(["The app runs out of memory on large files."])
    assert "bug" in tag.intents and "performance" not in tag.intents, tag.intents
    boosts = boosted("Keeps throwing a memory error on big imports.")
    assert "bug" in boosts and "performance" not in boosts
