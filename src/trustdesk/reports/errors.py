"""The one error of the stored reports: a report or triage request that cannot be carried out."""

from __future__ import annotations


class ReportError(ValueError):
    """A report or triage request cannot be carried out; the message says why in plain words."""
