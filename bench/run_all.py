"""Run every benchmark quickly and print their tables (`make bench`): the smoke profile.

    .venv/bin/python bench/run_all.py                # all, smoke sizes: a few minutes of CPU
    .venv/bin/python bench/run_all.py guard verify   # only these
    .venv/bin/python bench/run_all.py --list         # what runs, with the exact commands

Each benchmark runs in its own process with the flags below: the same code paths as its full run, on
smaller samples and fewer repetitions. Those that report per-core figures pin themselves to CPU 0 (as
in their full runs); the others (chat, mail, retention, service levels) may use both cores, as their
servers and clients do in production. The figures are smoke-test figures: they prove every benchmark
still runs and show the order of magnitude, never reference numbers. The full-size command of each
area, and the reference figures it gave, are in docs/performance.md. The closing table gives each
benchmark's wall-clock and CPU seconds (its processes' user + system time): on the shared machine the
wall clock follows the load, the CPU seconds much less. A benchmark whose data or service is missing
(../shared/data, Dovecot) is skipped with the reason.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class Bench:
    name: str
    args: tuple[str, ...]  # script and its quick flags, relative to the repository
    needs: str = ""  # "shared-data" or "dovecot": skipped, with the reason, when missing


BENCHES = (
    Bench("guard", ("bench/guard.py", "--messages", "2000", "--no-presidio", "--no-real-text")),
    Bench(
        "verify",
        ("bench/verify.py", "--quick", "--tenants", "300", "--queries", "2000", "--max-tenants", "100"),
    ),
    Bench("chat", ("bench/chat.py", "--customers", "20", "--agents", "4", "--rate", "20", "--seconds", "3")),
    Bench("bot", ("bench/bot.py", "--quick")),
    Bench("bot turns", ("bench/bot_turns.py", "--conversations", "4")),
    Bench("reports", ("bench/reports.py", "--reports", "10000", "--every", "8"), needs="shared-data"),
    Bench("reports intake", ("bench/reports_intake.py", "--reports", "50")),
    Bench("mail authentication", ("bench/mail_auth.py", "--messages", "20")),
    Bench("mail channel", ("bench/mail.py", "--mails", "30")),
    Bench("mailbox intake", ("bench/mailbox_intake.py", "--mails", "30"), needs="dovecot"),
    Bench("message check", ("bench/message_check.py", "--messages", "60", "--phishing", "30")),
    Bench("search", ("bench/search.py", "--messages", "5000", "--db", "both", "--queries", "20")),
    Bench("service levels", ("bench/sla.py", "--conversations", "500", "--runs", "5")),
    Bench("dashboard", ("bench/dashboard.py", "--messages", "5000", "--db", "both", "--rounds", "2")),
    Bench("retention", ("bench/retention.py", "--conversations", "500", "--baseline-seconds", "2")),
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


def children_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    summary: list[tuple[str, str, float, float]] = []
    began = time.perf_counter()
    for bench in chosen:
        print(f"\n== {bench.name}: {' '.join(bench.args)}", flush=True)
        reason = missing(bench.needs)
        if reason:
            print(f"skipped: {reason}", flush=True)
            summary.append((bench.name, f"skipped ({reason})", 0.0, 0.0))
            continue
        started, cpu = time.perf_counter(), children_cpu()
        try:
            done = subprocess.run(command(bench), cwd=REPO, timeout=args.timeout, check=False)  # noqa: S603
            status = "ok" if done.returncode == 0 else f"failed (exit {done.returncode})"
        except subprocess.TimeoutExpired:
            status = f"timed out after {args.timeout:.0f} s"
        summary.append((bench.name, status, time.perf_counter() - started, children_cpu() - cpu))

    print("\n| benchmark | result | wall s | CPU s |\n|---|---|---|---|")
    for name, status, seconds, cpu_seconds in summary:
        print(f"| {name} | {status} | {seconds:.0f} | {cpu_seconds:.1f} |")
    wall, cpu_total = time.perf_counter() - began, sum(row[3] for row in summary)
    print(f"| all | | {wall:.0f} | {cpu_total:.1f} |")
    print(f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if all(row[1].startswith(("ok", "skipped")) for row in summary) else 1


if __name__ == "__main__":
    raise SystemExit(main())
