"""What a test pays for a database at head: every migration run, or a copy of a migrated template.

    PYTHONPATH=. .venv/bin/python bench/test_databases.py [--rounds 5] [--no-postgres]

The tests copy a template migrated once per worker (tests/support/databases.py); this times that copy
against `upgrade()` on a fresh database, on SQLite and on PostgreSQL (TRUSTDESK_TEST_POSTGRES_URL, as the
tests use). The first copy of each backend also builds its template, so it is timed apart. PostgreSQL
figures include creating the database; dropping it afterwards costs the same either way and is left out.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.support import databases

from trustdesk.store.db import make_engine
from trustdesk.store.migrate import upgrade

ADMIN_URL = os.environ.get("TRUSTDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def timed(rounds: int, make: Callable[[int], None]) -> list[float]:
    out = []
    for i in range(rounds):
        start = time.perf_counter()
        make(i)
        out.append(time.perf_counter() - start)
    return out


def row(label: str, seconds: list[float]) -> None:
    print(f"| {label:<44} | {statistics.median(seconds):6.2f} | {min(seconds):6.2f} | {len(seconds):6d} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-test-databases-"))
    print("| per test                                     | median |    min | rounds |")
    print("|----------------------------------------------|-------:|-------:|-------:|")

    def sqlite_upgrade(i: int) -> None:
        engine = make_engine(f"sqlite:///{folder / f'upgrade-{i}.db'}")
        upgrade(engine)
        engine.dispose()

    def sqlite_copy(i: int) -> None:
        databases.migrated_engine(f"sqlite:///{folder / f'copy-{i}.db'}").dispose()

    row("SQLite: run every migration", timed(args.rounds, sqlite_upgrade))
    row("SQLite: first copy (builds the template)", timed(1, lambda i: sqlite_copy(-1)))
    row("SQLite: copy of the template", timed(args.rounds, sqlite_copy))
    if args.no_postgres:
        databases.drop_templates()
        return

    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def created(template: str | None = None) -> str:
        name = f"bench_testdb_{uuid.uuid4().hex[:10]}"
        names.append(name)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def postgres_upgrade(_: int) -> None:
        engine = make_engine(created())
        upgrade(engine)
        engine.dispose()

    def postgres_copy(_: int) -> None:
        created(databases.postgres_template(ADMIN_URL))

    try:
        row("PostgreSQL: create, run every migration", timed(args.rounds, postgres_upgrade))
        row("PostgreSQL: first copy (builds the template)", timed(1, postgres_copy))
        row("PostgreSQL: CREATE DATABASE ... TEMPLATE", timed(args.rounds, postgres_copy))
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        databases.drop_templates()


if __name__ == "__main__":
    main()
