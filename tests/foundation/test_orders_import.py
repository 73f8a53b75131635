"""Order import: CSV and JSON lines, per-row errors, good rows kept, upserts idempotent."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from sqlalchemy import func, select
from tests.foundation.factory import make_tenant, order_row

from trustdesk.commerce.importer import import_orders
from trustdesk.store.models import Customer, Order, OrderItem


def _jsonl(rows) -> io.StringIO:  # type: ignore[no-untyped-def]
    return io.StringIO("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows))


def test_bad_rows_are_reported_and_good_rows_kept(db_session) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant(db_session, "acme")
    rows = [
        order_row("AO-1", "a@example.net"),
        "{not json",
        order_row("AO-2", "not-an-email"),
        order_row("AO-3", "b@example.net", status="teleported"),
        order_row("AO-4", "b@example.net", total="12.345"),
        order_row("AO-5", "c@example.net", status="shipped", shipped_at=None, delivered_at=None),
        order_row("AO-6", "c@example.net"),
        ["a", "list"],
    ]
    report = import_orders(db_session, tenant, _jsonl(rows), "jsonl", actor="test")
    db_session.commit()
    assert report.created == 2
    errors = dict(report.errors)
    assert set(errors) == {2, 3, 4, 5, 6, 8}
    assert "not valid JSON" in errors[2]
    assert "customer_email" in errors[3]
    assert "status" in errors[4]
    assert "two decimal places" in errors[5]
    assert "shipped_at" in errors[6]
    numbers = set(db_session.scalars(select(Order.number)))
    assert numbers == {"AO-1", "AO-6"}


def test_reimport_updates_instead_of_duplicating(db_session) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant(db_session, "acme")
    import_orders(db_session, tenant, _jsonl([order_row("AO-1", "a@example.net")]), "jsonl", actor="test")
    again = import_orders(
        db_session,
        tenant,
        _jsonl([order_row("AO-1", "a@example.net", status="returned", refund_status="pending")]),
        "jsonl",
        actor="test",
    )
    db_session.commit()
    assert (again.created, again.updated) == (0, 1)
    assert db_session.scalar(select(func.count(Order.id))) == 1
    assert db_session.scalar(select(func.count(OrderItem.id))) == 1
    assert db_session.scalar(select(Order.status)) == "returned"
    assert db_session.scalar(select(func.count(Customer.id))) == 1


def test_csv_with_items_as_json(db_session) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant(db_session, "acme")
    buffer = io.StringIO()
    fields = [
        "order_number",
        "customer_email",
        "status",
        "placed_at",
        "total",
        "items",
        "carrier",
        "tracking_number",
    ]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerow(
        {
            "order_number": "AO-9",
            "customer_email": "x@example.net",
            "status": "paid",
            "placed_at": "2026-11-01T09:00:00Z",
            "total": "10.00",
            "items": json.dumps([{"sku": "S", "name": "Thing", "quantity": 1, "unit_price": "10.00"}]),
            "carrier": "",
            "tracking_number": "",
        }
    )
    writer.writerow(
        {
            "order_number": "AO-10",
            "customer_email": "x@example.net",
            "status": "paid",
            "placed_at": "yesterday",
            "total": "1",
            "items": "[]",
            "carrier": "",
            "tracking_number": "",
        }
    )
    buffer.seek(0)
    report = import_orders(db_session, tenant, buffer, "csv", actor="test")
    db_session.commit()
    assert report.created == 1
    assert [line for line, _ in report.errors] == [3]
    order = db_session.scalar(select(Order).where(Order.number == "AO-9"))
    assert order.total_cents == 1000 and order.carrier is None and order.items[0].unit_price_cents == 1000


def test_orders_of_two_tenants_may_share_numbers(db_session) -> None:  # type: ignore[no-untyped-def]
    a = make_tenant(db_session, "alpha")
    b = make_tenant(db_session, "beta")
    import_orders(db_session, a, _jsonl([order_row("1001", "p@example.net")]), "jsonl", actor="test")
    import_orders(db_session, b, _jsonl([order_row("1001", "p@example.net")]), "jsonl", actor="test")
    db_session.commit()
    assert db_session.scalar(select(func.count(Order.id))) == 2
    assert db_session.scalar(select(func.count(Customer.id))) == 2


def test_cli_import_reports_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"TRUSTDESK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "trustdesk.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    run("db", "upgrade")
    run("tenants", "create", "acme", "--name", "Acme", "--domain", "acme.com")
    data = tmp_path / "orders.jsonl"
    data.write_text(json.dumps(order_row("AO-1", "a@example.net")) + "\n{broken\n")
    result = run("orders", "import", str(data), "--tenant", "acme", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out == {"created": 1, "updated": 0, "errors": [{"line": 2, "error": out["errors"][0]["error"]}]}
    missing = run("orders", "import", str(data), "--tenant", "nope")
    assert missing.returncode == 1 and "no tenant" in missing.stderr
    binary = tmp_path / "bad.csv"
    binary.write_bytes(b"order_number\n\xff\xfe\x00")
    bad = run("orders", "import", str(binary), "--tenant", "acme")
    assert bad.returncode == 1 and "not UTF-8" in bad.stderr and "Traceback" not in bad.stderr
