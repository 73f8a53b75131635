"""Structured JSON logs. Only what is passed explicitly is logged: never bodies, never query strings."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry, default=str)


class NoWireContents(logging.Filter):
    """Drop library debug lines that print what came over the wire (WebSocket frames, SMTP lines):
    they may hold a customer's secret before the guard has seen it. (Found by test_secrets_never_stored.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            return True
        if record.name.startswith(("mail.log", "aiosmtplib")):
            return False  # the SMTP libraries' debug output is the conversation itself
        message = str(record.msg)
        return not message.startswith(("< ", "> ", "%s ", "< %s", "> %s"))


_WIRE_LOGGERS = (
    "uvicorn.error",
    "websockets",
    "websockets.server",
    "websockets.protocol",
    "mail.log",  # aiosmtpd
    "aiosmtplib",
)


def hide_wire_contents() -> None:
    """Install NoWireContents on the loggers of the libraries that speak to customers (idempotent)."""
    for name in _WIRE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoWireContents) for f in logger.filters):
            logger.addFilter(NoWireContents())


def setup_logging(level: str = "INFO", json_output: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_output else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    hide_wire_contents()
    # uvicorn's access log prints raw paths with query strings (which can hold contacts); ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
