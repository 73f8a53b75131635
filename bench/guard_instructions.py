"""Instructions per message of the guard, counted with callgrind: a figure that does not move with
the load on a shared machine (timings there swing by 10 % from run to run).

    .venv/bin/python bench/guard_instructions.py                      # this build
    .venv/bin/python bench/guard_instructions.py --compare-with main  # and git REF, built alike

The protocol of bench/guard.py (warm up on 5,000 messages of a corpus, then scan 10,000 fresh
ones, seed 7) runs under `valgrind --tool=callgrind` twice per build and corpus: warm-up only, and
warm-up plus the corpus. The difference over 10,000 is the instructions of one scan() call, Python
and RE2 included. Native builds are used when current (make native); the baseline is unpacked and
compiled as bench/guard.py --compare-with does. Needs valgrind; takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import guard as guard_bench  # noqa: E402  (bench/guard.py: corpora and the baseline build)

WARM_UP, MEASURED = 5_000, 10_000
DRIVER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from trustdesk import native
from trustdesk.guard import scan
print("native" if "guard" in native.active() else "pure Python")
corpora = json.load(open(sys.argv[2]))
for text in corpora["warm"]:
    scan(text)
if sys.argv[3] == "1":
    for text in corpora["measured"]:
        scan(text)
"""


def _instructions(src: Path, corpora: Path, measure: bool) -> tuple[int, str]:
    completed = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", DRIVER,
         str(src), str(corpora), "1" if measure else "0"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", completed.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no total:\n{completed.stderr[-2000:]}")
    return int(found.group(1)), completed.stdout.strip()


def per_message(src: Path, corpora: Path) -> tuple[int, str]:
    """Instructions of one scan() of the measured corpus after the warm-up (see the module doc),
    and whether the guard ran as a native build or as pure Python."""
    with_corpus, how = _instructions(src, corpora, True)
    warm_up_only, _ = _instructions(src, corpora, False)
    return (with_corpus - warm_up_only) // MEASURED, how


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--compare-with", metavar="REF", help="also count the guard of git REF")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    background = guard_bench.load_background(guard_bench.SHARED_DATA)
    results: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        builds = {"current": Path(os.environ.get("TRUSTDESK_BENCH_SRC") or guard_bench.REPO / "src")}
        if args.compare_with:
            folder = Path(tmp) / "baseline"
            folder.mkdir()
            builds[args.compare_with] = guard_bench._baseline_tree(args.compare_with, folder)
        for mix in guard_bench.MIXES:
            corpora = Path(tmp) / f"{mix}.json"
            warm = guard_bench.make_corpus(WARM_UP, args.seed + 1000, background, mix)
            measured = guard_bench.make_corpus(MEASURED, args.seed, background, mix)
            corpora.write_text(
                json.dumps({"warm": [m.text for m in warm], "measured": [m.text for m in measured]})
            )
            for name, src in builds.items():
                count, how = per_message(src, corpora)
                results.setdefault(name, {})[mix] = count
                print(f"[{mix}] {name} ({how}): {count:,} instructions per message", flush=True)
    if args.compare_with:
        for mix in guard_bench.MIXES:
            change = results["current"][mix] / results[args.compare_with][mix] - 1
            print(f"[{mix}] this build against {args.compare_with}: {change:+.1%}")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
