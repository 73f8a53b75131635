"""Signed manifests: round trip, tampering, rotation, expiry, algorithm confusion, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustdesk.cli.channels import app
from trustdesk.verify.demo import demo_channels
from trustdesk.verify.errors import (
    ManifestExpiredError,
    ManifestFormatError,
    ManifestNotYetValidError,
    SignatureInvalidError,
    UnknownKeyError,
)
from trustdesk.verify.jws import b64url_decode, b64url_encode, canonical_json, to_compact
from trustdesk.verify.manifest import KeyRing, build_index, build_manifest, sign_manifest, verify_manifest

T0 = 1_800_000_000
DAY = 86_400


@pytest.fixture()
def ring() -> KeyRing:
    keys = KeyRing(max_manifest_ttl=7 * DAY)
    keys.rotate(T0)
    return keys


def _signed(ring: KeyRing, at: int = T0) -> dict[str, str]:
    manifest = build_manifest(
        "acme", "Acme Outfitters", demo_channels(), issuer="https://desk.example", issued_at=at
    )
    return sign_manifest(manifest, ring.active)


def test_round_trip(ring: KeyRing) -> None:
    verified = verify_manifest(json.dumps(_signed(ring)), ring.jwks(T0), now=T0 + 60)
    assert verified.tenant == "acme" and verified.kid == ring.active.kid
    assert {c["value"] for c in verified.channels} >= {"acmeoutfitters.com", "+18005550199"}
    assert verified.expires_at == T0 + 7 * DAY


def test_compact_form_verifies_too(ring: KeyRing) -> None:
    assert verify_manifest(to_compact(_signed(ring)), ring.jwks(T0), now=T0).tenant == "acme"


def _tamper_payload(document: dict[str, str], change) -> dict[str, str]:
    payload = json.loads(b64url_decode(document["payload"]))
    change(payload)
    return {**document, "payload": b64url_encode(canonical_json(payload))}


def test_tampering_is_detected(ring: KeyRing) -> None:
    document = _signed(ring)

    def add_criminal_number(payload) -> None:
        payload["channels"].append({"id": "ch_x", "kind": "phone", "value": "+18005550198"})

    def extend_expiry(payload) -> None:
        payload["exp"] += 365 * DAY

    for change in (add_criminal_number, extend_expiry):
        with pytest.raises(SignatureInvalidError):
            verify_manifest(_tamper_payload(document, change), ring.jwks(T0), now=T0)
    flipped = (
        document["signature"][:-2]
        + ("A" if document["signature"][-2] != "A" else "B")
        + document["signature"][-1]
    )
    with pytest.raises(SignatureInvalidError):
        verify_manifest({**document, "signature": flipped}, ring.jwks(T0), now=T0)


def test_signature_from_another_key_with_a_forged_kid(ring: KeyRing) -> None:
    attacker = KeyRing()
    attacker.rotate(T0)
    forged = _signed(attacker)
    with pytest.raises(UnknownKeyError):
        verify_manifest(forged, ring.jwks(T0), now=T0)
    # Re-label the attacker's signature with the real kid: the signature must then fail.
    header = json.loads(b64url_decode(forged["protected"]))
    header["kid"] = ring.active.kid
    relabelled = {**forged, "protected": b64url_encode(canonical_json(header))}
    with pytest.raises(SignatureInvalidError):
        verify_manifest(relabelled, ring.jwks(T0), now=T0)


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", "ES256"])
def test_only_eddsa_is_accepted(ring: KeyRing, alg: str) -> None:
    document = _signed(ring)
    header = json.loads(b64url_decode(document["protected"]))
    header["alg"] = alg
    with pytest.raises(ManifestFormatError):
        verify_manifest(
            {**document, "protected": b64url_encode(canonical_json(header))}, ring.jwks(T0), now=T0
        )


def test_expiry_and_future_issue(ring: KeyRing) -> None:
    document = _signed(ring)
    with pytest.raises(ManifestExpiredError):
        verify_manifest(document, ring.jwks(T0), now=T0 + 8 * DAY)
    with pytest.raises(ManifestNotYetValidError):
        verify_manifest(document, ring.jwks(T0), now=T0 - DAY)


def test_rotation_keeps_old_signatures_verifiable_until_they_expire(ring: KeyRing) -> None:
    old_document = _signed(ring, at=T0)
    old_kid = ring.active.kid
    new_key = ring.rotate(T0 + DAY)
    assert ring.active is new_key and new_key.kid != old_kid
    new_document = _signed(ring, at=T0 + DAY)
    jwks_soon = ring.jwks(T0 + 2 * DAY)
    assert {k["kid"] for k in jwks_soon["keys"]} == {old_kid, new_key.kid}
    assert verify_manifest(old_document, jwks_soon, now=T0 + 2 * DAY).kid == old_kid
    assert verify_manifest(new_document, jwks_soon, now=T0 + 2 * DAY).kid == new_key.kid
    # Once every manifest the old key could have signed has expired, it leaves the JWKS.
    later = ring.jwks(T0 + DAY + 8 * DAY)
    assert {k["kid"] for k in later["keys"]} == {new_key.kid}
    with pytest.raises(UnknownKeyError):
        verify_manifest(old_document, later, now=T0 + 2 * DAY)
    with pytest.raises(ValueError):
        sign_manifest(build_manifest("acme", "Acme", [], issuer="x", issued_at=T0), ring.keys[0])


def test_jwks_has_no_private_material_and_keys_do_not_print(ring: KeyRing) -> None:
    jwks = ring.jwks(T0)
    assert set(jwks["keys"][0]) == {"kty", "crv", "x", "kid", "use", "alg"}
    assert b64url_encode(ring.active.private_bytes()) not in repr(ring.active) + json.dumps(jwks)


def test_duplicate_json_members_are_refused(ring: KeyRing) -> None:
    document = _signed(ring)
    text = json.dumps(document)[:-1] + ', "payload": "e30"}'
    with pytest.raises(ManifestFormatError):
        verify_manifest(text, ring.jwks(T0), now=T0)


def test_index_of_tenants(ring: KeyRing) -> None:
    index = build_index(
        [("acme", "Acme Outfitters", "https://desk.example/t/acme/.well-known/trustdesk/channels.json")],
        issuer="https://desk.example",
        issued_at=T0,
    )
    verified = verify_manifest(sign_manifest(index, ring.active), ring.jwks(T0), now=T0)
    assert verified.payload["tenants"][0]["slug"] == "acme"


def _write(tmp_path: Path, ring: KeyRing, document) -> tuple[str, str]:
    manifest_file, jwks_file = tmp_path / "channels.json", tmp_path / "jwks.json"
    manifest_file.write_text(json.dumps(document))
    jwks_file.write_text(json.dumps(ring.jwks(T0)))
    return str(manifest_file), str(jwks_file)


def test_cli_verifies_and_exits_non_zero_on_tampering(tmp_path: Path, ring: KeyRing) -> None:
    runner = CliRunner()
    manifest_file, jwks_file = _write(tmp_path, ring, _signed(ring))
    ok = runner.invoke(
        app, ["verify-manifest", manifest_file, "--jwks", jwks_file, "--json", "--now", str(T0 + 10)]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["valid"] is True
    human = runner.invoke(app, ["verify-manifest", manifest_file, "--jwks", jwks_file, "--now", str(T0 + 10)])
    assert human.exit_code == 0 and "VALID manifest for Acme Outfitters" in human.output

    tampered = _tamper_payload(_signed(ring), lambda p: p["channels"].pop())
    manifest_file, jwks_file = _write(tmp_path, ring, tampered)
    bad = runner.invoke(
        app, ["verify-manifest", manifest_file, "--jwks", jwks_file, "--json", "--now", str(T0 + 10)]
    )
    assert bad.exit_code == 1
    assert json.loads(bad.output) == {
        "valid": False,
        "error": "bad-signature",
        "detail": json.loads(bad.output)["detail"],
    }

    expired = runner.invoke(
        app, ["verify-manifest", manifest_file, "--jwks", jwks_file, "--now", str(T0 + 30 * DAY)]
    )
    assert expired.exit_code in (1, 3)
    missing = runner.invoke(app, ["verify-manifest", str(tmp_path / "nope.json"), "--jwks", jwks_file])
    assert missing.exit_code == 6
    no_jwks = runner.invoke(app, ["verify-manifest", manifest_file])
    assert no_jwks.exit_code == 2


def test_cli_expired_exit_code(tmp_path: Path, ring: KeyRing) -> None:
    manifest_file, jwks_file = _write(tmp_path, ring, _signed(ring))
    result = CliRunner().invoke(
        app, ["verify-manifest", manifest_file, "--jwks", jwks_file, "--now", str(T0 + 30 * DAY)]
    )
    assert result.exit_code == 3


def test_cli_fetches_manifest_and_default_jwks_over_http_on_loopback(tmp_path: Path, ring: KeyRing) -> None:
    import functools
    import http.server
    import threading

    well_known = tmp_path / ".well-known" / "trustdesk"
    well_known.mkdir(parents=True)
    (well_known / "channels.json").write_text(json.dumps(_signed(ring)))
    (well_known / "jwks.json").write_text(json.dumps(ring.jwks(T0)))

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the CLI's captured output clean
            pass

    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/trustdesk/channels.json"
        result = CliRunner().invoke(app, ["verify-manifest", url, "--json", "--now", str(T0 + 5)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["tenant"]["slug"] == "acme"
        missing = CliRunner().invoke(app, ["verify-manifest", url.replace("channels", "nothing"), "--json"])
        assert missing.exit_code == 6
    finally:
        server.shutdown()
        server.server_close()


def test_cli_refuses_plain_http_to_other_hosts(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["verify-manifest", "http://desk.example/.well-known/trustdesk/channels.json", "--json"]
    )
    assert result.exit_code == 6
    assert "refusing plain http" in json.loads(result.output)["detail"]
