"""The one shape of a refusal the desk can explain: a stable `code`, the HTTP `status`, a safe message."""

from __future__ import annotations


class DeskError(ValueError):
    """A request that cannot be honoured; `code` is stable, the message safe to show to the caller.

    Each area subclasses it once (ConversationError, SurveyError, ...) and names its own codes.
    """

    code = "error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
