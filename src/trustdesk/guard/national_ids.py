"""NATIONAL_ID detection: every kind in `id_kinds.KINDS`, named by the cue words of every pack.

A kind is looked for only when the trigger pass saw one of its cue words ("Steuer-ID", "NIR",
"codice fiscale", ...) or one of its distinctive printed layouts. A candidate must pass its
kind's validator (check digits, plausible dates and ranges) and then either

- have a cue of its kind shortly before it (60 characters) or after it (25), with no word that
  names another number (order, invoice, phone ...) in between; or
- be written in a layout that stands on its own (a dashed SSN, a capitalised NINO, a codice
  fiscale, a formatted CPF "123.456.789-09", a NIR with its key in its printed groups), not
  right after a word that names another number.

So bare 9- and 11-digit numbers (order, tracking, invoice, customer and phone numbers) are never
taken for IDs without a cue.
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.cues import fold
from trustdesk.guard.id_cues import CAPITAL_CUE_PATTERNS, CUE_PATTERNS, CUE_TRIGGERS, OTHER_NUMBERS
from trustdesk.guard.id_kinds import KINDS, IdKind, canonical
from trustdesk.guard.scantext import ScanText, hits_of, pattern_triggers

_CUE_BEFORE = 60  # how far before a number its cue may end
_CUE_AFTER = 25  # how far after a number its cue may start ("44051401359 to mój PESEL")
_LONGEST_CUE = 60
_LABEL_BEFORE = 30  # how far before a cue-less layout a word naming another number vetoes it
_DIGIT = re.compile(r"[0-9]")


class _Watched:
    """A kind with what wakes it (trigger ids) and its cue patterns (None: no pack names it so):
    ``cue`` over the folded lower-case text, ``capital_cue`` over the folded text as written."""

    __slots__ = ("kind", "gate", "cue", "capital_cue")

    def __init__(
        self,
        kind: IdKind,
        gate: frozenset[int],
        cue: re.Pattern[str] | None,
        capital_cue: re.Pattern[str] | None,
    ) -> None:
        self.kind = kind
        self.gate = gate
        self.cue = cue
        self.capital_cue = capital_cue


def _watch_list() -> list[_Watched]:
    watched = []
    for name, kind in KINDS.items():
        gate = CUE_TRIGGERS.get(name, frozenset())
        if kind.shape is not None:
            gate |= pattern_triggers(kind.shape, shape=True)
        if gate:
            watched.append(_Watched(kind, gate, CUE_PATTERNS.get(name), CAPITAL_CUE_PATTERNS.get(name)))
    return watched


_WATCHED = _watch_list()
NATIONAL_ID_GATE: frozenset[int] = frozenset().union(*(w.gate for w in _WATCHED))
"""Trigger ids of every cue word and standalone layout: the scanner runs this detector only on them."""


def _names_other_number(folded: str, start: int, end: int) -> bool:
    return OTHER_NUMBERS is not None and OTHER_NUMBERS.search(folded, start, end) is not None


def _cued(cues: list[tuple[re.Pattern[str], str]], folded: str, start: int, end: int) -> int:
    """How strongly a cue (a pattern and the text it reads) names ``folded[start:end]``: 0 for not
    at all, else more for a cue that ends closer before it and, at the same end, for a longer one
    ("Brazilian tax ID" over "tax ID"); a cue must end shortly before the number or start shortly
    after it, with no word naming another number between cue and number."""
    before = -1
    first = start
    after = len(folded)
    for cue, haystack in cues:
        for preceding in cue.finditer(haystack, max(0, start - _CUE_BEFORE - _LONGEST_CUE), start):
            if preceding.end() >= start - _CUE_BEFORE and (
                preceding.end() > before or (preceding.end() == before and preceding.start() < first)
            ):
                before, first = preceding.end(), preceding.start()
        following = cue.search(haystack, end, min(len(haystack), end + _CUE_AFTER + _LONGEST_CUE))
        if following is not None and following.start() <= end + _CUE_AFTER:
            after = min(after, following.start())
    if before >= 0 and not _names_other_number(folded, before, start):
        return 1_000_000 - (start - before) * 1_000 + (before - first)
    return 1 if after < len(folded) and not _names_other_number(folded, end, after) else 0


def _id(start: int, end: int, label: str) -> Candidate:
    return Candidate("NATIONAL_ID", start, end, label, PRIORITY["NATIONAL_ID"])


def find_national_ids(st: ScanText, claimed: list[Candidate] | None = None) -> list[Candidate]:
    """National identity numbers in the normalised text (skipping digits ``claimed`` by a card or IBAN)."""
    found: list[Candidate] = []
    if not st.has_digit:
        return found
    text, hits = st.text, st.hits
    taken = claimed or []
    folded: str | None = None  # lower-case, accents removed; made once, if a number validates
    as_written: str | None = None  # accents removed, case kept (for capital cues)
    strengths: list[int] = []  # how closely a cue names each of ``found``
    for watched in _WATCHED:
        if hits.isdisjoint(watched.gate):
            continue
        kind = watched.kind
        for m in kind.pattern.finditer(text):
            start, end = m.span("v")
            if taken and any(c.start < end and start < c.end for c in taken):
                continue
            raw = m.group("v")
            if not kind.valid(canonical(raw)):
                continue
            if folded is None:
                folded = fold(st.lower)
            cues = [(watched.cue, folded)] if watched.cue is not None else []
            if watched.capital_cue is not None:
                as_written = as_written or fold(text)
                cues.append((watched.capital_cue, as_written))
            strength = _cued(cues, folded, start, end)
            if strength:
                # Two kinds may take the same digits (an 11-digit German tax ID is often a valid
                # CPF too): the one its cue names more closely keeps them.
                same = next((i for i, c in enumerate(found) if (c.start, c.end) == (start, end)), None)
                if same is None:
                    found.append(_id(start, end, kind.label))
                    strengths.append(strength)
                elif strength > strengths[same]:
                    found[same], strengths[same] = _id(start, end, kind.label), strength
            elif (
                kind.standalone is not None
                and kind.standalone.fullmatch(raw)
                and not _names_other_number(folded, max(0, start - _LABEL_BEFORE), start)
            ):
                found.append(_id(start, end, kind.label))
                strengths.append(0)
    return found


_CONTEXT_TAIL = _CUE_BEFORE + _LONGEST_CUE  # of the previous message, only what could cue a number
_CUE_IDS: frozenset[int] = frozenset().union(*CUE_TRIGGERS.values())


def continued_national_ids(previous: str, text: str) -> list[Candidate]:
    """National IDs in ``text`` named by a cue at the end of the author's previous message
    ("… meine Steuer-ID, ich schreib sie hier rein." then "57 209 361 540"); both normalised,
    spans in ``text``. The usual rules apply to the two read as one (60 characters, no label of
    another number in between)."""
    tail = previous[-_CONTEXT_TAIL:]
    if _DIGIT.search(text) is None or hits_of(tail).isdisjoint(_CUE_IDS):
        return []
    shift = len(tail) + 1
    found = find_national_ids(ScanText.of(f"{tail}\n{text}"))
    return [c._replace(start=c.start - shift, end=c.end - shift) for c in found if c.start >= shift]
