"""Flood limits for chat, from the deployment's settings or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from trustdesk.ratelimit import Limit, parse_limit


def _limit(name: str, default: str) -> Limit:
    """A limit from the environment variable `name`, else `default` (for use without Settings)."""
    return parse_limit(os.environ.get(name, default))


@dataclass
class ChatLimits:
    """Flood limits for chat. Overridable per deployment (e.g. load tests) through the environment."""

    start_per_ip: Limit = field(default_factory=lambda: _limit("TRUSTDESK_CHAT_START_PER_IP", "20/60"))
    send_per_ip: Limit = field(default_factory=lambda: _limit("TRUSTDESK_CHAT_SEND_PER_IP", "240/60"))
    send_per_conversation: Limit = field(
        default_factory=lambda: _limit("TRUSTDESK_CHAT_SEND_PER_CONVERSATION", "20/10")
    )
    max_frame_bytes: int = 64 * 1024
    max_bad_frames: int = 20

    @classmethod
    def from_settings(cls, settings: Any) -> ChatLimits:
        """The limits a deployment configured (TRUSTDESK_CHAT_*), validated by Settings."""
        return cls(
            start_per_ip=parse_limit(settings.chat_start_per_ip),
            send_per_ip=parse_limit(settings.chat_send_per_ip),
            send_per_conversation=parse_limit(settings.chat_send_per_conversation),
        )
