"""Settings: validation with clear messages, generated keys kept private."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest

from trustdesk.config import ConfigurationError, load_settings


def test_keys_are_generated_once_with_private_permissions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = load_settings(data_dir=tmp_path)
    second = load_settings(data_dir=tmp_path)
    assert first.secret_key == second.secret_key
    assert first.encryption_key == second.encryption_key
    for name in ("secret_key", "encryption_key"):
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o600


def test_default_database_is_sqlite_under_data_dir(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'trustdesk.db').resolve()}"


def test_plain_postgres_url_uses_psycopg(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(data_dir=tmp_path, database_url="postgresql://u@h/db")
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"port": 70000}, "TRUSTDESK_PORT"),
        ({"database_url": "mysql://x"}, "TRUSTDESK_DATABASE_URL"),
        ({"log_level": "LOUD"}, "TRUSTDESK_LOG_LEVEL"),
        ({"chat_send_per_ip": "lots"}, "TRUSTDESK_CHAT_SEND_PER_IP"),
        ({"job_workers": -1}, "TRUSTDESK_JOB_WORKERS"),
        ({"encryption_key": "not-a-key"}, "TRUSTDESK_ENCRYPTION_KEY"),
    ],
)
def test_invalid_settings_name_the_variable(tmp_path, overrides, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match=message):
        load_settings(data_dir=tmp_path, **overrides)


def test_cli_reports_bad_environment_without_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"TRUSTDESK_DATA_DIR": str(tmp_path), "TRUSTDESK_PORT": "not-a-number", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "db", "current"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TRUSTDESK_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("serve", "db", "orders", "audit", "demo", "tenants", "users"):
        assert command in result.stdout


def test_metrics_access_comes_from_the_environment(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRUSTDESK_METRICS_TOKEN", "scrape-me-9f2c")
    monkeypatch.setenv("TRUSTDESK_METRICS_FROM_LOOPBACK", "false")
    s = load_settings(data_dir=tmp_path)
    assert s.metrics_token is not None and s.metrics_token.get_secret_value() == "scrape-me-9f2c"
    assert s.metrics_from_loopback is False
    assert "scrape-me-9f2c" not in repr(s) and "scrape-me-9f2c" not in str(s.model_dump())
    monkeypatch.delenv("TRUSTDESK_METRICS_TOKEN")
    monkeypatch.delenv("TRUSTDESK_METRICS_FROM_LOOPBACK")
    defaults = load_settings(data_dir=tmp_path)
    assert defaults.metrics_token is None and defaults.metrics_from_loopback is True
