"""Source readers, one module per kind of export; ``SOURCES`` in load order."""

from flows.sources import crm, notes, nps, roadmap, widget, zendesk
from flows.sources.base import FileUnreadable, ReadResult, Reject, Source

SOURCES: tuple[Source, ...] = (
    crm.SOURCE,
    nps.SOURCE,
    zendesk.SOURCE,
    widget.SOURCE,
    notes.SOURCE,
    roadmap.SOURCE,
)

__all__ = ["SOURCES", "FileUnreadable", "ReadResult", "Reject", "Source"]
