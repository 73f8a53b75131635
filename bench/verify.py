"""Benchmark of the verify package: indexed checks vs brute force, scaling, detection quality.

Run:  .venv/bin/python bench/verify.py            (full run, a few minutes on one core)
      .venv/bin/python bench/verify.py --quick    (smaller samples)
      .venv/bin/python bench/verify.py --quick --tenants 300 --queries 2000 --max-tenants 100   (make bench)

Measures, on one core (pure Python, single thread):
  * checks/s and p50/p99 latency of Registry.check on 10,000 channels across 1,000 tenants;
  * a brute-force baseline that compares each query with every channel;
  * latency at 100, 1,000, 10,000 and 100,000 channels (must stay flat);
  * recall on generated permutations (every dnstwist fuzzer class) and the false-positive
    rate on unrelated real domains (hand-written list + domains found in the legitimate
    SpamAssassin ham mails under ../shared/data, when present).
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.util
import json
import os
import random
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import phonenumbers

from pinning import pin_to_one_core

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from trustdesk.verify import (  # noqa: E402
    ChannelKind,
    OfficialChannel,
    Registry,
    Verdict,
    compare_labels,
    extract_contacts,
    make_channel,
    parse_contact,
    parse_host,
)
from trustdesk.verify.fuzz import FUZZERS, generate_permutations  # noqa: E402

SHARED = REPO.parent / "shared" / "data"

FIRST = (
    "amber alder birch bramble cedar cobalt copper driftwood dune ember fennel fjord glacier granite "
    "harbor heron indigo iris jasper juniper kelp kestrel larch lichen maple meadow nettle nimbus "
    "obsidian orchid pinecone quartz rowan saffron thistle umber verdant willow yarrow zephyr"
).split()
SECOND = (
    "badger beacon bluff brook canyon cliff comet crane delta falcon fern garnet grove hollow lantern "
    "lark marsh mesa moss otter pebble pike prairie raven reef ridge sparrow summit tundra vale"
).split()
CATEGORY = (
    "outfitters goods supply trading mercantile provisions apparel living crafts gear wares emporium "
    "market studio atelier works collective depot outpost boutique threads kitchen garden books toys "
    "tools optics cycles pets"
).split()
TLDS = ("com", "co.uk", "shop", "store", "de", "net", "io", "com.au")


def brand_names(count: int, rng: random.Random) -> list[str]:
    """Distinct three-part brand names such as 'amberheronoutfitters'."""
    combos = [(a, b, c) for a in FIRST for b in SECOND for c in CATEGORY]
    rng.shuffle(combos)
    return ["".join(parts) for parts in combos[:count]]


def random_phone(rng: random.Random, region: str) -> str:
    """A valid random number in `region` (US or GB)."""
    while True:
        if region == "US":
            text = f"+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        else:
            text = (
                f"+44{rng.choice(['20', '161', '121', '131', '113'])}{rng.randint(10_000_000, 99_999_999)}"[
                    :13
                ]
            )
        number = phonenumbers.parse(text)
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def tenant_channels(slug: str, brand: str, rng: random.Random) -> list[OfficialChannel]:
    """Ten channels for one tenant: 3 domains, 2 e-mails, 2 phones, 2 handles, 1 URL."""
    name = brand.capitalize()
    tlds = rng.sample(TLDS, 2)
    rows = [
        ("domain", f"{brand}.{tlds[0]}", {}),
        ("domain", f"{brand}.{tlds[1]}", {}),
        ("sending_domain", f"mail.{brand}.{tlds[0]}", {}),
        ("email", f"support@{brand}.{tlds[0]}", {"purpose": "support"}),
        ("email", f"orders@{brand}.{tlds[0]}", {"purpose": "orders"}),
        ("phone", random_phone(rng, "US"), {"purpose": "support"}),
        ("phone", random_phone(rng, "GB"), {"purpose": "support", "country": "GB"}),
        ("social", brand, {"platform": "x"}),
        ("social", f"{brand}_official", {"platform": "instagram"}),
        ("url", f"https://{brand}.{tlds[0]}/help/chat", {"purpose": "chat"}),
    ]
    return [make_channel(slug, name, kind, value, **extra) for kind, value, extra in rows]


BRANDS = brand_names(len(FIRST) * len(SECOND) * len(CATEGORY), random.Random(7))


def build_channels(tenant_count: int) -> tuple[list[OfficialChannel], dict[str, str]]:
    """The first `tenant_count` tenants of one fixed sequence: smaller registries are prefixes of larger ones."""
    channels: list[OfficialChannel] = []
    slugs = {}
    for index, brand in enumerate(BRANDS[:tenant_count]):
        slug = f"t{index:05d}"
        slugs[slug] = brand
        channels.extend(tenant_channels(slug, brand, random.Random(index)))
    return channels, slugs


def clear_caches() -> None:
    """Forget every memoised parse/fold/compare, so a timing run starts cold."""
    from trustdesk.verify import confusables, domains, emails, lookalike, phones, urls, words

    for function in (
        domains.parse_host,
        confusables.fold,
        lookalike.compare_labels,
        words.label_cores,
        phones.parse_phone,
        urls.parse_url,
        emails.parse_email,
    ):
        function.cache_clear()


def load_words(name: str) -> list[str]:
    path = SHARED / "dnstwist_dictionaries" / name
    if not path.exists():
        return []
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("//")
    ]


def permutation_sample(
    channels: list[OfficialChannel], count: int, rng: random.Random
) -> list[tuple[str, str, str]]:
    """(fuzzer, domain, expected tenant) drawn evenly over fuzzer classes and tenants."""
    words = load_words("english.dict") or ["support", "help", "login"]
    tlds = load_words("common_tlds.dict") or ["com", "net", "org"]
    domains = [c for c in channels if c.kind is ChannelKind.DOMAIN]
    per_class: dict[str, list[tuple[str, str, str]]] = {f: [] for f in FUZZERS}
    registry_hosts = {c.value for c in domains}
    for channel in rng.sample(domains, min(len(domains), 300)):
        for permutation in generate_permutations(channel.value, words=words, tlds=tlds):
            if permutation.domain in registry_hosts or not parse_host(permutation.domain).registrable:
                continue
            per_class[permutation.fuzzer].append((permutation.fuzzer, permutation.domain, channel.tenant))
    out = []
    share = count // len(FUZZERS)
    for items in per_class.values():
        out.extend(rng.sample(items, min(share, len(items))))
    return out


def _test_list(name: str) -> list[str]:
    """A hand-written list from tests/verify/test_unrelated_not_lookalike.py (loaded by path)."""
    spec = importlib.util.spec_from_file_location(
        "unrelated", REPO / "tests/verify/test_unrelated_not_lookalike.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, name))


@functools.cache
def unrelated_domains() -> list[str]:
    """Real domains unrelated to the generated tenants: the test list plus ham-mail domains."""
    found = set(_test_list("UNRELATED_DOMAINS"))
    for folder in ("easy_ham", "hard_ham"):
        path = SHARED / folder
        if not path.is_dir():
            continue
        for mail in sorted(path.iterdir()):
            text = mail.read_text("latin-1")[:60_000]
            for contact in extract_contacts(text):
                if contact.kind in (ChannelKind.DOMAIN, ChannelKind.URL, ChannelKind.EMAIL) and contact.value:
                    host = (
                        contact.value.split("@")[-1] if contact.kind is ChannelKind.EMAIL else contact.value
                    )
                    if contact.kind is ChannelKind.URL:
                        host = host.split("://", 1)[1].split("/", 1)[0].split("@")[-1].split(":")[0]
                    try:
                        registrable = parse_host(host).registrable
                    except ValueError:
                        continue
                    if registrable:
                        found.add(registrable)
    return sorted(found)


def workload(channels: list[OfficialChannel], count: int, rng: random.Random) -> list[str]:
    """A realistic mix: 40% look-alikes, 20% official, 20% unrelated, 10% phones near official, 10% e-mail/handles."""
    domains = [c for c in channels if c.kind is ChannelKind.DOMAIN]
    phones = [c for c in channels if c.kind is ChannelKind.PHONE]
    unrelated = unrelated_domains()
    queries: list[str] = []
    fuzzers = [f for f in FUZZERS if f not in ("dictionary",)]
    attempts = 0
    while len(queries) < count and attempts < count * 20:
        attempts += 1
        roll = rng.random()
        if roll < 0.4:
            channel = rng.choice(domains)
            perms = generate_permutations(channel.value, [rng.choice(fuzzers)])
            if perms:
                queries.append(rng.choice(perms).domain)
        elif roll < 0.6:
            channel = rng.choice(channels)
            queries.append(
                channel.value
                if channel.kind is not ChannelKind.SOCIAL
                else f"{channel.platform}:@{channel.value}"
            )
        elif roll < 0.8:
            queries.append(f"{rng.choice(['www.', 'shop.', ''])}{rng.choice(unrelated)}")
        elif roll < 0.9:
            digits = list(rng.choice(phones).value)
            position = rng.randrange(4, len(digits))
            digits[position] = str((int(digits[position]) + rng.randint(1, 9)) % 10)
            queries.append("".join(digits))
        else:
            brand = parse_host(rng.choice(domains).value).label
            queries.append(
                rng.choice(
                    [f"{brand}.help@gmail.com", f"x:@{brand}_support", f"Support <{brand}@outlook.com>"]
                )
            )
        queries = list(dict.fromkeys(queries))  # every query distinct: no help from memoisation
    return queries


def candidates_per_check(registry: Registry, queries: list[str]) -> float:
    """Mean number of brand-index candidates a check has to confirm (untimed, separate pass)."""
    index = registry._brands
    registry._results.clear()  # remembered verdicts would skip the index altogether
    before = index.candidates_returned
    for query in queries:
        registry.check(query)
    return (index.candidates_returned - before) / len(queries)


def time_checks(registry: Registry, queries: list[str]) -> dict[str, float]:
    """Checks/s and latency percentiles; contacts are parsed inside the timed call (as in the API)."""
    gc.collect()
    gc.disable()
    latencies = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for query in queries:
        t0 = time.perf_counter_ns()
        registry.check(query)
        latencies.append(time.perf_counter_ns() - t0)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    gc.enable()
    latencies.sort()
    return {
        "checks_per_s": len(queries) / total,
        "checks_per_cpu_s": len(queries) / cpu,
        "p50_us": latencies[len(latencies) // 2] / 1000,
        "p99_us": latencies[int(len(latencies) * 0.99)] / 1000,
        "mean_us": statistics.fmean(latencies) / 1000,
    }


def brute_force_check(channels: list[OfficialChannel], query: str) -> str:
    """The baseline: compare the query with every channel, no index (uncached comparisons)."""
    compare = compare_labels.__wrapped__  # type: ignore[attr-defined]
    contact = parse_contact(query)
    if contact.value is None:
        return "unknown"
    best = "unknown"
    if contact.kind is ChannelKind.PHONE:
        for channel in channels:
            if channel.kind is ChannelKind.PHONE:
                if channel.value == contact.value:
                    return "official"
                if len(channel.value) == len(contact.value):
                    diffs = sum(a != b for a, b in zip(channel.value, contact.value, strict=True))
                    if diffs <= 2:
                        best = "lookalike"
        return best
    text = contact.value
    if contact.kind is ChannelKind.EMAIL:
        text = text.split("@", 1)[1]
    elif contact.kind is ChannelKind.URL:
        text = text.split("://", 1)[1].split("/", 1)[0]
    elif contact.kind is ChannelKind.SOCIAL:
        text = text.split(":")[-1].lstrip("@")
    try:
        label = parse_host(text).label if "." in text else text
    except ValueError:
        label = text
    for channel in channels:
        if channel.kind in (ChannelKind.DOMAIN, ChannelKind.SOCIAL):
            official = (
                parse_host(channel.value).label if channel.kind is ChannelKind.DOMAIN else channel.value
            )
            if channel.value == text:
                return "official"
            if compare(label, official) is not None:
                best = "lookalike"
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller samples")
    parser.add_argument("--queries", type=int, help="timed checks (default 20,000; --quick 5,000)")
    parser.add_argument(
        "--tenants",
        type=int,
        default=1_000,
        help="tenants of the timed and scored registry (10 channels each)",
    )
    parser.add_argument(
        "--max-tenants",
        type=int,
        default=10_000,
        choices=(10, 100, 1_000, 10_000),
        help="largest registry of the scaling run (10 channels a tenant; default 10,000 tenants)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    pin_to_one_core()
    rng = random.Random(11)
    n_queries = args.queries or (5_000 if args.quick else 20_000)
    results: dict[str, object] = {}

    print(f"== build: {args.tenants:,} tenants x 10 channels")
    channels, _ = build_channels(args.tenants)
    t0 = time.perf_counter()
    registry = Registry(channels)
    build_s = time.perf_counter() - t0
    print(f"channels={len(registry)} build={build_s:.2f}s ({len(registry) / build_s:,.0f} adds/s)")
    queries = workload(channels, n_queries, rng)
    clear_caches()
    print(f"load average before timing: {os.getloadavg()[0]:.2f} (2 shared cores)")
    indexed = time_checks(registry, queries)
    print(
        f"indexed: {indexed['checks_per_s']:,.0f} checks/s wall, {indexed['checks_per_cpu_s']:,.0f} per CPU-second  p50={indexed['p50_us']:.0f}us  p99={indexed['p99_us']:.0f}us"
    )
    results["indexed_10k"] = indexed | {"queries": n_queries, "build_s": build_s}

    # Realistic traffic repeats itself (one scam, many worried customers): Zipf over 2,000 contacts.
    popular = queries[:2_000]
    weights = [1 / (rank + 1) for rank in range(len(popular))]
    repeated = rng.choices(popular, weights=weights, k=len(queries))
    registry._results.clear()
    clear_caches()
    zipf = time_checks(registry, repeated)
    print(
        f"repeat-heavy traffic (Zipf over 2,000 contacts, result cache on): {zipf['checks_per_cpu_s']:,.0f} "
        f"per CPU-second, {zipf['checks_per_s']:,.0f}/s wall  p50={zipf['p50_us']:.0f}us"
    )
    results["zipf_10k"] = zipf
    registry._results.clear()

    sample = queries[: 100 if args.quick else 300]
    t0 = time.process_time()
    for query in sample:
        brute_force_check(channels, query)
    brute_per_s = len(sample) / (time.process_time() - t0)
    speedup = indexed["checks_per_cpu_s"] / brute_per_s
    print(
        f"brute force: {brute_per_s:,.1f} checks per CPU-second on {len(sample)} queries -> speed-up {speedup:,.0f}x"
    )
    results["brute_force_10k"] = {"checks_per_cpu_s": brute_per_s, "queries": len(sample), "speedup": speedup}

    print(
        "== scaling: the same distinct queries (about the first 10 tenants, present at every size), cold caches"
    )
    scaling = {}
    probe_channels, _ = build_channels(10)
    size_queries = workload(probe_channels, 3_000 if args.quick else 8_000, random.Random(5))
    for tenant_count in (t for t in (10, 100, 1_000, 10_000) if t <= args.max_tenants):
        size_channels, _ = build_channels(tenant_count)
        t0 = time.perf_counter()
        size_registry = Registry(size_channels)
        built = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        clear_caches()
        figures = time_checks(size_registry, size_queries)
        figures["candidates_per_check"] = candidates_per_check(size_registry, size_queries[:2000])
        scaling[len(size_registry)] = figures | {"build_s": built, "max_rss_mb": rss}
        print(
            f"channels={len(size_registry):>7,}  {figures['checks_per_s']:>8,.0f} checks/s  "
            f"({figures['checks_per_cpu_s']:>7,.0f}/CPU-s)  "
            f"p50={figures['p50_us']:>5.0f}us  p99={figures['p99_us']:>6.0f}us  build={built:.1f}s  maxrss={rss:,.0f}MB  "
            f"candidates/check={figures['candidates_per_check']:.2f}"
        )
        del size_registry
    results["scaling"] = scaling

    print(f"== detection quality on the {len(registry):,}-channel registry")
    perms = permutation_sample(channels, 2_000 if args.quick else 8_000, rng)
    hits, any_hits, by_class, misses = 0, 0, Counter(), Counter()
    examples: dict[str, list[str]] = {}
    for fuzzer, domain, tenant in perms:
        result = registry.check(domain)
        flagged = result.verdict is Verdict.LOOKALIKE
        right = flagged and result.imitates is not None and result.imitates.tenant == tenant
        hits += right
        any_hits += flagged
        by_class[fuzzer] += 1
        if not right:
            misses[fuzzer] += 1
            examples.setdefault(fuzzer, []).append(domain)
    recall = hits / len(perms)
    print(
        f"recall (right tenant): {recall:.4f}   recall (any tenant): {any_hits / len(perms):.4f}   n={len(perms)}"
    )
    for fuzzer in FUZZERS:
        if by_class[fuzzer]:
            print(
                f"  {fuzzer:<14} n={by_class[fuzzer]:>5}  missed={misses[fuzzer]:>4}  {examples.get(fuzzer, [])[:3]}"
            )
    unrelated = unrelated_domains()
    flagged_unrelated = [d for d in unrelated if registry.check(d).verdict is Verdict.LOOKALIKE]
    fp_rate = len(flagged_unrelated) / len(unrelated)
    print(
        f"false positives: {len(flagged_unrelated)}/{len(unrelated)} = {fp_rate:.4f}  {flagged_unrelated[:10]}"
    )
    results["quality"] = {
        "recall": recall,
        "recall_any_tenant": any_hits / len(perms),
        "permutations": len(perms),
        "per_class_missed": dict(misses),
        "unrelated_domains": len(unrelated),
        "false_positives": len(flagged_unrelated),
        "false_positive_rate": fp_rate,
        "false_positive_examples": flagged_unrelated[:20],
    }
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    print("ok" if recall >= 0.95 and fp_rate <= 0.01 else "TARGETS MISSED")


if __name__ == "__main__":
    main()
