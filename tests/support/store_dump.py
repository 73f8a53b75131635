"""Every row of every table as text: what the "no secret anywhere" tests search."""

from __future__ import annotations

from sqlalchemy import text

from trustdesk.store.db import make_engine
from trustdesk.store.models import Base


def all_rows(url: str) -> str:
    engine = make_engine(url)
    chunks = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                chunks.append(repr(tuple(row)))
    engine.dispose()
    return "\n".join(chunks)
