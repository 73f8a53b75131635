"""`trustdesk guard`: scan text for secrets from the command line.

    trustdesk guard scan [FILE]          # FILE or standard input, one message per line
    trustdesk guard check-policy FILE    # validate a tenant policy (JSON)

Each input line is either a JSON object {"id", "text", "direction"?, "lang"?, "context"?} or
plain text (its id is then the 1-based line number). "lang" is a language hint (the
conversation's or page's language, e.g. "de"); "context" lists the same author's earlier texts,
oldest first. Each output line is one JSON object:
{"id", "findings": [{"type", "start", "end", "action"}], "redacted", "lang"}, with offsets as
Python string indices into the given text and "lang" the text's language (identified, the hint
for a text too short to tell). A line that cannot be scanned (invalid JSON, invalid UTF-8, too
long) yields {"id", "error"} instead; the command never stops on bad input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import typer

from trustdesk.guard import DIRECTIONS, MAX_TEXT_CHARS, GuardInputError, Policy, PolicyError, scan
from trustdesk.guard.language import identify

app = typer.Typer(
    help="Sensitive-data guard: redact secrets customers send, block agent messages that ask for them.",
    no_args_is_help=True,
)

# A JSON line may escape every character ("\\u00e9" is 6 bytes), so allow generously more than the text cap.
MAX_LINE_BYTES = 8 * 1024 * 1024


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes without the line break), or None for a line longer than MAX_LINE_BYTES."""
    number = 0
    while True:
        chunk = stream.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            # Skip the rest of this line without holding it in memory.
            while chunk and not chunk.endswith(b"\n"):
                chunk = stream.readline(MAX_LINE_BYTES)
            yield number, None
            continue
        yield number, chunk.rstrip(b"\n").rstrip(b"\r")


def _error(line_id: Any, message: str) -> dict[str, Any]:
    return {"id": line_id, "error": message}


def process_line(
    number: int,
    raw: bytes | None,
    default_direction: str,
    policy: Policy | None,
    brand: str | None,
    details: bool,
) -> dict[str, Any]:
    """The output object for one input line (a result or an error, never an exception)."""
    if raw is None:
        return _error(number, f"line {number} is longer than {MAX_LINE_BYTES} bytes; not scanned")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _error(number, f"line {number} is not valid UTF-8 (byte {exc.start}); not scanned")
    line_id: Any = number
    text = line
    direction = default_direction
    hint: str | None = None
    context: Any = ()
    if line.lstrip().startswith("{"):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return _error(number, f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})")
        if not isinstance(obj, dict):
            return _error(number, f"line {number} is not a JSON object")
        line_id = obj.get("id", number)
        text = obj.get("text")
        if not isinstance(text, str):
            return _error(line_id, '"text" is missing or not a string')
        direction = obj.get("direction", default_direction)
        if direction not in DIRECTIONS:
            return _error(line_id, '"direction" must be "inbound" or "outbound"')
        hint = obj.get("lang")
        if hint is not None and not isinstance(hint, str):
            return _error(line_id, '"lang" must be a language code such as "de" or "pt-BR"')
        context = obj.get("context", ())
    try:
        result = scan(text, direction, policy, brand, context=context, lang=hint)  # type: ignore[arg-type]
    except GuardInputError as exc:
        return _error(line_id, str(exc))
    output: dict[str, Any] = {
        "id": line_id,
        "findings": [f.to_detail_dict() if details else f.to_dict() for f in result.findings],
        "redacted": result.redacted,
        "lang": identify(text, hint).code,
    }
    if details:
        output["blocked"] = result.blocked
        output["block_reasons"] = list(result.block_reasons)
        output["customer_notice"] = result.customer_notice
    return output


def _dump(obj: dict[str, Any]) -> bytes:
    text = json.dumps(obj, ensure_ascii=False)
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # a lone surrogate from a JSON "\ud800" escape: keep the output valid UTF-8
        return json.dumps(obj, ensure_ascii=True).encode("ascii") + b"\n"


@app.command("scan")
def scan_command(
    file: Path | None = typer.Argument(
        None,
        exists=True,
        dir_okay=False,
        readable=True,
        help="Messages, one per line; standard input when omitted.",
    ),
    direction: str = typer.Option(
        "inbound", help='Direction of lines that do not say: "inbound" (customer) or "outbound" (agent/bot).'
    ),
    brand: str | None = typer.Option(None, help="Retailer name used in customer notices and block reasons."),
    policy_file: Path | None = typer.Option(
        None, "--policy", exists=True, dir_okay=False, readable=True, help="Tenant policy (JSON)."
    ),
    details: bool = typer.Option(
        False, "--details", help="Also print display forms, block reasons and the customer notice."
    ),
) -> None:
    """Scan messages for secrets; print one JSON result per input line."""
    if direction not in DIRECTIONS:
        raise typer.BadParameter('must be "inbound" or "outbound"', param_hint="--direction")
    policy = _load_policy(policy_file) if policy_file else None
    out = sys.stdout.buffer
    stream: IO[bytes] = file.open("rb") if file else sys.stdin.buffer
    try:
        for number, raw in _lines(stream):
            out.write(_dump(process_line(number, raw, direction, policy, brand, details)))
            out.flush()
    finally:
        if file:
            stream.close()


def _load_policy(path: Path) -> Policy:
    try:
        return Policy.from_json(path.read_text(encoding="utf-8"))
    except (PolicyError, UnicodeDecodeError) as exc:
        typer.echo(f"invalid policy {path}: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command("check-policy")
def check_policy(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="Tenant policy (JSON)."
    ),
) -> None:
    """Validate a tenant policy and print it with every default filled in."""
    policy = _load_policy(file)
    typer.echo(json.dumps(policy.to_dict(), indent=2, sort_keys=True))


@app.command("limits")
def limits() -> None:
    """Print the guard's input limits."""
    typer.echo(json.dumps({"max_text_chars": MAX_TEXT_CHARS, "max_line_bytes": MAX_LINE_BYTES}))
