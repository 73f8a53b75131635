"""Everything a request handler needs, built once per app."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from itsdangerous import Signer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.accounts.lockout import LockoutPolicy
from trustdesk.channels.index import RegistryCache
from trustdesk.config import Settings
from trustdesk.ratelimit import RateLimiter
from trustdesk.secretbox import SecretBox

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]  # for requests that change state
    read_sessions: sessionmaker[Session]  # for GET: never blocks writers on SQLite
    rate_limiter: RateLimiter
    box: SecretBox
    cookie_signer: Signer
    templates: Jinja2Templates
    lockout: LockoutPolicy
    registry: RegistryCache = field(default_factory=RegistryCache)
    runtime: Any = None  # trustdesk.runtime.Runtime: bus, job workers, the pipeline's desk
    extras: dict[str, object] = field(default_factory=dict)
