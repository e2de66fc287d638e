"""The demo inbox: reproducible, in the documented formats, and shaped like a real customer base."""

from __future__ import annotations

import csv
import json
import random
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from flows.commands.spreadsheet import safe_cell
from flows.demo import DemoSummary, generate_inbox
from flows.demo.compose import AREAS, Slots, sentence
from flows.demo.intents import FRAMES

END = date(2026, 11, 21)
DAYS = 30
WINDOW_START = datetime(2026, 10, 23, tzinfo=UTC)
WINDOW_STOP = datetime(2026, 11, 22, tzinfo=UTC)
ARGS = {"accounts": 60, "days": DAYS, "end": END, "seed": 7, "ticket_page_size": 100}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    out = tmp_path_factory.mktemp("demo") / "inbox"
    return out, generate_inbox(out, **ARGS)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _nps(root: Path) -> list[dict[str, str]]:
    return [row for path in sorted((root / "nps").glob("*.csv")) for row in _csv(path)]


def _pages(root: Path) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "tickets").glob("*.json"))
    ]


def _widget(root: Path) -> list[dict]:
    return [json.loads(line) for p in sorted((root / "widget").glob("*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines()]  # fmt: skip


def _note(path: Path) -> tuple[dict, list[str]]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    feedback = body.split("## Feedback\n", 1)[1].split("\n## ", 1)[0]
    return yaml.safe_load(front), [
        line[2:] for line in feedback.splitlines() if line.startswith("- ")
    ]


@pytest.fixture(scope="module")
def texts(inbox: tuple[Path, DemoSummary]) -> list[str]:
    """Every customer-written text once: NPS comments, tickets, widget messages, note bullets."""
    root, _ = inbox
    latest = {t["id"]: t for page in _pages(root) for t in page["tickets"]}
    tickets = [f"{t['subject']}\n{t['description']}" for t in latest.values()]
    notes = [b for p in sorted((root / "notes").glob("*.md")) for b in _note(p)[1]]
    return (
        [r["Comment"] for r in _nps(root)] + tickets + [e["message"] for e in _widget(root)] + notes
    )


def test_same_seed_writes_identical_bytes(inbox, tmp_path):
    root, _ = inbox
    generate_inbox(tmp_path / "again", **ARGS)
    assert _files(tmp_path / "again") == _files(root)


def test_other_seed_writes_other_data(inbox, tmp_path):
    root, _ = inbox
    generate_inbox(tmp_path / "other", **{**ARGS, "seed": 8})
    assert (
        _files(tmp_path / "other")["accounts/accounts.csv"] != _files(root)["accounts/accounts.csv"]
    )


def test_refuses_to_mix_into_a_filled_inbox(inbox):
    root, _ = inbox
    with pytest.raises(FileExistsError, match="accounts"):
        generate_inbox(root, **ARGS)


def test_every_folder_holds_files_of_its_documented_format(inbox):
    root, _ = inbox
    assert list(_csv(root / "accounts" / "accounts.csv")[0]) == [
        "Account ID", "Account Name", "Website", "Tier", "ARR", "Renewal Date", "CSM Name", "CSM Email",
        "Primary Contact Name", "Primary Contact Email"]  # fmt: skip
    assert all(re.fullmatch(r"nps-\d{4}-\d{2}\.csv", p.name) for p in (root / "nps").iterdir())
    assert list(_nps(root)[0]) == [
        "Response ID",
        "Email",
        "Score",
        "Comment",
        "Responded At",
        "Survey ID",
    ]
    assert all(re.fullmatch(r"tickets-\d{6}\.json", p.name) for p in (root / "tickets").iterdir())
    assert all(
        re.fullmatch(r"widget-\d{4}-\d{2}-\d{2}\.jsonl", p.name)
        for p in (root / "widget").iterdir()
    )
    for path in (root / "notes").iterdir():
        front, bullets = _note(path)
        assert path.name == f"{front['date'].isoformat()}-{front['account']}-{front['type']}.md"
        assert front["type"] in ("qbr", "csm_call") and front["attendees"] and bullets
    assert list(_csv(root / "roadmap" / "roadmap.csv")[0]) == [
        "Item ID", "Title", "Theme Keywords", "Status", "Effort", "Created At", "Target Date", "Shipped At"]  # fmt: skip


def test_counts_in_the_summary_match_the_files(inbox):
    root, summary = inbox
    pages = _pages(root)
    notes = sorted((root / "notes").glob("*.md"))
    assert summary.accounts == len(_csv(root / "accounts" / "accounts.csv")) == ARGS["accounts"]
    assert summary.nps_responses == len(_nps(root))
    assert summary.tickets == len({t["id"] for page in pages for t in page["tickets"]})
    assert (
        summary.ticket_versions
        == sum(page["count"] for page in pages)
        == sum(len(p["tickets"]) for p in pages)
    )
    assert summary.widget_events == len(_widget(root))
    assert (summary.notes, summary.note_items) == (len(notes), sum(len(_note(p)[1]) for p in notes))
    assert summary.roadmap_items == len(_csv(root / "roadmap" / "roadmap.csv"))
    assert summary.files_written == len(_files(root))
    assert (
        summary.feedback_items
        == summary.nps_responses + summary.tickets + summary.widget_events + summary.note_items
    )
    assert len(summary.lines()) == 8


def test_timestamps_fall_inside_the_window(inbox):
    root, _ = inbox
    stamps = [r["Responded At"] for r in _nps(root)] + [e["created_at"] for e in _widget(root)]
    stamps += [
        t[k] for page in _pages(root) for t in page["tickets"] for k in ("created_at", "updated_at")
    ]
    assert stamps and all(s.endswith("Z") for s in stamps)
    moments = [datetime.fromisoformat(s) for s in stamps]
    assert min(moments) >= WINDOW_START and max(moments) < WINDOW_STOP
    note_days = [_note(p)[0]["date"] for p in (root / "notes").iterdir()]
    assert WINDOW_START.date() <= min(note_days) and max(note_days) <= END


def test_nps_has_all_three_groups_and_a_plausible_score(inbox):
    root, _ = inbox
    scores = [int(r["Score"]) for r in _nps(root)]
    assert set(scores) <= set(range(11))
    promoters, detractors = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
    assert promoters and detractors and len(scores) - promoters - detractors
    assert 0 < 100 * (promoters - detractors) / len(scores) < 60


def test_updated_tickets_reappear_on_later_pages(inbox):
    root, _ = inbox
    pages = _pages(root)
    seen: dict[int, tuple[int, str]] = {}
    moved = 0
    for number, page in enumerate(pages):
        assert page["end_of_stream"] is (number == len(pages) - 1)
        for ticket in page["tickets"]:
            if ticket["id"] in seen:
                earlier_page, earlier = seen[ticket["id"]]
                assert ticket["updated_at"] > earlier
                moved += earlier_page < number
            seen[ticket["id"]] = (number, ticket["updated_at"])
        assert {t["requester_id"] for t in page["tickets"]} <= {u["id"] for u in page["users"]}
    assert moved > 0
    ratings = {t["satisfaction_rating"]["score"] for page in pages for t in page["tickets"]}
    assert {"good", "bad", "offered", "unoffered"} <= ratings


def test_feedback_comes_from_account_domains_with_a_few_strangers(inbox):
    root, _ = inbox
    domains = {a["Account ID"]: a["Website"] for a in _csv(root / "accounts" / "accounts.csv")}
    assert all(e["user"]["email"].endswith("@" + domains[e["account_id"]]) for e in _widget(root))
    users = [u["email"] for page in _pages(root) for u in page["users"]] + [
        r["Email"] for r in _nps(root)
    ]
    matched = sum(email.split("@")[1] in domains.values() for email in users)
    assert 0.9 * len(users) < matched < len(users)


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(
            r"Gainsight|ChurnZero|Totango|Vitally|Planhat|Catalyst|ClientSuccess", id="competitor"
        ),
        pytest.param(r"cancel|not going to renew|replacement|downgrad", id="churn risk"),
        pytest.param(r"expensive|pric|renewal quote|seats", id="pricing"),
        pytest.param(r"docs|help (center|article)|documentation", id="documentation"),
        pytest.param(r"slow|takes|timing out|times out|lag", id="performance"),
        pytest.param(r"Would love|Please add|Feature request|We really need", id="feature request"),
        pytest.param(r"Love it|Great|saves|happy", id="praise"),
        pytest.param(r"\?", id="question"),
        pytest.param(r"Steps to reproduce:\n1\. ", id="ticket steps"),
        pytest.param(r"[ñäöüéçã]", id="non-English"),
    ],
)
def test_every_intent_shows_up_in_the_texts(texts, pattern):
    assert any(re.search(pattern, text) for text in texts)


def test_texts_are_varied_and_some_are_empty(inbox, texts):
    root, _ = inbox
    long = [t for t in texts if len(t) > 60]
    assert len(set(long)) > 0.9 * len(long) > 300
    assert any(not r["Comment"] for r in _nps(root))


def test_every_frame_fills_from_every_area():
    rng = random.Random(0)
    for area in AREAS:
        for intent in FRAMES:
            for _ in range(len(FRAMES[intent])):
                assert "{" not in sentence(intent, Slots(rng, area))


def test_every_ask_uses_a_roadmap_keyword_of_its_idea():
    for area in AREAS:
        for idea in area.ideas:
            for ask in idea.asks:
                assert any(k in ask.lower() for k in idea.keywords), (idea.title, ask)


def test_demo_csv_files_hold_no_cell_a_spreadsheet_would_run(inbox):
    root, _ = inbox
    for path in sorted(root.rglob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                assert [safe_cell(cell) for cell in row] == row, path
