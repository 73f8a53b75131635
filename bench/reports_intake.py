"""Stored intake speed: analyse + guard-redact + store + group + alert check, one report per call.

    .venv/bin/python bench/reports_intake.py [--reports 1000] [--database-url URL]

Reports are synthetic scam texts whose links and phone numbers are drawn from a small pool, so they
collapse into campaigns (and a tenth of them are exact duplicates). Prints reports/s and campaign counts.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from pinning import pin_to_one_core
from trustdesk.channels.index import load_registry
from trustdesk.reports.service import ReportInput, submit_report
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import Campaign, Report
from trustdesk.tenancy.service import create_tenant


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    pin_to_one_core()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as s:
        tenant = create_tenant(s, slug="benchshop", name="Bench Shop", primary_domain="benchshop.com")
        s.commit()
        registry = load_registry(s)
    rng = random.Random(1)
    groups = max(1, args.reports // 50)  # each synthetic campaign owns two domains and two numbers
    texts = []
    for i in range(args.reports):
        if i and rng.random() < 0.1:
            texts.append(texts[rng.randrange(len(texts))])
            continue
        group = rng.randrange(groups)
        domain = f"benchshop-verify-{group}-{rng.randrange(2)}.test"
        phone = f"+1415555{(2 * group + rng.randrange(2)) % 10000:04d}"
        texts.append(
            f"Bench Shop: your account {i} is locked. Verify at https://{domain}/login?id={i} "
            f"or call {phone} within 24 hours."
        )
    started = time.perf_counter()
    for text in texts:
        with sessions() as s:
            t = s.merge(tenant)
            submit_report(s, t, ReportInput(text=text, channel="sms"), registry=registry)
            s.commit()
    elapsed = time.perf_counter() - started
    with sessions() as s:
        stored = s.scalar(select(func.count(Report.id)))
        live = s.scalar(select(func.count(Campaign.id)).where(Campaign.status != "merged"))
    backend = url.split(":", 1)[0]
    print(f"{backend}: {len(texts)} reports in {elapsed:.1f} s = {len(texts) / elapsed:.0f} reports/s "
          f"({stored} stored after duplicate collapse, {live} campaigns)")  # fmt: skip


if __name__ == "__main__":
    main()
