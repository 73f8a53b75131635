"""The console's order list pages through every order (50 a page), keeping the filters."""

from __future__ import annotations

import re

from tests.foundation.factory import add_orders, order_row

from trustdesk.store.models import Tenant


def test_orders_page_through_all_rows_with_filters_kept(desk) -> None:  # type: ignore[no-untyped-def]
    with desk.sessions() as s:
        tenant = s.get(Tenant, desk.tenant_id)
        rows = [
            order_row(f"B-{n:04d}", "lee@example.test", placed_at=f"2026-09-{1 + n % 28:02d}T10:00:00+00:00")
            for n in range(120)
        ]
        add_orders(s, tenant, rows)
        s.commit()
    client = desk.agent.client
    seen: list[str] = []
    for page in (1, 2, 3):
        html = client.get("/console/orders", params={"q": "lee@", "page": page}).text
        assert f"Page {page} of 3" in html
        numbers = re.findall(r">(B-\d{4})</a>", html)
        seen += numbers
        if page < 3:
            assert 'rel="next"' in html and "q=lee%40" in html and f"page={page + 1}" in html
        else:
            assert 'rel="next"' not in html and 'rel="prev"' in html
    assert len(seen) == 120 and len(set(seen)) == 120  # every order once, none skipped or repeated
    beyond = client.get("/console/orders", params={"q": "lee@", "page": 99}).text
    assert "Page 3 of 3" in beyond  # a page past the end shows the last one
    assert client.get("/console/orders", params={"page": 0}).status_code == 422
