"""STIX 2.1 bundles (validated by the stix2 library and stix2-patterns) and CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import stix2
from stix2patterns.validator import run_validator

from trustdesk.reports import (
    CSV_COLUMNS,
    ExportReport,
    Indicator,
    IndicatorKind,
    csv_export,
    stix_bundle,
    stix_pattern,
)

K = IndicatorKind
ALL_KINDS = [
    Indicator(K.URL, "https://evil.example.net/it's/login"),
    Indicator(K.DOMAIN, "evil.example.net"),
    Indicator(K.EMAIL, "billing@evil.example.net"),
    Indicator(K.PHONE, "+18885550199"),
    Indicator(K.HANDLE, "fakehelp", "telegram"),
    Indicator(K.HANDLE, "anon"),
    Indicator(K.IBAN, "DE89370400440532013000"),
    Indicator(K.WALLET, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bitcoin"),
]


def reports() -> list[ExportReport]:
    return [
        ExportReport(
            "r1", datetime(2025, 3, 1, 9, 0, tzinfo=UTC), ALL_KINDS[:5], campaign_id="r1", channel="email"
        ),
        ExportReport("r2", datetime(2025, 3, 2, 9, 0), ALL_KINDS[3:], campaign_id="r1", channel="sms"),
        ExportReport(
            "r3", datetime(2025, 3, 3, 9, 0, tzinfo=UTC), [Indicator(K.DOMAIN, "other.example.org")]
        ),
    ]


def test_every_pattern_is_valid_stix() -> None:
    for indicator in ALL_KINDS:
        assert run_validator(stix_pattern(indicator)) == [], stix_pattern(indicator)


def test_bundle_round_trips_and_is_consistent() -> None:
    bundle = stix_bundle(reports(), tenant="acme", organisation="Acme Outfitters")
    text = bundle.serialize()
    parsed = stix2.parse(text, allow_custom=True)
    objects = json.loads(text)["objects"]
    by_type: dict[str, list[dict]] = {}
    for obj in objects:
        by_type.setdefault(obj["type"], []).append(obj)
        assert obj.get("spec_version", "2.1") == "2.1"
    assert len(parsed.objects) == len(objects)
    assert len(by_type["indicator"]) == len(ALL_KINDS) + 1
    assert len(by_type["observed-data"]) == 3
    assert len(by_type["campaign"]) == 1
    assert len(by_type["extension-definition"]) == 3
    ids = {obj["id"] for obj in objects}
    for rel in by_type["relationship"]:
        assert rel["source_ref"] in ids and rel["target_ref"] in ids
    for obs in by_type["observed-data"]:
        assert set(obs["object_refs"]) <= ids
    campaign = by_type["campaign"][0]
    assert campaign["first_seen"].startswith("2025-03-01") and campaign["last_seen"].startswith("2025-03-02")
    indicates = [r for r in by_type["relationship"] if r["relationship_type"] == "indicates"]
    assert len(indicates) == len(ALL_KINDS)  # r3's domain is in no campaign


def test_ids_are_deterministic() -> None:
    first = json.loads(stix_bundle(reports(), tenant="acme").serialize())["objects"]
    second = json.loads(stix_bundle(reports(), tenant="acme").serialize())["objects"]
    assert [o["id"] for o in first] == [o["id"] for o in second]
    other = json.loads(stix_bundle(reports(), tenant="globex").serialize())["objects"]
    assert {o["id"] for o in first if o["type"] == "indicator"}.isdisjoint(
        {o["id"] for o in other if o["type"] == "indicator"}
    )


def test_csv_rows_and_formula_injection() -> None:
    hostile = ExportReport("r9", datetime(2025, 1, 1, tzinfo=UTC), [Indicator(K.URL, '=HYPERLINK("x")')])
    text = csv_export([*reports(), hostile])
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 5 + 5 + 1 + 1
    assert rows[1][:4] == ["r1", "r1", "2025-03-01T09:00:00Z", "email"]
    assert rows[-1][-1].startswith("'=")
    assert any(row[-1] == "+18885550199" for row in rows)  # phone numbers are not mangled
