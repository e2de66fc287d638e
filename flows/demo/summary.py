"""What a demo inbox holds, counted while it was written."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    nps_responses: int
    tickets: int  # distinct tickets
    ticket_versions: int  # ticket rows across all export pages
    widget_events: int
    note_items: int  # bullets under the notes' Feedback headings
    notes: int
    roadmap_items: int
    files_written: int
    feedback_items: int = field(init=False)

    def __post_init__(self) -> None:
        items = self.nps_responses + self.tickets + self.widget_events + self.note_items
        object.__setattr__(self, "feedback_items", items)

    def lines(self) -> list[str]:
        return [
            f"accounts        {self.accounts:>9,}",
            f"nps responses   {self.nps_responses:>9,}",
            f"tickets         {self.tickets:>9,}  ({self.ticket_versions:,} versions)",
            f"widget events   {self.widget_events:>9,}",
            f"note items      {self.note_items:>9,}  (in {self.notes:,} notes)",
            f"roadmap items   {self.roadmap_items:>9,}",
            f"feedback items  {self.feedback_items:>9,}",
            f"files written   {self.files_written:>9,}",
        ]
