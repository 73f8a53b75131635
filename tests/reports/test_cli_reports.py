"""`trustdesk reports analyze FILE|- [--tenant SLUG] --json` keeps its contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustdesk.cli.reports import app

from .mailbuild import mail, raw

runner = CliRunner()
SCAM = "Your account will be suspended. Verify your account at https://acme-help.example.top/login now."


def test_analyze_file_json(tmp_path: Path) -> None:
    path = tmp_path / "mail.eml"
    path.write_bytes(raw(mail(SCAM, sender='"Acme" <help@acme-help.example.top>')))
    result = runner.invoke(app, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"score", "verdict", "reasons", "indicators"}
    assert data["verdict"] in ("phishing", "suspicious") and 0 <= data["score"] <= 1
    assert {"kind": "url", "value": "https://acme-help.example.top/login"} in data["indicators"]


def test_analyze_stdin_text() -> None:
    result = runner.invoke(app, ["analyze", "-", "--json"], input="Lunch at noon?")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    # No red flag: a small prior, not zero (the score is a calibrated probability).
    assert data.pop("score") < 0.1
    assert data == {"verdict": "benign", "reasons": [], "indicators": []}


def test_human_output_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(SCAM)
    human = runner.invoke(app, ["analyze", str(path)])
    assert human.exit_code == 0 and "indicators:" in human.stdout
    missing = runner.invoke(app, ["analyze", str(tmp_path / "nope.eml"), "--json"])
    assert missing.exit_code == 2 and "no such file" in missing.output
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert runner.invoke(app, ["analyze", str(empty), "--json"]).exit_code == 2


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


def test_tenant_registry_is_used(demo_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lookalike.txt"
    path.write_text("Your Acme order is on hold: pay the fee at https://acmeoutfltters.com/pay")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustdesk.cli",
            "reports",
            "analyze",
            str(path),
            "--tenant",
            "acme",
            "--json",
        ],
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    lookalike = [r for r in data["reasons"] if r["code"] == "indicator_lookalike"]
    assert lookalike and "acmeoutfitters.com" in lookalike[0]["text"]
    unknown = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustdesk.cli",
            "reports",
            "analyze",
            str(path),
            "--tenant",
            "nobody",
            "--json",
        ],
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unknown.returncode == 2 and "no tenant" in unknown.stderr


def test_batch_reads_nested_folders_and_refuses_a_missing_path(tmp_path: Path) -> None:
    (tmp_path / "inbox" / "2026").mkdir(parents=True)
    (tmp_path / "inbox" / "2026" / "scam.eml").write_bytes(
        raw(mail(SCAM, sender='"Acme" <help@acme-help.example.top>'))
    )
    (tmp_path / "inbox" / "note.txt").write_text("Lunch at noon?", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "inbox")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["scam.eml", "note.txt"]
    assert lines[0]["verdict"] != "benign" and lines[1]["verdict"] == "benign"
    missing = runner.invoke(app, ["analyze", str(tmp_path / "inbox"), str(tmp_path / "nowhere.eml")])
    assert missing.exit_code != 0 and "nowhere.eml" in missing.output
