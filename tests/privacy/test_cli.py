"""`trustdesk privacy export|erase`: the archive on disk, the JSON summary per kind, clear errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from tests.privacy.conftest import EMAIL, Seeded
from typer.testing import CliRunner

from trustdesk.cli.main import app
from trustdesk.config import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", seeded.world.database_url)
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(seeded.world.settings.data_dir))
    monkeypatch.delenv("TRUSTDESK_REDIS_URL", raising=False)
    get_settings.cache_clear()
    yield seeded
    get_settings.cache_clear()


def invoke(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["privacy", *args])
    line = next((x for x in result.stdout.splitlines() if x.startswith("{")), "{}")
    return result.exit_code, json.loads(line)


def test_export_writes_the_archive(cli_env: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "pat.zip"
    result = runner.invoke(
        app, ["privacy", "export", "--tenant", "acme", "--email", EMAIL, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out.stat().st_mode & 0o777) == 0o600
    names = zipfile.ZipFile(out).namelist()
    assert "manifest.json" in names and "customers.json" in names
    assert any(n.startswith("attachments/") and n.endswith("receipt.png") for n in names)


def test_erase_dry_run_then_erase_with_json(cli_env: Seeded) -> None:
    code, plan = invoke("erase", "--tenant", "acme", "--email", EMAIL, "--dry-run", "--json")
    assert code == 0 and plan["dry_run"] is True and plan["tombstone"] is None
    assert plan["counts"]["conversations"] == 3 and plan["counts"]["customers"] == 1
    code, done = invoke("erase", "--tenant", "acme", "--email", EMAIL, "--json")
    assert code == 0 and done["dry_run"] is False and done["tombstone"] >= 1
    assert done["counts"] == plan["counts"]
    code, again = invoke("erase", "--tenant", "acme", "--email", EMAIL, "--json")
    assert code != 0 and again["error"]["code"] == "not_found"
    verify = runner.invoke(app, ["audit", "verify", "--json"])
    assert verify.exit_code == 0, verify.output
    assert json.loads(verify.stdout)["intact"] is True


def test_clear_errors(cli_env: Seeded, tmp_path: Path) -> None:
    code, body = invoke("erase", "--tenant", "nobody", "--email", EMAIL, "--json")
    assert code != 0 and body["error"]["code"] == "unknown_tenant"
    code, body = invoke("erase", "--tenant", "acme", "--email", "stranger@example.org", "--json")
    assert code != 0 and body["error"]["code"] == "not_found"
    code, body = invoke("erase", "--tenant", "acme", "--email", "not-an-address", "--json")
    assert code != 0 and body["error"]["code"] == "bad_request"
    out = tmp_path / "x.zip"
    result = runner.invoke(
        app, ["privacy", "export", "--tenant", "acme", "--email", "stranger@example.org", "--out", str(out)]
    )
    assert result.exit_code != 0 and "nobody with that e-mail address" in result.output
    assert not out.exists()


def test_retention_rules_and_a_dry_run_from_the_cli(cli_env: Seeded) -> None:
    code, body = invoke("retention", "set", "--tenant", "acme", "--kind", "reports", "--days", "30", "--json")
    assert code == 0 and body["rules"] == {"reports": 30}
    code, body = invoke("retention", "run", "--tenant", "acme", "--kind", "reports", "--dry-run", "--json")
    assert code == 0 and body["expired"] == 0 and body["job"] is None  # the report was filed today
    code, body = invoke("retention", "run", "--tenant", "acme", "--kind", "mail", "--json")
    assert code != 0 and body["error"]["code"] == "bad_request"  # no rule for mail
    code, body = invoke("retention", "set", "--tenant", "acme", "--kind", "reports", "--forever", "--json")
    assert code == 0 and body["rules"] == {}


def test_the_daily_timer_starts_every_rule_once(cli_env: Seeded) -> None:
    code, body = invoke("retention", "run", "--all", "--json")
    assert code == 0 and body["runs"] == []  # no rules yet
    invoke("retention", "set", "--tenant", "acme", "--kind", "reports", "--days", "30", "--json")
    invoke("retention", "set", "--tenant", "globex", "--kind", "mail", "--days", "90", "--json")
    code, body = invoke("retention", "run", "--all", "--json")
    assert code == 0
    assert [(r["tenant"], r["kind"], r["keep_days"]) for r in body["runs"]] == [
        ("acme", "reports", 30),
        ("globex", "mail", 90),
    ]
    assert all(r["job_id"] for r in body["runs"])
    # No worker has run them yet: the next day's timer does not queue them twice.
    code, again = invoke("retention", "run", "--all", "--json")
    assert code == 0 and [r["job_id"] for r in again["runs"]] == [None, None]
    code, body = invoke("retention", "run", "--all", "--tenant", "acme", "--json")
    assert code == 2 and body["error"]["code"] == "bad_request"
