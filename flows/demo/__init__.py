"""Generates a believable demo inbox: a B2B SaaS customer base and its feedback, in export formats."""

from flows.demo.generator import generate_inbox
from flows.demo.summary import DemoSummary

__all__ = ["DemoSummary", "generate_inbox"]
