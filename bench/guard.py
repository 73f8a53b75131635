"""Benchmark: the sensitive-data guard against Microsoft Presidio's analyzer.

Builds a seeded corpus of realistic support messages (customer phrasing from the shared
banking77/CLINC150 data sets when present, plus retail templates) with payment cards, IBANs
and the numbers that look like them (order, tracking, phone, IMEI, gift-card numbers, dates,
prices, UUIDs). Measures messages/s and MB/s on one core and precision/recall on the types
both tools support (PAYMENT_CARD <-> CREDIT_CARD, IBAN <-> IBAN_CODE).

    .venv/bin/python bench/guard.py                       # guard + Presidio (needs the `bench` extra)
    .venv/bin/python bench/guard.py --no-presidio         # guard only
    .venv/bin/python bench/guard.py --messages 20000 --presidio-sample 1500 --seed 7

Presidio normally loads the spaCy model en_core_web_lg, which cannot be downloaded here. It is
configured with a blank English spaCy pipeline (tokenizer only, saved to a temporary folder and
loaded through Presidio's own SpacyNlpEngine) and all of its predefined English recognizers
except the NER-based SpacyRecognizer (a blank pipeline has no NER). Its regex/checksum
recognizers and context enhancement work as usual.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

# One core: pin the process and keep numeric libraries single-threaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
# --compare-with runs this file again against an older build's sources (TRUSTDESK_BENCH_SRC).
sys.path.insert(0, os.environ.get("TRUSTDESK_BENCH_SRC") or str(REPO / "src"))

from trustdesk.guard import scan  # noqa: E402
from trustdesk.guard.checksums import IBAN_LENGTHS, iban_mod97  # noqa: E402

SHARED_DATA = Path(os.environ.get("TRUSTDESK_SHARED_DATA", REPO.parent / "shared" / "data"))
SCORED = ("PAYMENT_CARD", "IBAN")
PRESIDIO_TYPES = {"CREDIT_CARD": "PAYMENT_CARD", "IBAN_CODE": "IBAN"}


@dataclass
class Message:
    text: str
    gold: list[tuple[str, int, int]] = field(default_factory=list)


class Builder:
    """Appends pieces of text and remembers where the labelled ones are."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.gold: list[tuple[str, int, int]] = []

    def add(self, text: str, label: str | None = None) -> None:
        if label:
            self.gold.append((label, self.length, self.length + len(text)))
        self.parts.append(text)
        self.length += len(text)

    def message(self) -> Message:
        return Message("".join(self.parts), self.gold)


# --- secrets ---------------------------------------------------------------------------------

CARD_BRANDS: list[tuple[str, list[str], list[int], int]] = [
    # brand, prefixes, lengths, weight
    ("Visa", ["4"], [16, 16, 16, 13, 19], 40),
    ("Mastercard", ["51", "52", "53", "54", "55", "2221", "2300", "2500", "2720"], [16], 28),
    ("Amex", ["34", "37"], [15], 10),
    ("Discover", ["6011", "644", "645", "649", "65"], [16], 6),
    ("JCB", ["3528", "3530", "3566", "3589"], [16], 4),
    ("Diners", ["300", "305", "36", "38"], [14], 3),
    ("UnionPay", ["62"], [16, 19], 5),
    ("Maestro", ["5018", "5020", "6304", "6759", "6761"], [16, 19, 12], 4),
]


def luhn_complete(partial: str) -> str:
    """Append the Luhn check digit."""
    total = 0
    for i, char in enumerate(reversed(partial)):
        d = int(char)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return partial + str((10 - total % 10) % 10)


def random_pan(rng: random.Random) -> tuple[str, str]:
    brand, prefixes, lengths, _ = rng.choices(CARD_BRANDS, weights=[b[3] for b in CARD_BRANDS])[0]
    prefix = rng.choice(prefixes)
    length = rng.choice(lengths)
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return brand, luhn_complete(body)


def format_pan(rng: random.Random, pan: str, brand: str) -> str:
    style = rng.choices(["plain", "space4", "dash4", "dot4", "evasion"], weights=[40, 36, 14, 5, 5])[0]
    if brand == "Amex" and style in ("space4", "dash4"):
        sep = " " if style == "space4" else "-"
        return sep.join((pan[:4], pan[4:10], pan[10:]))
    if style == "plain":
        return pan
    if style == "evasion":
        trick = rng.choice(["fullwidth", "zerowidth", "newline", "mixed"])
        groups = [pan[i : i + 4] for i in range(0, len(pan), 4)]
        if trick == "fullwidth":
            return " ".join("".join(chr(0xFF10 + int(c)) for c in g) for g in groups)
        if trick == "zerowidth":
            return "\u200b".join(pan)
        if trick == "newline":
            return " ".join(groups[:2]) + "\n" + " ".join(groups[2:])
        return "-".join(groups).replace("-", " . ", 1)
    sep = {"space4": " ", "dash4": "-", "dot4": "."}[style]
    return sep.join(pan[i : i + 4] for i in range(0, len(pan), 4))


IBAN_LAYOUTS = {
    # country: (letters in the bank code, digits after)
    "DE": (0, 18), "FR": (0, 23), "ES": (0, 20), "IT": (1, 22), "NL": (4, 10), "BE": (0, 12), "AT": (0, 16),
    "CH": (0, 17), "GB": (4, 14), "IE": (4, 14), "PL": (0, 24), "PT": (0, 21), "SE": (0, 20), "DK": (0, 14),
    "FI": (0, 14), "NO": (0, 11), "LU": (0, 16), "CZ": (0, 20),
}  # fmt: skip


def random_iban(rng: random.Random) -> str:
    country = rng.choice(list(IBAN_LAYOUTS))
    letters, digits = IBAN_LAYOUTS[country]
    bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(letters))
    bban += "".join(rng.choice(string.digits) for _ in range(digits))
    assert len(bban) + 4 == IBAN_LENGTHS[country]
    check = 98 - iban_mod97(country + "00" + bban)
    return f"{country}{check:02d}{bban}"


def format_iban(rng: random.Random, iban: str) -> str:
    style = rng.choices(["grouped", "compact", "lower"], weights=[60, 35, 5])[0]
    if style == "compact":
        return iban
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return grouped.lower() if style == "lower" else grouped


# --- look-alike numbers (hard negatives) -------------------------------------------------------


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def imei(rng: random.Random) -> str:
    return luhn_complete(rng.choice(["35", "86", "01", "99"]) + digits(rng, 12))


HARD_NEGATIVES: list[Callable[[random.Random], str]] = [
    lambda r: f"order #{digits(r, r.choice([6, 7, 8]))}",
    lambda r: f"order {r.choice('123')}{digits(r, 2)}-{digits(r, 7)}-{digits(r, 7)}",
    lambda r: f"order number {r.choice('456')}{digits(r, 15)}",
    lambda r: f"ORD-{r.randint(2019, 2025)}-{digits(r, 6)}",
    lambda r: (
        f"tracking 1Z{''.join(r.choice(string.ascii_uppercase + string.digits) for _ in range(6))}{digits(r, 10)}"
    ),
    lambda r: (
        "USPS tracking " + " ".join([f"94{digits(r, 2)}", *(digits(r, 4) for _ in range(4)), digits(r, 2)])
    ),
    lambda r: f"tracking number 92{digits(r, 20)}",
    lambda r: f"FedEx {r.choice('74')}{digits(r, 3)} {digits(r, 4)} {digits(r, 4)}",
    lambda r: f"DHL waybill {digits(r, 10)}",
    lambda r: f"Royal Mail {''.join(r.choice(string.ascii_uppercase) for _ in range(2))}{digits(r, 9)}GB",
    lambda r: f"call me on ({r.randint(201, 989)}) {r.randint(200, 999)}-{digits(r, 4)}",
    lambda r: f"my number is +1 {r.randint(201, 989)} {r.randint(200, 999)} {digits(r, 4)}",
    lambda r: f"UK mobile +44 7{digits(r, 3)} {digits(r, 6)}",
    lambda r: f"Tel. +49 30 {digits(r, 8)}",
    lambda r: f"on {r.randint(1, 12):02d}/{r.randint(1, 28):02d}/{r.randint(2022, 2025)}",
    lambda r: (
        f"delivered {r.randint(2022, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} at {r.randint(7, 20)}:{r.randint(0, 59):02d}"
    ),
    lambda r: (
        f"charged ${r.randint(1, 2500):,}.{digits(r, 2)} instead of ${r.randint(1, 300)}.{digits(r, 2)}"
    ),
    lambda r: f"€{r.randint(5, 900)},{digits(r, 2)}",
    lambda r: (
        f"request id {'-'.join(''.join(r.choice('0123456789abcdef') for _ in range(n)) for n in (8, 4, 4, 4, 12))}"
    ),
    lambda r: f"IMEI {imei(r)}",
    lambda r: f"gift card 6006 {digits(r, 4)} {digits(r, 4)} {digits(r, 4)} {digits(r, 3)}",
    lambda r: f"invoice INV{digits(r, 10)}",
    lambda r: f"SKU {digits(r, 12)}",
    lambda r: f"EAN {digits(r, 13)}",
    lambda r: f"my loyalty number is {digits(r, 16)}",
    lambda r: f"reference {digits(r, 4)} {digits(r, 4)} {digits(r, 4)} {digits(r, 4)} {digits(r, 4)}",
]

CARD_CONTEXTS = [
    "my card number is {}",
    "card: {}",
    "I paid with {} but it was charged twice",
    "Visa {} exp 04/27",
    "it's {} and the cvv is 123",
    "{} please refund to this card",
    "the card I used was {}",
    "here you go {}",
    "credit card {} expires 11/26",
    "can you charge {} instead",
]
IBAN_CONTEXTS = [
    "please refund to my IBAN {}",
    "IBAN: {}",
    "my bank account is {}",
    "send the money to {} thanks",
    "Kontonummer {}",
    "{} (account holder J. Smith)",
]
FALLBACK_TEXTS = [
    "Hi, my parcel has not arrived yet, can you check?",
    "I'd like to return the jacket, it is too small.",
    "Why was I charged twice for the same order?",
    "The discount code did not work at checkout.",
    "Can I change the delivery address?",
    "The item arrived damaged, what should I do?",
    "How long does a refund take?",
    "I can't log in to my account, I forgot my password.",
    "Please cancel my subscription.",
    "Where can I find my invoice?",
]


def load_background(shared: Path) -> list[str]:
    texts: list[str] = []
    banking = shared / "banking77" / "train.csv"
    if banking.is_file():
        with banking.open(encoding="utf-8") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    clinc = shared / "clinc150" / "data_full.json"
    if clinc.is_file():
        data = json.loads(clinc.read_text(encoding="utf-8"))
        texts.extend(item[0] for item in data["train"])
    return texts or FALLBACK_TEXTS


EVERYDAY_NUMBERS: list[Callable[[random.Random], str]] = [
    lambda r: f"Order #{r.randint(10000, 9999999)}",
    lambda r: (
        f"order {r.randint(100000, 999999)} placed on {r.randint(1, 12)}/{r.randint(1, 28)}/{r.randint(2023, 2025)}"
    ),
    lambda r: f"it cost ${r.randint(5, 400)}.{r.randint(0, 99):02d}",
    lambda r: f"I ordered {r.randint(2, 6)} of them",
    lambda r: f"size {r.choice(['S', 'M', 'L', '38', '42', '10'])}",
    lambda r: f"delivery was due {r.choice(['Monday', 'on the 3rd', 'last week', '12 May'])}",
    lambda r: f"my postcode is {r.choice(['SW1A 1AA', '10115', '94103', '75008'])}",
    lambda r: f"ticket {r.randint(1000, 99999)}",
]

# How often each kind of message occurs (the rest carry background text only).
MIXES: dict[str, dict[str, float]] = {
    # Dense: built to measure precision/recall, with a look-alike, card or IBAN in 45% of messages.
    "dense": {"everyday": 0.0, "hard_negative": 0.25, "card": 0.12, "iban": 0.08},
    # Traffic: closer to a support inbox; order numbers, dates and prices are common, long numbers
    # less so, and customers rarely paste card numbers or IBANs.
    "traffic": {"everyday": 0.30, "hard_negative": 0.08, "card": 0.02, "iban": 0.01},
}


def make_corpus(n: int, seed: int, background: list[str], mix: str = "dense") -> list[Message]:
    rng = random.Random(seed)
    shares = MIXES[mix]
    corpus = []
    for _ in range(n):
        b = Builder()
        b.add(rng.choice(background))
        kind = rng.random()
        everyday = shares["everyday"]
        hard = everyday + shares["hard_negative"]
        card = hard + shares["card"]
        iban = card + shares["iban"]
        if kind < everyday:
            b.add(" " + rng.choice(EVERYDAY_NUMBERS)(rng) + ".")
        elif kind < hard:
            for _ in range(rng.choice([1, 1, 2])):
                b.add(" " + rng.choice(HARD_NEGATIVES)(rng) + ".")
        elif kind < card:
            brand, pan = random_pan(rng)
            template = rng.choice(CARD_CONTEXTS)
            before, after = template.split("{}")
            b.add(" " + before)
            b.add(format_pan(rng, pan, brand), "PAYMENT_CARD")
            b.add(after)
            if rng.random() < 0.4:
                b.add(" " + rng.choice(HARD_NEGATIVES)(rng) + ".")
        elif kind < iban:
            template = rng.choice(IBAN_CONTEXTS)
            before, after = template.split("{}")
            b.add(" " + before)
            b.add(format_iban(rng, random_iban(rng)), "IBAN")
            b.add(after)
            if rng.random() < 0.4:
                b.add(" " + rng.choice(HARD_NEGATIVES)(rng) + ".")
        elif rng.random() < 0.5:
            b.add(" " + rng.choice(background))
        corpus.append(b.message())
    return corpus


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(corpus: list[Message], predictions: list[list[tuple[str, int, int]]]) -> dict[str, Score]:
    scores = {t: Score() for t in SCORED}
    for message, predicted in zip(corpus, predictions, strict=True):
        for kind in SCORED:
            gold = [(s, e) for t, s, e in message.gold if t == kind]
            pred = [(s, e) for t, s, e in predicted if t == kind]
            hit_gold = sum(any(ps < ge and gs < pe for ps, pe in pred) for gs, ge in gold)
            hit_pred = sum(any(ps < ge and gs < pe for gs, ge in gold) for ps, pe in pred)
            scores[kind].tp += hit_gold
            scores[kind].fn += len(gold) - hit_gold
            scores[kind].fp += len(pred) - hit_pred
    return scores


def timed(run: Callable[[str], object], texts: Iterable[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to run over all texts."""
    texts = list(texts)
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        run(text)
    return time.process_time() - cpu, time.perf_counter() - wall


# --- the two tools -----------------------------------------------------------------------------


def guard_predict(text: str) -> list[tuple[str, int, int]]:
    return [(f.type, f.start, f.end) for f in scan(text).findings]


def build_presidio() -> Callable[[str], list]:
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    model_dir = tempfile.mkdtemp(prefix="blank_en_")
    spacy.blank("en").to_disk(model_dir)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model_dir}])
    engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    registry.recognizers = [r for r in registry.recognizers if r.name != "SpacyRecognizer"]
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])
    return lambda text: analyzer.analyze(text=text, language="en")


def presidio_predict(results: list) -> list[tuple[str, int, int]]:
    return [
        (PRESIDIO_TYPES[r.entity_type], r.start, r.end) for r in results if r.entity_type in PRESIDIO_TYPES
    ]


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def _scores_json(scores: dict[str, Score]) -> dict[str, dict[str, float | int]]:
    return {
        k: {
            "precision": round(v.precision, 4),
            "recall": round(v.recall, 4),
            "tp": v.tp,
            "fp": v.fp,
            "fn": v.fn,
        }
        for k, v in scores.items()
    }


def _print_scores(scores: dict[str, Score]) -> None:
    for kind, s in scores.items():
        print(
            f"  {kind:13s} precision {s.precision:.4f}  recall {s.recall:.4f}  (tp {s.tp}, fp {s.fp}, fn {s.fn})"
        )


def run_mix(
    mix: str, args: argparse.Namespace, background: list[str], analyze: Callable[[str], list] | None
) -> dict[str, object]:
    corpus = make_corpus(args.messages, args.seed, background, mix)
    texts = [m.text for m in corpus]
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    gold_counts = {t: sum(1 for m in corpus for g in m.gold if g[0] == t) for t in SCORED}
    print(f"\n[{mix}] {len(corpus)} messages, {size_mb:.2f} MB, gold {gold_counts}")

    # Protocol: every message of the corpus goes once through each tool, one core, CPU time.
    # The guard first warms up on a separate corpus of the same kind (as a running server would
    # be), then sees the benchmark corpus exactly once. Because the machine may be shared, it is
    # timed once more after Presidio on a second, fresh corpus of the same kind, and the better
    # pass is reported. Presidio warms up on 20 messages and then makes one full pass.
    timed(scan, [m.text for m in make_corpus(5_000, args.seed + 1000, background, mix)])
    guard_cpu, _ = timed(scan, texts)
    guard_scores = score(corpus, [guard_predict(t) for t in texts])
    figures: dict[str, object] = {
        "messages": len(corpus),
        "megabytes": round(size_mb, 3),
        "gold": gold_counts,
    }
    presidio_cpu = None
    if analyze is not None:
        for text in texts[:20]:
            analyze(text)
        results: list[list[tuple[str, int, int]]] = []
        start = time.process_time()
        for text in texts:
            results.append(presidio_predict(analyze(text)))
        presidio_cpu = time.process_time() - start
        presidio_scores = score(corpus, results)
        second = [m.text for m in make_corpus(args.messages, args.seed + 2000, background, mix)]
        guard_cpu = min(guard_cpu, timed(scan, second)[0] * len(texts) / len(second))
    figures["guard"] = {
        "msgs_per_s": round(len(texts) / guard_cpu),
        "mb_per_s": round(size_mb / guard_cpu, 3),
        **_scores_json(guard_scores),
    }
    print(
        f"guard:    {len(texts) / guard_cpu:10.0f} msgs/s  {size_mb / guard_cpu:8.3f} MB/s  (CPU time, one core)"
    )
    _print_scores(guard_scores)
    if presidio_cpu is not None:
        ratio = presidio_cpu / guard_cpu
        figures["presidio"] = {
            "msgs_per_s": round(len(texts) / presidio_cpu, 1),
            "mb_per_s": round(size_mb / presidio_cpu, 4),
            **_scores_json(presidio_scores),
        }
        figures["guard_speedup"] = round(ratio, 1)
        print(
            f"presidio: {len(texts) / presidio_cpu:10.1f} msgs/s  {size_mb / presidio_cpu:8.4f} MB/s  (CPU time, one core)"
        )
        _print_scores(presidio_scores)
        print(f"guard speed-up over Presidio: {ratio:.0f}x")
    return figures


def load_real_texts(shared: Path, max_chars: int = 20_000) -> list[str]:
    """Real messages with no planted secrets: e-mail bodies (ham and phishing) and support questions."""
    import email
    from email import policy

    texts: list[str] = []
    for folder in ("easy_ham", "hard_ham", "phishing_pot"):
        for path in sorted((shared / folder).glob("*.eml")):
            with path.open("rb") as handle:
                message = email.message_from_binary_file(handle, policy=policy.default)
            body = message.get_body(preferencelist=("plain", "html"))
            try:
                content = body.get_content() if body is not None else ""
            except (LookupError, ValueError, AttributeError):
                content = ""
            if isinstance(content, str) and content:
                texts.append(content[:max_chars])
    banking = shared / "banking77" / "test.csv"
    if banking.is_file():
        with banking.open(encoding="utf-8") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    clinc = shared / "clinc150" / "data_full.json"
    if clinc.is_file():
        data = json.loads(clinc.read_text(encoding="utf-8"))
        texts.extend(item[0] for item in data["test"] + data["oos_test"])
    return texts


def real_text_check(shared: Path, analyze: Callable[[str], list] | None) -> dict[str, object]:
    """Findings on real text that holds no card numbers or IBANs: every one is a false positive."""
    texts = load_real_texts(shared)
    if not texts:
        print("\n[real text] shared data not found; skipped")
        return {}
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    guard_counts: dict[str, int] = {}
    for text in texts:
        for finding in scan(text).findings:
            guard_counts[finding.type] = guard_counts.get(finding.type, 0) + 1
    figures: dict[str, object] = {
        "texts": len(texts),
        "megabytes": round(size_mb, 2),
        "guard_findings": guard_counts,
    }
    print(
        f"\n[real text] {len(texts)} texts, {size_mb:.1f} MB (e-mails, support questions; no planted secrets)"
    )
    print(f"guard findings:    {dict(sorted(guard_counts.items()))}")
    if analyze is not None:
        presidio_counts: dict[str, int] = {}
        for text in texts:
            for kind, _, _ in presidio_predict(analyze(text)):
                presidio_counts[kind] = presidio_counts.get(kind, 0) + 1
        figures["presidio_findings"] = presidio_counts
        print(f"presidio findings: {dict(sorted(presidio_counts.items()))} (CREDIT_CARD and IBAN_CODE only)")
    return figures


def throughput_only(args: argparse.Namespace, background: list[str]) -> dict[str, float]:
    """Guard msgs/s (CPU time, one core) on each corpus: warm-up, then the better of two passes."""
    figures: dict[str, float] = {}
    for mix in MIXES:
        texts = [m.text for m in make_corpus(args.messages, args.seed, background, mix)]
        timed(scan, [m.text for m in make_corpus(5_000, args.seed + 1000, background, mix)])
        cpu = min(timed(scan, texts)[0], timed(scan, texts)[0])
        figures[mix] = round(len(texts) / cpu)
    return figures


def _baseline_tree(ref: str, folder: Path) -> Path:
    """The sources of ``ref`` unpacked in ``folder`` and compiled like `make native` would."""
    archive = subprocess.run(
        # pyproject.toml too: the native build reads its mypy settings, and without them the
        # baseline silently runs as pure Python (a native build against a pure one).
        ["git", "-C", str(REPO), "archive", ref, "src", "scripts", "pyproject.toml"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    build = subprocess.run(
        [sys.executable, str(folder / "scripts" / "build_native.py"), "--quiet"],
        env={**os.environ, "PYTHONPATH": str(folder / "src")},
        cwd=folder,
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        print(f"baseline {ref}: native build failed, it runs as pure Python", file=sys.stderr)
    return folder / "src"


def compare_with(ref: str, args: argparse.Namespace, rounds: int = 3) -> dict[str, object]:
    """Throughput of this build and of ``ref``, measured alternately in separate processes."""
    command = [sys.executable, str(Path(__file__).resolve()), "--throughput-only", "--json"]
    command += ["--messages", str(args.messages), "--seed", str(args.seed)]
    runs: dict[str, list[dict[str, float]]] = {"current": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp:
        baseline_src = _baseline_tree(ref, Path(tmp))
        for round_number in range(rounds):
            order = ["current", "baseline"] if round_number % 2 == 0 else ["baseline", "current"]
            for which in order:
                env = dict(os.environ)
                env.pop("TRUSTDESK_BENCH_SRC", None)
                if which == "baseline":
                    env["TRUSTDESK_BENCH_SRC"] = str(baseline_src)
                out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
                runs[which].append(json.loads(out[out.index("{") :]))
    result: dict[str, object] = {"baseline_ref": ref, "rounds": runs}
    for mix in MIXES:
        current = statistics.median(r[mix] for r in runs["current"])
        baseline = statistics.median(r[mix] for r in runs["baseline"])
        result[mix] = {"current": current, "baseline": baseline, "change": round(current / baseline - 1, 4)}
        print(
            f"[{mix}] this build {current:,.0f} msgs/s, {ref}: {baseline:,.0f} msgs/s ({current / baseline - 1:+.1%})"
        )
    return result


def languages_report() -> dict[str, object]:
    """Per language and part (dev, held-out): asks blocked, disclosures removed, false blocks and
    false redactions on the labelled examples (src/trustdesk/guard/languages/*/labelled)."""
    from trustdesk.guard import labelled

    report: dict[str, object] = {}
    for part in labelled.PARTS:
        scores = labelled.score(labelled.load(part))
        rows: dict[str, object] = {}
        print(f"\n[{part}] lang   asks blocked   disclosures removed   false blocks   false redactions")
        for lang, entry in sorted(scores.items()):
            rates = {kind: entry.rate(kind) for kind in labelled.KINDS}
            counts = {kind: entry.total[kind] for kind in labelled.KINDS}
            rows[lang] = {"rates": rates, "counts": counts, "wrong": [e.id for e in entry.wrong]}
            cells = [
                f"{entry.right[k]}/{entry.total[k]} ({rates[k]:.3f})" if rates[k] is not None else "-"
                for k in labelled.KINDS
            ]
            print(f"        {lang:6} {cells[0]:>14} {cells[2]:>20} {cells[1]:>14} {cells[3]:>17}")
        report[part] = rows
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="messages per corpus")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mix", choices=[*MIXES, "both"], default="both")
    parser.add_argument("--no-presidio", action="store_true")
    parser.add_argument(
        "--no-real-text", action="store_true", help="skip the false-positive check on real text"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--languages", action="store_true", help="score the labelled examples per language")
    parser.add_argument(
        "--compare-with",
        metavar="REF",
        help="also time the guard of git REF, alternating, separate processes",
    )
    parser.add_argument("--throughput-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    pinned = pin_one_core()
    background = load_background(SHARED_DATA)
    if args.throughput_only:
        print(json.dumps(throughput_only(args, background)))
        return
    print(f"{len(background)} background texts; {pinned}")
    if args.languages:
        report = languages_report()
        if args.json:
            print(json.dumps({"languages": report}, indent=2))
        return
    analyze = None if args.no_presidio else build_presidio()
    mixes = list(MIXES) if args.mix == "both" else [args.mix]
    figures: dict[str, object] = {mix: run_mix(mix, args, background, analyze) for mix in mixes}
    if not args.no_real_text:
        figures["real_text"] = real_text_check(SHARED_DATA, analyze)
    if args.compare_with:
        figures["compared"] = compare_with(args.compare_with, args)
    if args.json:
        print(json.dumps({"cpu": pinned, **figures}, indent=2))


if __name__ == "__main__":
    main()
