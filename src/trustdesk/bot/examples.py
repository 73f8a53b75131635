"""Training examples: the set shipped with the package, JSONL files, and per-tenant additions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from trustdesk.bot.intents import Intent, parse_intent
from trustdesk.i18n.languages import LANGUAGES, supported

MAX_EXAMPLE_CHARS = 500


class ExampleFileError(ValueError):
    """A line of an examples file is not a {"text", "intent"} object with a known intent."""


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    intent: Intent
    lang: str = "en"  # the language it is written in (BCP 47, a supported code)


def parse_examples(lines: Iterable[str], *, source: str = "<examples>", lang: str = "en") -> list[Example]:
    """Parse JSONL lines of {"text": ..., "intent": ...} and an optional "lang" (else `lang`);
    blank lines are skipped."""
    examples: list[Example] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExampleFileError(f"{source}:{number}: not valid JSON ({exc.msg})") from None
        if (
            not isinstance(row, dict)
            or not isinstance(row.get("text"), str)
            or not isinstance(row.get("intent"), str)
        ):
            raise ExampleFileError(f"{source}:{number}: expected an object with string 'text' and 'intent'")
        text = " ".join(row["text"].split())
        if not text:
            raise ExampleFileError(f"{source}:{number}: empty text")
        if len(text) > MAX_EXAMPLE_CHARS:
            raise ExampleFileError(f"{source}:{number}: text longer than {MAX_EXAMPLE_CHARS} characters")
        try:
            intent = parse_intent(row["intent"])
        except ValueError as exc:
            raise ExampleFileError(f"{source}:{number}: {exc}") from None
        written_in = row.get("lang", lang)
        code = supported(written_in) if isinstance(written_in, str) else None
        if code is None:
            raise ExampleFileError(f"{source}:{number}: unsupported language {written_in!r}")
        examples.append(Example(text=text, intent=intent, lang=code))
    return examples


def load_examples(path: Path) -> list[Example]:
    """Read a JSONL examples file."""
    with path.open(encoding="utf-8") as handle:
        return parse_examples(handle, source=str(path))


def shipped_files() -> dict[str, str]:
    """The shipped training file of each language: training.jsonl is English, the others
    training_<code>.jsonl (docs/architecture.md, "Bot languages")."""
    return {code: "training.jsonl" if code == "en" else f"training_{code}.jsonl" for code in LANGUAGES}


def shipped_examples(languages: Iterable[str] | None = None) -> list[Example]:
    """The training examples that ship with Trustdesk (written for the project, not scraped), in
    every supported language, or only in `languages`."""
    wanted = set(LANGUAGES) if languages is None else {supported(c) or c for c in languages}
    examples: list[Example] = []
    for code, name in shipped_files().items():
        if code not in wanted:
            continue
        data = resources.files("trustdesk.bot").joinpath("data", name)
        if not data.is_file():
            continue
        lines = data.read_text(encoding="utf-8").splitlines()
        examples += parse_examples(lines, source=f"trustdesk/bot/data/{name}", lang=code)
    return examples


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def merge_examples(base: Iterable[Example], extra: Iterable[Example]) -> list[Example]:
    """Base examples plus a tenant's; a tenant example relabels a base example with the same text."""
    extra_list = list(extra)
    overridden = {_key(e.text) for e in extra_list}
    merged = [e for e in base if _key(e.text) not in overridden]
    seen: set[str] = set()
    for example in extra_list:
        key = _key(example.text)
        if key not in seen:
            seen.add(key)
            merged.append(example)
    return merged


def examples_digest(examples: Iterable[Example]) -> str:
    """A stable fingerprint of a training set (order-independent), stored with a trained model."""
    rows = sorted(f"{e.intent.value}\t{_key(e.text)}" for e in examples)
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()


JsonId = str | int | float | bool | None


def iter_texts(lines: Iterable[str]) -> Iterator[tuple[JsonId, str]]:
    """Yield (id, text) from lines that are either plain text or JSON objects {"id", "text"}."""
    for ident, text, _ in iter_requests(lines):
        yield (ident, text)


def iter_requests(lines: Iterable[str]) -> Iterator[tuple[JsonId, str, str | None]]:
    """Yield (id, text, lang) from lines that are either plain text or JSON objects {"id", "text", "lang"}.

    A line that is a JSON object must carry a string "text"; its "id" (a JSON scalar) is passed
    through unchanged and defaults to the 1-based line number, as it does for plain lines. Its
    optional "lang" must be a string (whether it names a supported language is the caller's check);
    plain lines have none.
    """
    for number, line in enumerate(lines, start=1):
        raw = line.rstrip("\r\n")
        if not raw.strip():
            continue
        stripped = raw.strip()
        if stripped.startswith("{"):
            try:
                row = json.loads(stripped)
            except json.JSONDecodeError:
                row = None
            if isinstance(row, dict):
                text = row.get("text")
                if not isinstance(text, str):
                    raise ExampleFileError(f"line {number}: JSON object without a string 'text'")
                ident = row.get("id", number)
                if isinstance(ident, (dict, list)):
                    raise ExampleFileError(f"line {number}: 'id' must be a string or a number")
                lang = row.get("lang")
                if lang is not None and not isinstance(lang, str):
                    raise ExampleFileError(f"line {number}: 'lang' must be a language code such as \"de\"")
                yield (ident, text, lang)
                continue
        yield (number, raw, None)
