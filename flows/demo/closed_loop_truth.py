"""How true a demo night's "we heard you" emails are: `python -m flows.demo.closed_loop_truth WAREHOUSE`.

The demo knows what each generated text asks for: the phrases of its roadmap ideas
(`Idea.asks`, `Idea.also`). Against that record, on a warehouse a demo night built:
- precision: of the items told by a closed-loop email (or a declined note), the share whose text
  asks for the roadmap item they were told about;
- recall: of the items whose text asks for a roadmap item decided in the loop's window, written
  before the decision by a customer the loop can answer (NPS, ticket or widget, with an address),
  the share told about it.
Foreign-language texts are not in the record (their asks are not the ideas' phrases), so a
foreign request told correctly counts as wrong here: precision is a floor.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from flows.demo.compose import AREAS

IDEAS = {idea.title: idea for area in AREAS for idea in area.ideas}

TOLD_SQL = """
select distinct match.item_id, roadmap.title, feedback.feedback_text
from ops.message_items as message
inner join ops.closed_loop_matches as match
    on message.item_id = match.item_id and match.is_match
inner join staging.stg_roadmap__items as roadmap using (roadmap_item_id)
inner join marts.fct_feedback as feedback on feedback.item_id = match.item_id
where message.kind in ('closed_loop', 'declined_note')
"""
# The roadmap items the night judged (those with scores), and when each was decided.
DECIDED_SQL = """
select roadmap.title, min(change.entered_at) as decided_at
from staging.stg_roadmap__items as roadmap
inner join intermediate.int_roadmap_status_changes as change using (roadmap_item_id)
where roadmap_item_id in (select roadmap_item_id from ops.closed_loop_matches)
    and change.status in ('shipped', 'declined')
group by roadmap.title
"""
ANSWERABLE_SQL = """
select item_id, feedback_text, received_at from marts.fct_feedback
where source in ('nps', 'ticket', 'widget') and contact_email is not null
    and feedback_text is not null
"""


@dataclass
class Truth:
    """(item id, roadmap title) pairs told, and those the record says asked."""

    told: set[tuple[str, str]] = field(default_factory=set)
    asked: set[tuple[str, str]] = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def wrong(self) -> set[tuple[str, str]]:
        return {(item, title) for item, title in self.told if not self.asks(item, title)}

    @property
    def precision(self) -> float:
        return 1 - len(self.wrong) / len(self.told) if self.told else 1.0

    @property
    def recall(self) -> float:
        return len(self.asked & self.told) / len(self.asked) if self.asked else 1.0

    def asks(self, item: str, title: str) -> bool:
        return title in IDEAS and IDEAS[title].asked_in(self.texts.get(item, ""))

    def lines(self) -> list[str]:
        out = [
            f"told {len(self.told)}, precision {self.precision:.3f} (a floor: foreign asks count"
            f" as wrong); asked {len(self.asked)}, recall {self.recall:.3f}"
        ]
        out += [f"  told, not asked: {t} | {_short(self.texts[i])}" for i, t in sorted(self.wrong)]
        out += [
            f"  asked, not told: {t} | {_short(self.texts[i])}"
            for i, t in sorted(self.asked - self.told)
        ]
        return out


def measure(con: duckdb.DuckDBPyConnection) -> Truth:
    """The night's closed-loop emails against the demo's record of who asked for what."""
    truth = Truth()
    for item, title, text in con.execute(TOLD_SQL).fetchall():
        truth.told.add((item, title))
        truth.texts[item] = text
    decided: list[tuple[str, datetime]] = con.execute(DECIDED_SQL).fetchall()
    for item, text, received_at in con.execute(ANSWERABLE_SQL).fetchall():
        for title, decided_at in decided:
            if received_at < decided_at and title in IDEAS and IDEAS[title].asked_in(text):
                truth.asked.add((item, title))
                truth.texts[item] = text
    return truth


def _short(text: str) -> str:
    return " ".join(text.split())[:140]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m flows.demo.closed_loop_truth WAREHOUSE")
    with duckdb.connect(sys.argv[1], read_only=True) as connection:
        print("\n".join(measure(connection).lines()))
