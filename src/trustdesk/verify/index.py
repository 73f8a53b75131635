"""Indexes that make one look-alike check cost the same whatever the registry size.

`BrandIndex` maps brand labels ("acmeoutfitters") to the tenants and channels they
come from, under several keys: the label without hyphens, its look-alike skeleton,
every one-character deletion of the skeleton (symmetric-delete edit-distance index:
a query then looks up its own deletions, up to two), and the first seven characters of
every label (for "brand embedded in a longer name" scans: one probe per query position). `PhoneIndex` does the same for phone
numbers: two-substitution neighbours through a pigeonhole block index, and
one-digit insertions/omissions through deletion keys.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from trustdesk.verify.confusables import fold
from trustdesk.verify.frozen import fast_init

# (tenant slug, channel id or "" for the tenant's display name)
Posting = tuple[str, str]

CONTAIN_MIN = 7
MIN_INDEXED = 3


def flatten(label: str) -> str:
    """Drop separators people add or remove at will: hyphen, underscore, dot, space."""
    return label.replace("-", "").replace("_", "").replace(".", "").replace(" ", "")


def deletions(text: str, depth: int) -> set[str]:
    """All strings obtained by deleting 1..`depth` (at most 2) characters of `text`."""
    n = len(text)
    ones = {text[:i] + text[i + 1 :] for i in range(n)}
    if depth < 2:
        return ones
    # Delete positions i < j once each (repeated letters still give duplicates, which the set drops).
    twos = {text[:i] + text[i + 1 : j] + text[j + 1 :] for i in range(n) for j in range(i + 1, n)}
    return ones | twos


@fast_init
@dataclass(frozen=True, slots=True)
class Candidate:
    """An indexed label proposed for a query, and how it was found."""

    label: str
    via: str  # "exact", "skeleton", "edit", "contains"


class BrandIndex:
    """Brand labels of all tenants, indexed for constant-time look-alike candidate lookup."""

    def __init__(self) -> None:
        self._postings: dict[str, set[Posting]] = defaultdict(set)
        # One ready-made Candidate per label and way of finding it: a lookup costs no allocation.
        self._found: dict[str, dict[str, Candidate]] = {}
        self._flat: dict[str, set[str]] = defaultdict(set)
        self._folded: dict[str, set[str]] = defaultdict(set)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        # (length, first two, last two characters) of every deletion key: lets a two-edit lookup skip,
        # with one probe, the many keys that keep both ends of the query (see `_deletions2`).
        self._shapes: Counter[tuple[int, str, str]] = Counter()
        # Folded labels of CONTAIN_MIN+ characters by their first CONTAIN_MIN characters.
        self._heads: dict[str, set[str]] = defaultdict(set)
        # Each head bucket's current iteration order (skeleton -> rank), made when first needed and
        # dropped whenever the bucket changes: the embedded-brand scan reports brands in this order.
        self._head_order: dict[str, dict[str, int]] = {}
        # Candidates handed out so far: how much confirming work the index leaves (bench/verify.py).
        self.candidates_returned = 0

    def __len__(self) -> int:
        return len(self._postings)

    def labels(self) -> Iterator[str]:
        """Every indexed label."""
        return iter(self._postings)

    def postings(self, label: str) -> set[Posting]:
        """Who a label belongs to: (tenant, channel id) pairs."""
        return self._postings.get(label, set())

    @staticmethod
    def _keys(label: str) -> tuple[str, str, set[str]]:
        flat = flatten(label)
        folded = fold(flat)
        keys = {folded} | deletions(folded, 1) if len(folded) >= 4 else {folded}
        if flat != folded and len(flat) >= 4:
            # Folding can shorten a name ("vv" -> "w"); keep the plain spelling's neighbours too.
            keys |= {flat} | deletions(flat, 1)
        return flat, folded, keys

    def add(self, label: str, posting: Posting) -> None:
        """Index `label` for `posting`; labels shorter than three characters are ignored."""
        if len(flatten(label)) < MIN_INDEXED:
            return
        fresh = label not in self._postings
        self._postings[label].add(posting)
        if not fresh:
            return
        self._found[label] = {via: Candidate(label, via) for via in ("exact", "skeleton", "edit", "contains")}
        flat, folded, deletes = self._keys(label)
        self._flat[flat].add(label)
        self._folded[folded].add(label)
        for key in deletes:
            bucket = self._deletes[key]
            if not bucket:
                self._shapes[_shape(key)] += 1
            bucket.add(label)
        if len(folded) >= CONTAIN_MIN:
            self._heads[folded[:CONTAIN_MIN]].add(folded)
            self._head_order.pop(folded[:CONTAIN_MIN], None)

    def remove(self, label: str, posting: Posting) -> None:
        """Drop one posting; the label disappears with its last posting."""
        owners = self._postings.get(label)
        if owners is None or posting not in owners:
            return
        owners.discard(posting)
        if owners:
            return
        del self._postings[label]
        del self._found[label]
        flat, folded, deletes = self._keys(label)
        for table, keys in ((self._flat, [flat]), (self._folded, [folded]), (self._deletes, deletes)):
            for key in keys:
                bucket = table.get(key)
                if bucket is not None:
                    bucket.discard(label)
                    if not bucket:
                        del table[key]
                        if table is self._deletes:
                            shape = _shape(key)
                            self._shapes[shape] -= 1
                            if self._shapes[shape] <= 0:
                                del self._shapes[shape]
        if len(folded) >= CONTAIN_MIN and folded not in self._folded:
            heads = self._heads[folded[:CONTAIN_MIN]]
            heads.discard(folded)
            self._head_order.pop(folded[:CONTAIN_MIN], None)
            if not heads:
                del self._heads[folded[:CONTAIN_MIN]]

    def candidates(self, text: str, *, edits: int, contains: bool) -> list[Candidate]:
        """Labels that `text` may imitate: equal, same skeleton, within `edits` edits, or embedded.

        Cost depends on the length of `text`, never on the number of indexed labels.
        """
        found: dict[str, Candidate] = {}
        ready = self._found
        flat = flatten(text)
        for label in self._flat.get(flat, ()):
            found[label] = ready[label]["exact"]
        folded = fold(flat)
        for label in self._folded.get(folded, ()):
            if label not in found:
                found[label] = ready[label]["skeleton"]
        if edits and len(folded) >= 4:
            get = self._deletes.get
            lowered = flat.lower()
            spellings = (folded, lowered) if lowered != folded else (folded,)
            for spelling in spellings:
                # Symmetric delete: the query's own one-character deletions against the index's.
                for bucket in filter(None, map(get, _deletions1(spelling))):
                    for label in bucket:
                        if label not in found:
                            found[label] = ready[label]["edit"]
            if edits >= 2 and not found:
                # Two edits only when nothing closer exists: most queries stop above.
                for spelling in spellings:
                    for bucket in filter(None, map(get, _deletions2(spelling, self._shapes))):
                        for label in bucket:
                            if label not in found:
                                found[label] = ready[label]["edit"]
        size = len(folded)
        if contains and size > CONTAIN_MIN:
            # Brands embedded in a longer name, found through their first CONTAIN_MIN characters:
            # one probe per position, however many brands are indexed. Near-equal lengths are the
            # edit-distance lookup's job, so only brands at least three characters shorter count.
            for skeleton in self._embedded(folded, size - 3):
                for label in self._folded.get(skeleton, ()):
                    if label not in found:
                        found[label] = ready[label]["contains"]
        self.candidates_returned += len(found)
        return list(found.values())

    def _embedded(self, folded: str, longest: int) -> list[str]:
        """Indexed skeletons of CONTAIN_MIN to `longest` characters that occur in `folded`.

        In order of the first position whose CONTAIN_MIN characters are their head, then in
        their head bucket's iteration order. A skeleton occurring in `folded` starts at a
        position whose window is its head, so the substrings of `folded` starting there are
        looked up in the bucket (a set intersection) instead of walking the whole bucket,
        which grows with the registry when many brands share a head.
        """
        size = len(folded)
        windows = [folded[start : start + CONTAIN_MIN] for start in range(size - CONTAIN_MIN + 1)]
        out: list[str] = []
        done: set[str] = set()
        heads = self._heads
        for head in filter(heads.__contains__, windows):
            if head in done:
                continue
            done.add(head)
            pieces = {
                folded[start : start + length]
                for start, window in enumerate(windows)
                if window == head
                for length in range(CONTAIN_MIN, min(longest, size - start) + 1)
            }
            inside = heads[head] & pieces
            if inside:
                order = self._head_order.get(head)
                if order is None:
                    order = self._head_order[head] = {key: rank for rank, key in enumerate(heads[head])}
                out += sorted(inside, key=order.__getitem__)
        return out


def _deletions1(text: str) -> list[str]:
    """`text` itself and every string with one character deleted (duplicates allowed)."""
    keys = [text[:i] + text[i + 1 :] for i in range(len(text))]
    keys.append(text)
    return keys


def _shape(key: str) -> tuple[int, str, str]:
    return len(key), key[:2], key[-2:]


def _deletions2(text: str, shapes: Container[tuple[int, str, str]] = ()) -> list[str]:
    """Every string with exactly two characters deleted (duplicates allowed) that may be indexed.

    Deleting two characters from the middle (neither of the first two, nor of the last two)
    leaves both ends of `text` in place: all those keys share one `_shape`. When no indexed
    key has that shape they cannot be indexed, and are not generated.
    """
    keys: list[str] = []
    size = len(text)
    middle = not shapes or (size - 2, text[:2], text[-2:]) in shapes
    for i in range(size - 1):
        head = text[:i]
        rest = text[i + 1 :]
        # The second deletion at position i + 1 + k; without the middle, only the last two positions.
        first = 0 if middle or i < 2 else max(0, size - 3 - i)
        keys += [head + rest[:k] + rest[k + 1 :] for k in range(first, size - i - 1)]
    return keys


def _blocks(digits: str) -> list[str]:
    size, extra = divmod(len(digits), 5)
    out, pos = [], 0
    for index in range(5):
        width = size + (1 if index < extra else 0)
        out.append(digits[pos : pos + width])
        pos += width
    return out


class PhoneIndex:
    """E.164 numbers indexed for "one or two digits off" and "one digit added or left out"."""

    def __init__(self) -> None:
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._blocks: dict[tuple[int, tuple[int, ...], tuple[str, ...]], set[str]] = defaultdict(set)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        self._national: dict[str, set[str]] = defaultdict(set)

    @staticmethod
    def _block_keys(digits: str) -> Iterable[tuple[int, tuple[int, ...], tuple[str, ...]]]:
        blocks = _blocks(digits)
        for chosen in combinations(range(5), 3):
            yield len(digits), chosen, tuple(blocks[i] for i in chosen)

    def add(self, e164: str, national: str) -> None:
        """Index one official number (E.164) and its national significant number."""
        digits = e164.lstrip("+")
        self._exact[digits].add(e164)
        for block_key in self._block_keys(digits):
            self._blocks[block_key].add(e164)
        for deleted in deletions(digits, 1):
            self._deletes[deleted].add(e164)
        self._national[national].add(e164)

    def remove(self, e164: str, national: str) -> None:
        """Remove one official number from every key."""
        digits = e164.lstrip("+")
        tables: list[tuple[dict[Any, set[str]], list[Any]]] = [
            (self._exact, [digits]),
            (self._blocks, list(self._block_keys(digits))),
            (self._deletes, list(deletions(digits, 1))),
            (self._national, [national]),
        ]
        for table, keys in tables:
            for key in keys:
                bucket = table.get(key)
                if bucket is not None:
                    bucket.discard(e164)
                    if not bucket:
                        del table[key]

    def near(self, e164: str, national: str) -> list[tuple[str, str]]:
        """Official numbers near `e164`: (official E.164, relation) with relation one of
        "substitution" (same length, 1-2 digits differ), "omission", "insertion", "country-code"."""
        digits = e164.lstrip("+")
        found: dict[str, str] = {}
        for block_key in self._block_keys(digits):
            for official in self._blocks.get(block_key, ()):
                found.setdefault(official, "substitution")
        for official in self._deletes.get(digits, ()):
            found.setdefault(official, "omission")
        for deleted in deletions(digits, 1):
            for official in self._exact.get(deleted, ()):
                found.setdefault(official, "insertion")
        for official in self._national.get(national, ()):
            found.setdefault(official, "country-code")
        found.pop(e164, None)
        return list(found.items())
