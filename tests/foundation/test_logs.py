"""Logs: structured JSON, and library debug lines that echo wire contents never get through."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from trustdesk.web.logs import JsonFormatter, hide_wire_contents


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(JsonFormatter().format(record))


WATCHED = ("websockets.server", "mail.log", "aiosmtplib", "trustdesk.test")


@pytest.fixture
def collected() -> Iterator[_Collect]:
    """Our handler straight on the loggers involved, at DEBUG (other code may have raised their levels)."""
    handler = _Collect()
    hide_wire_contents()
    saved = []
    for name in WATCHED:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        logger.addHandler(handler)
    yield handler
    for logger, level, propagate in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def test_wire_contents_from_socket_and_smtp_libraries_are_dropped(collected: _Collect) -> None:
    card = "4111 1111 1111 1111"
    logging.getLogger("websockets.server").debug('< TEXT \'{"body": "%s"}\' [40 bytes]', card)
    logging.getLogger("mail.log").debug("_handle_client readline: b'my card is %s'", card)
    logging.getLogger("aiosmtplib").debug("client: DATA %s", card)
    logging.getLogger("websockets.server").info("connection open")  # not wire contents: kept
    logging.getLogger("mail.log").info("Peer: ('127.0.0.1', 40000)")
    text = "\n".join(collected.lines)
    assert card not in text
    messages = [json.loads(line)["msg"] for line in collected.lines]
    assert messages == ["connection open", "Peer: ('127.0.0.1', 40000)"]


def test_json_lines_carry_extra_fields_and_exception_type_not_trace(collected: _Collect) -> None:
    log = logging.getLogger("trustdesk.test")
    try:
        raise ValueError("boom")
    except ValueError:
        log.warning("failed", extra={"job_id": 7}, exc_info=True)
    entry = json.loads(collected.lines[-1])
    assert entry["msg"] == "failed" and entry["job_id"] == 7 and entry["exc_type"] == "ValueError"
    assert entry["level"] == "warning" and entry["logger"] == "trustdesk.test"
