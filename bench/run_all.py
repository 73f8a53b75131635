"""Run every benchmark quickly, pinned to one core, and print their tables (`make bench`).

    .venv/bin/python bench/run_all.py                # all, reduced sizes: a few minutes
    .venv/bin/python bench/run_all.py guard verify   # only these
    .venv/bin/python bench/run_all.py --list         # what runs, with the exact commands

Each benchmark runs in its own process with the flags below (smaller samples than its defaults),
pinned to CPU 0 like the benchmarks that pin themselves, so the figures are smoke-test figures: they
prove every benchmark still runs and show the order of magnitude, not reference numbers. The
full-size commands, and the reference figures they gave, are in docs/performance.md. A benchmark
whose data or service is missing (../shared/data, Dovecot) is skipped with the reason.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pinning import pin_to_one_core

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class Bench:
    name: str
    args: tuple[str, ...]  # script and its quick flags, relative to the repository
    needs: str = ""  # "shared-data" or "dovecot": skipped, with the reason, when missing


BENCHES = (
    Bench("guard", ("bench/guard.py", "--messages", "2000", "--no-presidio", "--no-real-text")),
    Bench("verify", ("bench/verify.py", "--quick")),
    Bench(
        "chat", ("bench/chat.py", "--customers", "100", "--agents", "10", "--rate", "50", "--seconds", "5")
    ),
    Bench("bot", ("bench/bot.py", "--quick")),
    Bench("bot turns", ("bench/bot_turns.py", "--conversations", "10")),
    Bench("reports", ("bench/reports.py", "--reports", "10000"), needs="shared-data"),
    Bench("reports intake", ("bench/reports_intake.py", "--reports", "100")),
    Bench("mail authentication", ("bench/mail_auth.py", "--messages", "50")),
    Bench("mail channel", ("bench/mail.py", "--mails", "100")),
    Bench("mailbox intake", ("bench/mailbox_intake.py", "--mails", "100"), needs="dovecot"),
    Bench("message check", ("bench/message_check.py", "--messages", "60", "--phishing", "30")),
    Bench("search", ("bench/search.py", "--messages", "20000", "--db", "both", "--queries", "40")),
    Bench("service levels", ("bench/sla.py", "--conversations", "2000", "--runs", "10")),
    Bench("dashboard", ("bench/dashboard.py", "--messages", "20000", "--db", "both", "--rounds", "2")),
    Bench("retention", ("bench/retention.py", "--conversations", "2000", "--baseline-seconds", "3")),
)
# Not run here: bench/guard_instructions.py (callgrind, minutes per build) and bench/bot_latency.py
# (a side-by-side with another checkout); bench/legit_mail.py is a corpus generator, not a benchmark.


def missing(need: str) -> str:
    """Why a benchmark cannot run here, or "" when it can."""
    if need == "shared-data" and not SHARED.is_dir():
        return f"no shared data at {SHARED}"
    if need == "dovecot" and not (shutil.which("dovecot") or Path("/usr/sbin/dovecot").exists()):
        return "Dovecot is not installed (make mailserver)"
    return ""


def command(bench: Bench) -> list[str]:
    return [sys.executable, *bench.args]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("only", nargs="*", help="names of the benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="print the commands and exit")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per benchmark")
    args = parser.parse_args()
    names = {b.name for b in BENCHES}
    unknown = [name for name in args.only if name not in names]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from: {', '.join(sorted(names))}")
    chosen = [b for b in BENCHES if not args.only or b.name in args.only]
    if args.list:
        for bench in chosen:
            print(f"{bench.name:20} {' '.join(bench.args)}")
        return 0

    print(f"{pin_to_one_core()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    summary: list[tuple[str, str, float]] = []
    for bench in chosen:
        print(f"\n== {bench.name}: {' '.join(bench.args)}", flush=True)
        reason = missing(bench.needs)
        if reason:
            print(f"skipped: {reason}", flush=True)
            summary.append((bench.name, f"skipped ({reason})", 0.0))
            continue
        started = time.perf_counter()
        try:
            done = subprocess.run(command(bench), cwd=REPO, timeout=args.timeout, check=False)  # noqa: S603
            status = "ok" if done.returncode == 0 else f"failed (exit {done.returncode})"
        except subprocess.TimeoutExpired:
            status = f"timed out after {args.timeout:.0f} s"
        summary.append((bench.name, status, time.perf_counter() - started))

    print("\n| benchmark | result | seconds |\n|---|---|---|")
    for name, status, seconds in summary:
        print(f"| {name} | {status} | {seconds:.0f} |")
    return 0 if all(status.startswith(("ok", "skipped")) for _, status, _ in summary) else 1


if __name__ == "__main__":
    raise SystemExit(main())
