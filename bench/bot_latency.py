"""Benchmark: classification latency of this tree's bot against another tree's, side by side.

    .venv/bin/python bench/bot_latency.py --other /tmp/main-src [--rounds 4]

`--other` is the root of another checkout (for example `git archive main | tar -x -C /tmp/main-src`).
Each side runs in its own process pinned to one core (PYTHONPATH=<root>/src), trains (or loads from
a fresh cache) the shipped model, then times `classify()` on the English held-out messages and, when
this tree has them, the other languages' held-out messages; the sides alternate, `--rounds` times
each, so load on a shared machine falls on both. `--lang given` (default) passes each message's language
to `classify()` as the bot does; `--lang identified` lets this tree identify it (py3langid) as `bot classify`
does without "lang". `--clock cpu` times each call in the thread's CPU time instead of wall time: on a
loaded machine the wall-clock tail is mostly time spent waiting for the core (both sides alike), CPU time is
what the call itself costs. Only timings are printed, never a message.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "bot" / "data"

SIDE = r"""
import inspect, json, os, sys, time
from trustdesk.bot.examples import shipped_examples
from trustdesk.bot.registry import load_or_train
from pathlib import Path
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
model = load_or_train(shipped_examples(), cache_dir=Path(sys.argv[1]))
given = sys.argv[3] == "given" and "lang" in inspect.signature(model.classify).parameters
clock = time.thread_time_ns if sys.argv[4] == "cpu" else time.perf_counter_ns
out = {}
for name, path in json.loads(sys.argv[2]).items():
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    calls = [(r["text"], {"lang": r.get("lang", "en")} if given else {}) for r in rows]
    for text, kw in calls[:50]:
        model.classify(text, **kw)
    timings = []
    for text, kw in calls:
        started = clock()
        model.classify(text, **kw)
        timings.append((clock() - started) / 1e6)
    out[name] = timings
print(json.dumps(out))
"""


def run_side(
    root: Path, cache: Path, sets: dict[str, str], lang: str, clock: str = "wall"
) -> dict[str, list[float]]:
    env = dict(os.environ, PYTHONPATH=str(root / "src"), TRUSTDESK_BOT_CACHE=str(cache))
    done = subprocess.run(
        [sys.executable, "-c", SIDE, str(cache), json.dumps(sets), lang, clock],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "messages": len(ordered),
        "p50_ms": round(ordered[len(ordered) // 2], 3),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)], 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99)], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--other", type=Path, required=True, help="root of the other checkout")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--lang",
        choices=("given", "identified"),
        default="given",
        help="pass each message's language to classify() (as the bot does), or let it be identified "
        '(as `bot classify` without "lang"); a tree whose classify() takes no language ignores this',
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time each call in wall-clock time (default) or in the thread's CPU time (a loaded machine)",
    )
    args = parser.parse_args()
    english = {"en": str(DATA / "heldout.jsonl")}
    others = {
        p.stem.removeprefix("heldout_"): str(p) for p in sorted((DATA / "languages").glob("heldout_*.jsonl"))
    }
    collected: dict[str, dict[str, list[float]]] = {"this": {}, "other": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for side, root, sets in (
                ("this", ROOT, english | others),
                ("other", args.other, english | others),
            ):
                for name, timings in run_side(root, Path(tmp) / side, sets, args.lang, args.clock).items():
                    collected[side].setdefault("en" if name == "en" else "other_languages", []).extend(
                        timings
                    )
    print(
        json.dumps(
            {side: {k: summary(v) for k, v in sets.items()} for side, sets in collected.items()}, indent=2
        )
    )


if __name__ == "__main__":
    main()
