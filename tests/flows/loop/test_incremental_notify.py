"""A night's notify judges only what can have changed, and queues exactly what judging
everything again would: compared night by night over four nights of the loop's small company.

Each night the marts are built once; the notify stage then runs on the warehouse as the nightly
does (its closed loop scoring only candidates without a stored score of their current words and
roadmap) and on a copy of it judging every candidate again. The chain goes on from the
incremental warehouse, so every night starts from what the incremental nights left.
- 2026-11-16: the first night (nothing stored yet);
- 2026-11-17: a late export brings two requests for dark mode made before it was declined, one
  from an address that unsubscribed (matched every night, never told: the next night reads its
  stored match instead of scoring it again);
- 2026-11-18: nothing new, the clock moved (a digest is due);
- 2026-11-19: a new roadmap item (it could be any item's nearest: every candidate is scored
  again).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.loop.outcome import LoopOutcome
from flows.loop.policy import LoopPolicy
from flows.loop.run import close_the_loop
from flows.warehouse.connection import open_warehouse
from flows.warehouse.dbt import run_dbt
from flows.warehouse.schema import apply_schema
from notifications import EscalationThresholds, FileSender, Suppression, add_suppressions
from tests.flows.loop.conftest import IDENTITY, MODELS, RAW_LAYER, SUPPRESSED, midnight

NIGHTS = (date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19))

# Loaded before the night they are named for, after everything the night before read.
LATER_LOADS = {
    NIGHTS[1]: """
insert into raw.widget_events values
    ('dark_late', 'feedback.submitted', 'A5', 'jo@litware.com', 'Jo Hart',
     'Any chance of a dark mode for the late shifts?', 'https://app.example.com/',
     '2026-11-01T09:00:00Z', 'widget', 'widget/late.jsonl', 1, '2026-11-16 20:00:00', 'w9'),
    ('dark_ops', 'feedback.submitted', 'A4', 'ops@fabrikam.com', 'Ops Desk',
     'We would like a dark mode for the night desk.', 'https://app.example.com/',
     '2026-11-02T09:00:00Z', 'widget', 'widget/late.jsonl', 2, '2026-11-16 20:00:00', 'w10');
insert into raw.feedback_tags (item_id, model_version, intents, intent, sentiment, sentiment_score, severity, product_area, competitors, theme_key, theme_label, redacted_text, tagged_at) values
    ('widget:dark_late', 't-1', 'feature_request', 'feature_request', 'neutral', 0.0, 'low',
     'ui', '', 'dark_mode', 'Dark mode', 'Any chance of a dark mode for the late shifts?',
     '2026-11-16 21:00:00'),
    ('widget:dark_ops', 't-1', 'feature_request', 'feature_request', 'neutral', 0.0, 'low',
     'ui', '', 'dark_mode', 'Dark mode', 'We would like a dark mode for the night desk.',
     '2026-11-16 21:00:00');
""",
    NIGHTS[3]: """
insert into raw.roadmap_items values
    ('RM-3', 'Scheduled report emails', 'reports, email', 'Planned', '2', '2026-11-18', '', '',
     'roadmap', 'roadmap/r2.csv', 1, '2026-11-18 20:00:00', 'rm3');
""",
}

# Everything a message is, leaving out delivery times and the sender's ids.
MESSAGES_SQL = """
select message_key, kind, item_id, account_id, theme_key, to_email, to_name, subject,
    body_text, body_html, status, run_date
from ops.outbox order by message_key
"""
ANSWERED_SQL = "select * from ops.message_items order by all"
MATCHES_SQL = """
select item_id, roadmap_item_id, roadmap_status, score, matched_text, nearest_roadmap_item_id,
    nearest_score, is_match
from ops.closed_loop_matches order by all
"""


@dataclass
class Night:
    day: date
    incremental: dict[str, list[tuple[Any, ...]]]
    everything: dict[str, list[tuple[Any, ...]]]
    outcome: LoopOutcome
    outcome_everything: LoopOutcome
    scored_tonight: list[str]


def _state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            "messages": con.execute(MESSAGES_SQL).fetchall(),
            "answered": con.execute(ANSWERED_SQL).fetchall(),
            "matches": con.execute(MATCHES_SQL).fetchall(),
        }


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> list[Night]:
    root = tmp_path_factory.mktemp("incremental-notify")
    warehouse = root / "wh" / "loopkeeper.duckdb"
    # Four accounts and nothing else: only the exports theme crosses.
    thresholds = EscalationThresholds(
        min_accounts=4, min_arr=None, min_retention_risk_accounts=None
    )

    def notify(path: Path, day: date, name: str, *, rejudge: bool) -> LoopOutcome:
        policy = LoopPolicy(escalation_dir=root / name / "escalations", escalation=thresholds)
        with open_warehouse(path) as con:
            return close_the_loop(
                con,
                as_of=midnight(day),
                run_date=day,
                policy=policy,
                identity=IDENTITY,
                sender=FileSender(root / name / "mail"),
                rejudge=rejudge,
            )

    with open_warehouse(warehouse) as con:
        apply_schema(con)
        con.execute(RAW_LAYER.read_text(encoding="utf-8"))
        add_suppressions(
            con, [Suppression(SUPPRESSED, "unsubscribed")], added_at=midnight(date(2026, 11, 1))
        )
    done = []
    for day in NIGHTS:
        if day in LATER_LOADS:
            with open_warehouse(warehouse) as con:
                con.execute(LATER_LOADS[day])
        run_dbt(MODELS, warehouse=warehouse, as_of=midnight(day))
        copy = root / f"everything-{day}" / "loopkeeper.duckdb"
        copy.parent.mkdir()
        shutil.copyfile(warehouse, copy)
        outcome = notify(warehouse, day, "incremental", rejudge=False)
        everything = notify(copy, day, f"everything-{day}", rejudge=True)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            scored = con.execute(
                "select item_id || '|' || roadmap_item_id from ops.closed_loop_matches"
                " where run_date = ? order by 1",
                [day],
            ).fetchall()
        done.append(
            Night(day, _state(warehouse), _state(copy), outcome, everything, [s for (s,) in scored])
        )
    return done


@pytest.mark.parametrize("index", [pytest.param(i, id=str(day)) for i, day in enumerate(NIGHTS)])
def test_each_night_queues_the_same_messages_as_judging_everything(
    nights: list[Night], index: int
) -> None:
    night = nights[index]
    assert night.incremental["messages"] == night.everything["messages"]
    assert night.incremental["answered"] == night.everything["answered"]
    assert night.incremental["matches"] == night.everything["matches"]
    judged = (
        "acks",
        "handoffs",
        "at_risk_alerts",
        "stale_digests",
        "closed_loop",
        "declined_notes",
    )
    for step in judged:
        assert getattr(night.outcome, step) == getattr(night.outcome_everything, step), step


def test_the_nights_had_messages_to_compare(nights: list[Night]) -> None:
    kinds = {row[1] for row in nights[-1].incremental["messages"]}
    assert {"acknowledgment", "handoff", "stale_digest", "declined_note", "closed_loop"} <= kinds
    # The third night has nothing new: the clock alone makes its digest due.
    assert nights[2].outcome.stale_digests.queued == 1
    # The unsubscribed request matches every night from the second (stored on the third).
    assert [night.outcome.declined_notes.suppressed for night in nights] == [0, 1, 1, 1]


def test_a_late_request_made_before_the_decision_is_told_the_next_night(
    nights: list[Night],
) -> None:
    told = [
        (row[1], row[5], row[11])
        for row in nights[1].incremental["messages"]
        if row[11] == nights[1].day and row[1] == "declined_note"
    ]
    assert told == [("declined_note", "jo@litware.com", nights[1].day)]


def test_a_night_scores_only_the_candidates_whose_words_or_roadmap_changed(
    nights: list[Night],
) -> None:
    first, second, third, fourth = nights
    # Every stored score that is not a match says the night that scored it last.
    unmatched = {f"{row[0]}|{row[1]}" for row in fourth.incremental["matches"] if not row[-1]}
    assert len(first.scored_tonight) >= 4
    assert {pair.split("|")[0] for pair in second.scored_tonight} == {
        "widget:dark_late",
        "widget:dark_ops",
    }
    assert third.scored_tonight == []
    assert set(fourth.scored_tonight) == unmatched
