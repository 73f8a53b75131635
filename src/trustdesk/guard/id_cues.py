"""The words that name a national ID number, and the words that name other numbers, from the packs.

Every pack's ``ids.toml`` (format in its header and in docs/architecture.md, "National ID numbers")
is read once at import. Each cue becomes two patterns: an RE2 one for the trigger pass (so a message
without any cue or ID shape costs nothing here) and a Python one that finds the cue near a number.
The Python pattern ignores case, accents ("numero" = "número") and the separators inside a phrase
("Steuer-ID" = "Steuer ID" = "SteuerID"); a cue of up to four letters must be a whole word ("NIE"
is not in "niemand"), a longer one the start of a word ("Identifikationsnummern"). Word edges count
letters, digits and "_" as word characters, so a cue glued to a number ("NIF123456789") names
nothing (the number patterns do not take a number glued to a letter either). The RE2 pattern is
looser (`cues.re2_pattern`): it only decides whether the detector runs.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from trustdesk.guard.cues import alternation, triggers_for, word_list
from trustdesk.guard.id_kinds import KINDS
from trustdesk.guard.packs import PackError, load_section

IDS_FILE = "ids.toml"


class IdsData(NamedTuple):
    """What the packs' ids.toml files say, merged: per kind its cues (matched in any case) and
    its capital cues (matched only in capitals), and the words that name other numbers."""

    cues: dict[str, list[str]]
    capital_cues: dict[str, list[str]]
    other_numbers: list[str]


_TABLES = ("cues", "capital_cues", "other_numbers")


def _kind_table(where: str, name: str, node: object, into: dict[str, list[str]], capitals: bool) -> None:
    if not isinstance(node, dict):
        raise PackError(f"{where}: [{name}] must be a table of ID kind = [words]")
    for kind, words in node.items():
        if kind not in KINDS:
            raise PackError(f"{where}: unknown ID kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
        for word in word_list(f"{where}: {name}.{kind}", words, capitals):
            if word not in into.setdefault(kind, []):
                into[kind].append(word)


def read_ids_tables(tables: dict[str, dict[str, Any]]) -> IdsData:
    """The merged content of parsed ``ids.toml`` files ({pack: table}), checked against `KINDS`;
    `PackError` names the file and what is wrong."""
    data = IdsData({}, {}, [])
    for pack, table in tables.items():
        where = f"languages/{pack}/{IDS_FILE}"
        unknown = set(table) - set(_TABLES)
        if unknown:
            raise PackError(f"{where}: unknown table(s) {sorted(unknown)}; expected {', '.join(_TABLES)}")
        _kind_table(where, "cues", table.get("cues", {}), data.cues, capitals=False)
        _kind_table(where, "capital_cues", table.get("capital_cues", {}), data.capital_cues, capitals=True)
        other = table.get("other_numbers", {})
        if not isinstance(other, dict) or set(other) - {"words"}:
            raise PackError(f"{where}: [other_numbers] must hold only words = [...]")
        for word in word_list(f"{where}: other_numbers.words", other.get("words", [])):
            if word not in data.other_numbers:
                data.other_numbers.append(word)
    return data


_DATA = read_ids_tables(load_section(IDS_FILE))

CUE_PATTERNS: dict[str, re.Pattern[str]] = {kind: alternation(w) for kind, w in _DATA.cues.items()}
"""Per ID kind, its cues from every pack as one pattern over `fold`-ed lower-case text."""
CAPITAL_CUE_PATTERNS: dict[str, re.Pattern[str]] = {
    kind: alternation(w) for kind, w in _DATA.capital_cues.items()
}
"""Per ID kind, its capital cues as one pattern over the `fold`-ed text as written."""
CUE_TRIGGERS: dict[str, frozenset[int]] = {
    kind: triggers_for(_DATA.cues.get(kind, []), _DATA.capital_cues.get(kind))
    for kind in {**_DATA.cues, **_DATA.capital_cues}
}
"""Per ID kind, the trigger ids of all its cues (see `scantext.pattern_triggers`)."""
OTHER_NUMBERS: re.Pattern[str] | None = alternation(_DATA.other_numbers) if _DATA.other_numbers else None
"""Words that label a number as something else (order, invoice, phone ...), over `fold`-ed text."""
