"""Loopkeeper's tagger: intents, sentiment, severity, product area and themes for feedback text.

A pure library: texts in, Tags out. spaCy is imported when a Tagger is loaded, not here.
"""

from nlp.tag import Tag
from nlp.tagger import MODEL_DIR, Tagger

__all__ = ["MODEL_DIR", "Tag", "Tagger"]
