"""Precise comparison of one candidate label with one official label.

The index (see `index.py`) only proposes candidates; this module decides whether a
candidate really imitates an official label and names the technique, in the words of
dnstwist's fuzzer classes: homoglyph, hyphenation, addition, repetition, insertion,
omission, replacement, vowel-swap, bitsquatting, transposition, plural.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from trustdesk.verify.confusables import (
    ASCII_LOOKALIKES,
    EXTRA_MULTI_GLYPHS,
    describe_char,
    fold,
    is_mixed_script,
)
from trustdesk.verify.frozen import fast_init
from trustdesk.verify.model import N_, Params

VOWELS = frozenset("aeiouy")
# Below these official-label lengths an edit is too likely to be an unrelated word.
MIN_LEN_EDIT1 = 5
MIN_LEN_EDIT2 = 8
MIN_LEN_HOMOGLYPH = 3
# Substitutions that fool the eye even in a short name ("g00gle"); others need length.
STRONG_LOOKALIKES = frozenset(frozenset(pair) for pair in (("0", "o"), ("1", "l"), ("1", "i"), ("i", "l")))

_KEYBOARD_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, set[str]]:
    neighbours: dict[str, set[str]] = {}
    for row_index, row in enumerate(_KEYBOARD_ROWS):
        for col, char in enumerate(row):
            near = neighbours.setdefault(char, set())
            for d_row in (-1, 0, 1):
                other_row = row_index + d_row
                if not 0 <= other_row < len(_KEYBOARD_ROWS):
                    continue
                for d_col in (-1, 0, 1):
                    other_col = col + d_col
                    if (d_row or d_col) and 0 <= other_col < len(_KEYBOARD_ROWS[other_row]):
                        near.add(_KEYBOARD_ROWS[other_row][other_col])
    return neighbours


KEYBOARD_NEIGHBOURS = _keyboard_neighbours()


@fast_init
@dataclass(frozen=True, slots=True)
class Technique:
    """One named technique with a human detail, e.g. ("homoglyph", "'rn' looks like 'm'")."""

    code: str
    detail: str
    # The English gettext message of `detail` and its values, as on `Reason`.
    message: str = field(default="", repr=False, compare=False)
    params: Params = field(default=(), repr=False, compare=False)


def technique(code: str, message: str, **params: str) -> Technique:
    """A `Technique` whose detail is ``message`` (marked with `N_`) filled with ``params``."""
    return Technique(code, message.format(**params) if params else message, message, tuple(params.items()))


@fast_init
@dataclass(frozen=True, slots=True)
class LabelMatch:
    """The outcome of comparing a candidate with an official label.

    `score` orders matches (1.0 = indistinguishable to the eye); `exact` means the
    labels are identical, so any difference lies elsewhere (suffix, platform).
    """

    candidate: str
    official: str
    techniques: tuple[Technique, ...]
    score: float
    exact: bool = False


def _homoglyph(a: str, b: str) -> Technique:
    """Candidate character `a` in place of official `b`. The characters themselves travel as values too,
    so another language describes them by script (verify.wording) rather than by Unicode name."""
    return technique(
        "homoglyph", N_("{a} looks like {b}"), a=describe_char(a), b=describe_char(b), a_char=a, b_char=b
    )


def _substitution(a: str, b: str) -> Technique:
    """Name one substitution of official char `b` by candidate char `a`."""
    if frozenset((a, b)) in ASCII_LOOKALIKES or (fold(a) == fold(b)):
        return _homoglyph(a, b)
    if a in VOWELS and b in VOWELS:
        return technique("vowel-swap", N_("vowel '{old}' replaced by '{new}'"), old=b, new=a)
    if a.isascii() and b.isascii() and bin(ord(a) ^ ord(b)).count("1") == 1:
        return technique("bitsquatting", N_("'{old}' became '{new}' (one bit flipped)"), old=b, new=a)
    if a in KEYBOARD_NEIGHBOURS.get(b, ()):
        return technique("replacement", N_("'{old}' replaced by neighbouring key '{new}'"), old=b, new=a)
    return technique("replacement", N_("'{old}' replaced by '{new}'"), old=b, new=a)


def _edit_ops(cand: str, off: str, limit: int) -> list[tuple[str, int, str, str]] | None:
    """Optimal-string-alignment edit script turning `off` into `cand`, or None if > limit.

    Ops are (kind, position in official, official text, candidate text).
    """
    prefix = 0
    while prefix < min(len(cand), len(off)) and cand[prefix] == off[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(cand), len(off)) - prefix and cand[-1 - suffix] == off[-1 - suffix]:
        suffix += 1
    c = cand[prefix : len(cand) - suffix]
    o = off[prefix : len(off) - suffix]
    if abs(len(c) - len(o)) > limit or (len(c) > 2 * limit + 2 and len(o) > 2 * limit + 2):
        return None
    rows, cols = len(o) + 1, len(c) + 1
    dist = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        dist[i][0] = i
    for j in range(cols):
        dist[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost = 0 if o[i - 1] == c[j - 1] else 1
            best = min(dist[i - 1][j] + 1, dist[i][j - 1] + 1, dist[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and o[i - 1] == c[j - 2] and o[i - 2] == c[j - 1]:
                best = min(best, dist[i - 2][j - 2] + 1)
            dist[i][j] = best
    if dist[-1][-1] > limit:
        return None
    ops: list[tuple[str, int, str, str]] = []
    i, j = len(o), len(c)
    while i > 0 or j > 0:
        here = dist[i][j]
        if (
            i > 1
            and j > 1
            and o[i - 1] == c[j - 2]
            and o[i - 2] == c[j - 1]
            and here == dist[i - 2][j - 2] + 1
        ):
            if o[i - 1] != o[i - 2]:
                ops.append(("transpose", prefix + i - 2, o[i - 2 : i], c[j - 2 : j]))
            i, j = i - 2, j - 2
        elif i > 0 and j > 0 and here == dist[i - 1][j - 1] + (0 if o[i - 1] == c[j - 1] else 1):
            if o[i - 1] != c[j - 1]:
                ops.append(("substitute", prefix + i - 1, o[i - 1], c[j - 1]))
            i, j = i - 1, j - 1
        elif j > 0 and here == dist[i][j - 1] + 1:
            ops.append(("insert", prefix + i, "", c[j - 1]))
            j -= 1
        else:
            ops.append(("delete", prefix + i - 1, o[i - 1], ""))
            i -= 1
    ops.reverse()
    return ops


def _name_op(op: tuple[str, int, str, str], off: str) -> Technique:
    kind, pos, old, new = op
    if kind == "substitute":
        return _substitution(new, old)
    if kind == "transpose":
        return technique("transposition", N_("'{old}' swapped to '{new}'"), old=old, new=new)
    if kind == "delete":
        return technique("omission", N_("'{old}' left out"), old=old)
    neighbours = {off[pos - 1] if pos > 0 else "", off[pos] if pos < len(off) else ""}
    if new in neighbours:
        return technique("repetition", N_("'{new}' doubled"), new=new)
    if pos == len(off):
        if new == "s":
            return technique("plural", N_("'s' added at the end"))
        return technique("addition", N_("'{new}' added at the end"), new=new)
    return technique("insertion", N_("'{new}' inserted"), new=new)


def _glyph_sequences(cand: str, off: str) -> list[Technique]:
    """Name multi-letter look-alikes such as 'rn' for 'm' or 'cl' for 'd'."""
    found = []
    for sequence, letter in (*(("rn", "m"), ("vv", "w")), *EXTRA_MULTI_GLYPHS):
        if sequence in cand and letter in off and cand.replace(sequence, letter) == off:
            found.append(
                technique(
                    "homoglyph", N_("'{sequence}' looks like '{letter}'"), sequence=sequence, letter=letter
                )
            )
    return found


def _homoglyph_details(cand: str, off: str) -> list[Technique]:
    """Explain where two fold-equal strings differ."""
    details = _glyph_sequences(cand, off)
    if details:
        return details
    seen: set[str] = set()
    if len(cand) == len(off):
        for a, b in zip(cand, off, strict=True):
            if (
                a != b
                and (a, b) not in seen
                and (fold(a) == fold(b) or frozenset((a, b)) in ASCII_LOOKALIKES)
            ):
                seen.add(a + b)
                details.append(_homoglyph(a, b))
    if not details:
        details.append(
            technique(
                "homoglyph", N_("looks the same as the official name once look-alike characters are resolved")
            )
        )
    return details


@lru_cache(maxsize=65536)
def compare_labels(candidate: str, official: str) -> LabelMatch | None:
    """Decide whether label `candidate` imitates label `official`; None when unrelated.

    Both are lower-case Unicode labels (hyphens allowed). The result names every
    technique found, e.g. [homoglyph 'rn' looks like 'm'] or [transposition, omission].
    """
    if candidate == official:
        return LabelMatch(candidate, official, (), 1.0, exact=True)
    techniques: list[Technique] = []
    cand_flat, off_flat = candidate.replace("-", ""), official.replace("-", "")
    if candidate.count("-") != official.count("-"):
        more = candidate.count("-") > official.count("-")
        techniques.append(technique("hyphenation", N_("hyphen added") if more else N_("hyphen removed")))
    if cand_flat == off_flat:
        if not techniques:
            techniques.append(technique("hyphenation", N_("hyphen moved")))
        return LabelMatch(candidate, official, tuple(techniques), 0.95)
    if len(off_flat) < MIN_LEN_HOMOGLYPH:
        return None
    mixed = is_mixed_script(candidate)
    if fold(cand_flat) == fold(off_flat):
        techniques.extend(_homoglyph_details(cand_flat, off_flat))
        if mixed:
            techniques.append(technique("mixed-script", N_("mixes letters of different alphabets")))
        return LabelMatch(candidate, official, tuple(techniques), 1.0)
    score = 0.9
    ops = _edit_ops(cand_flat, off_flat, 2)
    extra = _glyph_sequences(cand_flat, off_flat)
    if extra:
        return LabelMatch(candidate, official, tuple(techniques + extra), 0.95)
    if ops is None:
        # Homoglyphs combined with a typo: compare the folded forms.
        folded_ops = _edit_ops(fold(cand_flat), fold(off_flat), 2)
        if folded_ops is None or len(folded_ops) > 1 or len(off_flat) < MIN_LEN_EDIT1:
            return None
        techniques.append(technique("homoglyph", N_("uses look-alike characters")))
        techniques.extend(_name_op(op, fold(off_flat)) for op in folded_ops)
        return LabelMatch(candidate, official, tuple(techniques), 0.8)
    named = [_name_op(op, off_flat) for op in ops]
    only_glyphs = all(t.code == "homoglyph" for t in named)
    strong = all(op[0] == "substitute" and frozenset((op[2], op[3])) in STRONG_LOOKALIKES for op in ops)
    if len(ops) == 1 and (len(off_flat) >= MIN_LEN_EDIT1 or strong):
        score = 0.95 if only_glyphs else 0.9
    elif len(ops) == 2 and (len(off_flat) >= MIN_LEN_EDIT2 or (strong and len(off_flat) >= MIN_LEN_EDIT1)):
        score = 0.9 if only_glyphs else 0.75
    else:
        return None
    if mixed:
        named.append(technique("mixed-script", N_("mixes letters of different alphabets")))
    return LabelMatch(candidate, official, tuple(techniques + named), score)
