"""Language packs: the words, phrases and rules the guard needs for each language, as data.

    src/trustdesk/guard/languages/<pack>/
        pack.toml        words for asks and disclosures (docs/architecture.md, "Language packs")
        numbers.toml     digits spelled as words ("vier eins eins eins")
        ids.toml         national identity numbers: which validator, which cue words
        labelled/        dev.jsonl (tuned on) and holdout.jsonl (never tuned on)

Every pack is loaded and every language's words are matched on every message: protection never
depends on knowing the language. A new language is a new folder (and its catalog and tests).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

# Found through the package, not this module's file: a native build (src/trustdesk/native.py) runs
# from _native/, where __file__ points and no languages folder exists.
PACKS_DIR = Path(str(resources.files("trustdesk.guard").joinpath("languages")))


class PackError(ValueError):
    """A language pack file is malformed (raised at import time, so a broken pack never ships)."""


@lru_cache(maxsize=1)
def pack_names() -> tuple[str, ...]:
    """The packs present ("de", "en", ...), sorted: each a folder with a pack.toml."""
    return tuple(sorted(p.parent.name for p in PACKS_DIR.glob("*/pack.toml")))


@lru_cache(maxsize=32)
def load_section(file_name: str) -> dict[str, dict[str, Any]]:
    """``<pack>/<file_name>`` of every pack that has it, parsed: {pack name: TOML table}."""
    tables: dict[str, dict[str, Any]] = {}
    for name in pack_names():
        path = PACKS_DIR / name / file_name
        if not path.is_file():
            continue
        try:
            tables[name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PackError(f"{path}: {exc}") from exc
    return tables


def words(file_name: str, *keys: str) -> list[str]:
    """The union, over every pack, of the word list at ``keys`` in ``file_name`` (lower-cased,
    duplicates dropped, order kept). A missing key in one pack is simply no words from it."""
    seen: dict[str, None] = {}
    for name, table in load_section(file_name).items():
        node: Any = table
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            continue
        if not isinstance(node, list) or not all(isinstance(w, str) for w in node):
            raise PackError(f"{name}/{file_name}: {'.'.join(keys)} must be a list of strings")
        for word in node:
            seen.setdefault(word.strip().lower(), None)
    return [w for w in seen if w]
