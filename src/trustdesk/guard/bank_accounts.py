"""Bank account numbers in the words of any language pack ("Kontonummer 0532013000", "mon RIB :
10278 06039 …", "número de cuenta 6300093411", "nr rachunku 7111…", "conta corrente 41.207-9").

A number after an account word of the packs' `[disclosures] account` list is taken; after a weaker
word (`account_weak`: "Konto", "compte", "conta") only when the message also has bank words. With an
account number taken, the bank and branch codes named next to it ("BLZ", "code guichet", "ABI",
"agência") go too: together they route money to the customer. English account numbers keep their
own, stricter rules (`banking`).
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate, last_digits
from trustdesk.guard.cues import CueSearch, cue_search, disclosure_words, gate_triggers
from trustdesk.guard.id_cues import OTHER_NUMBERS
from trustdesk.guard.scantext import ScanText

_words = disclosure_words


def _pattern(key: str) -> CueSearch | None:
    return cue_search(_words(key))


_ACCOUNT = _pattern("account")
_WEAK_ACCOUNT = _pattern("account_weak")
_BANK_CONTEXT = _pattern("bank_context")
_BANK_CODE = _pattern("bank_code")
ACCOUNT_WORDS_GATE = gate_triggers(_words("account") + _words("account_weak"))

# Between the word and the number: punctuation, "n°", "nr.", "is", "ist", "é" ... (no digits).
_FILLER = r"(?P<filler>[^\d\n]{0,32}?)"
_FILLER_WORDS = 4  # "RIB pour le remboursement : …"
_ACCOUNT_VALUE = re.compile(
    _FILLER + r"(?<![\w\-])(?P<value>\d(?:[ \-.]?\d){5,29}(?:-[\dxX])?)(?![\d]|[\-/]\d)"
)
_CODE_VALUE = re.compile(r"[^\d\n]{0,12}?(?<![\d\-])(?P<value>\d(?:[ \-.]?\d){1,9})(?!\d)")
_SENTENCE_END = re.compile(r"(?<!\bn)(?<!\bnr)(?<!\bno)[.!?]\s")


def _account(start: int, end: int, value: str) -> Candidate:
    return Candidate(
        "BANK_ACCOUNT", start, end, f"bank account ending {last_digits(value)}", PRIORITY["BANK_ACCOUNT"]
    )


def find_pack_bank_accounts(st: ScanText, claimed: list[Candidate] | None = None) -> list[Candidate]:
    """Account numbers after the packs' account words, and the bank codes named with them."""
    if not st.has_digit:
        return []
    folded, text = st.folded, st.text
    taken = claimed or []
    found: list[Candidate] = []
    cues = [(p, weak) for p, weak in ((_ACCOUNT, False), (_WEAK_ACCOUNT, True)) if p is not None]
    bank_words = None
    for pattern, weak in cues:
        for _, m_end in pattern.spans(folded):
            if weak:
                if bank_words is None:
                    bank_words = _BANK_CONTEXT is not None and _BANK_CONTEXT.search(folded)
                if not bank_words:
                    continue
            value = _ACCOUNT_VALUE.match(folded, m_end)
            if value is None or _SENTENCE_END.search(value.group("filler")):
                continue
            if len(value.group("filler").split()) > _FILLER_WORDS:
                continue  # "contact Utility Customer Service at 850…": too far to be its number
            if OTHER_NUMBERS is not None and OTHER_NUMBERS.search(value.group("filler")):
                continue  # "checking my bank statement for order 12345678": the number is labelled

            start, end = value.span("value")
            if any(c.start <= start < c.end for c in taken + found):
                continue
            found.append(_account(start, end, text[start:end]))
    if (found or any(c.type == "BANK_ACCOUNT" for c in taken)) and _BANK_CODE is not None:
        for _, m_end in _BANK_CODE.spans(folded):
            code = _CODE_VALUE.match(folded, m_end)
            if code is None:
                continue
            start, end = code.span("value")
            if not any(c.start <= start < c.end for c in taken + found):
                found.append(Candidate("BANK_ACCOUNT", start, end, "bank code", PRIORITY["BANK_ACCOUNT"]))
    return found
