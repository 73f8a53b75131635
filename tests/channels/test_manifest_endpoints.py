"""Signed manifests under /.well-known verify against the published JWKS, also across key rotation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.channels.conftest import seed_registry

from trustdesk.channels.changes import ChannelInput
from trustdesk.channels.signing import rotate
from trustdesk.secretbox import SecretBox
from trustdesk.verify import SignatureInvalidError
from trustdesk.verify.manifest import verify_manifest


def _seed(sessions) -> None:  # type: ignore[no-untyped-def]
    seed_registry(
        sessions,
        [
            ChannelInput("phone", "+1 800 555 0199", purpose="support"),
            ChannelInput("domain", "acmeoutfitters.com"),
        ],
    )


def test_manifest_round_trip_and_tampering(app, sessions, shop) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    c = TestClient(app)
    doc = c.get("/.well-known/trustdesk/channels/acme.json").json()
    jwks = c.get("/.well-known/trustdesk/jwks.json").json()
    verified = verify_manifest(doc, jwks, expected_tenant="acme")
    assert sorted(ch["value"] for ch in verified.payload["channels"]) == [
        "+18005550199",
        "acmeoutfitters.com",
    ]
    by_query = verify_manifest(
        c.get("/.well-known/trustdesk/channels.json", params={"tenant": "acme"}).json(), jwks
    )
    assert by_query.payload["sub"] == "acme"
    by_host = c.get("/.well-known/trustdesk/channels.json", headers={"host": "acmeoutfitters.com"}).json()
    assert verify_manifest(by_host, jwks).payload["sub"] == "acme"
    import base64
    import json

    payload = json.loads(base64.urlsafe_b64decode(doc["payload"] + "=="))
    payload["channels"][0]["value"] = "+18005550666"
    forged = dict(doc, payload=base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("="))
    with pytest.raises(SignatureInvalidError):
        verify_manifest(forged, jwks)


def test_index_lists_every_retailer(app, sessions, shop) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    index = verify_manifest(
        c.get("/.well-known/trustdesk/channels.json").json(), c.get("/.well-known/trustdesk/jwks.json").json()
    )
    assert [t["slug"] for t in index.payload["tenants"]] == ["acme"]
    assert c.get("/.well-known/trustdesk/channels/nope.json").status_code == 404


def test_rotation_keeps_old_manifests_verifiable(app, sessions, shop, settings_factory, database_url) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    c = TestClient(app)
    old_doc = c.get("/.well-known/trustdesk/channels/acme.json").json()
    box = SecretBox(app.state.trustdesk.settings.encryption_key)
    with sessions() as s:
        rotate(s, box, actor="test")
        s.commit()
    new_doc = c.get("/.well-known/trustdesk/channels/acme.json").json()
    jwks = c.get("/.well-known/trustdesk/jwks.json").json()
    assert len(jwks["keys"]) == 2
    assert verify_manifest(old_doc, jwks).kid != verify_manifest(new_doc, jwks).kid


def test_cli_verify_manifest_on_served_document(app, sessions, shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    _seed(sessions)
    c = TestClient(app)
    (tmp_path / "m.json").write_text(c.get("/.well-known/trustdesk/channels/acme.json").text)
    (tmp_path / "jwks.json").write_text(c.get("/.well-known/trustdesk/jwks.json").text)
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustdesk.cli",
            "channels",
            "verify-manifest",
            str(tmp_path / "m.json"),
            "--jwks",
            str(tmp_path / "jwks.json"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    import json as _json

    assert _json.loads(ok.stdout)["valid"] is True
    document = _json.loads((tmp_path / "m.json").read_text())
    signature = document["signature"]
    document["signature"] = ("B" if signature[0] == "A" else "A") + signature[1:]
    (tmp_path / "m.json").write_text(_json.dumps(document))
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustdesk.cli",
            "channels",
            "verify-manifest",
            str(tmp_path / "m.json"),
            "--jwks",
            str(tmp_path / "jwks.json"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and _json.loads(bad.stdout)["valid"] is False
