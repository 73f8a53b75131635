"""`trustdesk verify ... --json` keeps its contract against the demo registry."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("demo")
    env = {"TRUSTDESK_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    for args in (("db", "upgrade"), ("demo",)):
        done = subprocess.run(
            [sys.executable, "-m", "trustdesk.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    return env


def _verify(env, *args: str):  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "verify", *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_contract_fields(demo_env) -> None:  # type: ignore[no-untyped-def]
    out = _verify(demo_env, "support@acmeoutfitters.com", "--tenant", "acme")
    result = out["results"][0]
    assert {"contact", "kind", "verdict", "reasons", "imitates"} <= set(result)
    assert result == result | {
        "contact": "support@acmeoutfitters.com",
        "kind": "email",
        "verdict": "official",
    }


def test_lookalike_names_what_it_imitates(demo_env) -> None:  # type: ignore[no-untyped-def]
    result = _verify(demo_env, "acmeoutfltters.com")["results"][0]
    assert result["verdict"] == "lookalike"
    assert result["imitates"]["tenant"] == "acme" and result["imitates"]["value"] == "acmeoutfitters.com"
    assert any(r["code"] in ("homoglyph", "replacement") for r in result["reasons"])


def test_free_text_and_stdin(demo_env) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Acme Security: call 1-800-555-0190 now or your account is closed. support@acme-outfitters-help.com"
    )
    done = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "verify", "-", "--json"],
        input=text,
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    results = json.loads(done.stdout)["results"]
    assert [r["verdict"] for r in results] == ["lookalike", "lookalike"]


def test_unknown_tenant_is_an_error(demo_env) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "verify", "x.com", "--tenant", "nope"],
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "no tenant" in done.stderr


def test_the_demo_registry_holds_northwinds_own_official_channels(demo_env) -> None:  # type: ignore[no-untyped-def]
    for contact, kind in (
        ("northwindhome.co.uk", "domain"),
        ("care@northwindhome.co.uk", "email"),
        ("+44 20 7946 0958", "phone"),
    ):
        result = _verify(demo_env, contact, "--tenant", "northwind")["results"][0]
        assert result["verdict"] == "official", (contact, result)
        assert result["kind"] == kind
    lookalike = _verify(demo_env, "northwlndhome.co.uk")["results"][0]
    assert lookalike["verdict"] == "lookalike"
    assert lookalike["imitates"]["tenant"] == "northwind"
