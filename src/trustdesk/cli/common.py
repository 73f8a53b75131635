"""Helpers shared by CLI commands: settings, database, clear errors instead of tracebacks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from trustdesk.config import ConfigurationError, Settings, get_settings
from trustdesk.store.db import (
    DatabaseNotMigrated,
    DatabaseUnavailable,
    make_engine,
    make_session_factory,
    transaction,
)
from trustdesk.store.migrate import ensure_migrated

err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return get_settings()
    except ConfigurationError as exc:
        fail(str(exc), 2)


def engine(*, require_schema: bool = True) -> Engine:
    s = settings()
    eng = make_engine(s.resolved_database_url)
    try:
        if require_schema:
            ensure_migrated(eng)
    except (DatabaseUnavailable, DatabaseNotMigrated) as exc:
        fail(str(exc), 3)
    return eng


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A committed transaction on the migrated database, or a clear error and exit."""
    factory = make_session_factory(engine())
    with transaction(factory) as session:
        yield session


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")
