"""Typed settings from the environment (prefix TRUSTDESK_) and an optional file.

Secret keys that are not configured are generated once into the data directory
(mode 0600) so a fresh machine works with one command and nothing secret is ever
committed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigurationError(Exception):
    """Raised when the configuration cannot be used; the message says what to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRUSTDESK_",
        env_file=os.environ.get("TRUSTDESK_CONFIG_FILE"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    data_dir: Path = Field(
        default=Path("var"), description="Where the SQLite file, keys and attachments live."
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/trustdesk.db"
    )
    redis_url: str | None = Field(
        default=None, description="Redis for fan-out and shared rate limits; unset = in-process."
    )
    secret_key: str | None = Field(
        default=None, description="Signs session cookies; generated into data_dir when unset."
    )
    encryption_key: str | None = Field(
        default=None, description="Fernet key for secrets at rest; generated when unset."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_base_url: str = "http://127.0.0.1:8000"
    behind_tls: bool = Field(default=False, description="Send HSTS and mark cookies Secure.")
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_max_failures: int = Field(default=5, ge=1, le=100)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    login_rate_per_minute: int = Field(default=20, ge=1, le=10_000)
    admin_cool_off_hours: int = Field(
        default=72,
        ge=0,
        le=24 * 365,
        description="Hours an admin account must have held its role before it may approve or reject "
        "another admin's channel change or admin grant (four-eyes).",
    )
    intake_authserv_id: str | None = Field(
        default=None,
        description="The authserv-id of the desk's own mail intake in Authentication-Results headers; "
        "default: the host of public_base_url. Always trusted.",
    )
    trusted_authserv_ids: str = Field(
        default="",
        description="Comma-separated authserv-ids of further receiving servers whose topmost "
        "Authentication-Results header the phishing judge believes (a retailer's own mail intake).",
    )
    smtp_listen_host: str = "127.0.0.1"
    smtp_listen_port: int = Field(
        default=2525, ge=0, le=65535, description="Inbound SMTP listener of `serve`; 0 disables it."
    )
    smtp_max_message_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        le=100 * 1024 * 1024,
        description="Largest inbound mail (552 above).",
    )
    smtp_mails_per_ip: str = Field(
        default="120/60",
        pattern=r"^\d{1,9}/\d{1,6}$",
        description="Inbound mails per client IP: count/seconds (above: 451, the sender retries later).",
    )
    smtp_relay_max_attempts: int = Field(
        default=8, ge=1, le=50, description="Attempts to send one reply before it is dead-lettered."
    )
    dns_nameservers: str | None = Field(
        default=None,
        pattern=r"^\s*[0-9A-Fa-f.:\[\]]+(\s*,\s*[0-9A-Fa-f.:\[\]]+)*\s*$",
        description="IP or IP:PORT list (comma-separated) for SPF/DKIM/DMARC lookups; unset = system resolver.",
    )
    smtp_relay_host: str | None = None
    smtp_relay_port: int = Field(default=25, ge=1, le=65535)
    smtp_relay_username: str | None = None
    smtp_relay_password: str | None = None
    smtp_relay_starttls: bool = False
    smtp_listen_tls_cert: Path | None = Field(
        default=None,
        description="PEM certificate (chain) for the listener's STARTTLS; with the key, STARTTLS is offered.",
    )
    smtp_listen_tls_key: Path | None = Field(
        default=None, description="PEM private key for the listener's STARTTLS."
    )
    smtp_listen_auth_username: str | None = Field(
        default=None,
        description="Offer SMTP AUTH (after STARTTLS only) with this user name and the password below.",
    )
    smtp_listen_auth_password: SecretStr | None = None
    smtp_listen_auth_required: bool = Field(
        default=False,
        description="Refuse mail from sessions that did not authenticate (a relay forwarding to the desk).",
    )
    mailbox_fetch: bool = Field(
        default=True, description="`serve` fetches mail from the retailers' connected mailboxes (IMAP)."
    )
    mailbox_ca_file: str | None = Field(
        default=None,
        description="Extra CA certificates (PEM) trusted for mailbox IMAP/SMTP servers, e.g. a self-hosted server's private CA.",
    )
    mailbox_idle_seconds: int = Field(
        default=1500, ge=5, le=1740, description="Longest IMAP IDLE before it is renewed."
    )
    mailbox_poll_seconds: int = Field(
        default=60,
        ge=1,
        le=3600,
        description="Polling interval for servers without IDLE, and the pause after an error.",
    )
    mailbox_sessions: int = Field(
        default=50, ge=1, le=1000, description="IMAP sessions one server process holds at most."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that opens /metrics from any address (Authorization: Bearer ...).",
    )
    metrics_from_loopback: bool = Field(
        default=True,
        description="Serve /metrics without the token to direct connections from 127.0.0.1 or ::1 "
        "(never to requests relayed by a proxy: they carry forwarding headers).",
    )
    log_level: str = "INFO"
    log_json: bool = True
    customer_token_idle_hours: int = Field(
        default=168,
        ge=1,
        le=24 * 365,
        description="A customer's chat link stops working after the conversation was quiet this long.",
    )
    webhook_allow_private_networks: bool = Field(
        default=False,
        description="Let webhooks reach private, loopback and internal hosts (development and tests only).",
    )
    job_workers: int = Field(default=1, ge=0, le=32, description="Job workers inside each server process.")
    trusted_proxies: str = Field(
        default="",
        description="Reverse proxies (comma-separated addresses or networks, e.g. 127.0.0.1) whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; empty believes none. Rate limits and the "
        "audit log see the customer's address only through a trusted proxy.",
    )
    chat_start_per_ip: str = Field(
        default="20/60", pattern=r"^\d{1,9}/\d{1,6}$", description="New chats per IP: count/seconds."
    )
    chat_send_per_ip: str = Field(
        default="240/60", pattern=r"^\d{1,9}/\d{1,6}$", description="Chat messages per IP."
    )
    bot_embeddings: bool = Field(
        default=False,
        description="Blend the bot's intent model with sentence embeddings (needs the `embeddings` "
        "extra; without it a warning is logged and the plain model is used).",
    )
    keys_admin_tenant: str | None = Field(
        default=None,
        description="The retailer (slug) whose admins may rotate and retire the deployment's keys in the "
        "console; unset: the admins of a desk's only retailer, nobody's once a desk has several.",
    )
    chat_send_per_conversation: str = Field(
        default="20/10", pattern=r"^\d{1,9}/\d{1,6}$", description="Messages per conversation."
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        import ipaddress

        entries = [part.strip() for part in value.split(",") if part.strip()]
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network") from None
        return ",".join(entries)

    def trusted_authserv_id_list(self) -> list[str]:
        """The desk's own intake authserv-id followed by the configured ones (lower-case)."""
        from urllib.parse import urlsplit

        own = self.intake_authserv_id or urlsplit(self.public_base_url).hostname or ""
        extra = [i.strip() for i in self.trusted_authserv_ids.split(",")]
        return [i.lower() for i in dict.fromkeys([own, *extra]) if i]

    def upload_authserv_id_list(self) -> list[str]:
        """Whose Authentication-Results to believe in mail a person hands in (an upload, a forwarded
        original, a file): only the configured receivers. The desk's own intake id in such mail was
        written by someone else, since the intake removes its id from all it receives and adds its own."""
        extra = [i.strip().lower() for i in self.trusted_authserv_ids.split(",")]
        return [i for i in dict.fromkeys(extra) if i]

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; the bare scheme would ask for psycopg2.
            value = "postgresql+psycopg://" + value[len("postgresql://") :]
        if not (value.startswith("sqlite") or value.startswith("postgresql+psycopg")):
            raise ValueError("only sqlite:/// and postgresql:// (psycopg) URLs are supported")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'trustdesk.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"


def _read_or_create_key(path: Path, make: Callable[[], str]) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # Create with 0600 from the start so the key is never world-readable, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def ensure_keys(settings: Settings) -> Settings:
    """Fill missing secret keys from (or into) files under data_dir."""
    from cryptography.fernet import Fernet

    if not settings.secret_key:
        settings.secret_key = _read_or_create_key(
            settings.data_dir / "secret_key", lambda: secrets.token_urlsafe(48)
        )
    if not settings.encryption_key:
        settings.encryption_key = _read_or_create_key(
            settings.data_dir / "encryption_key", lambda: Fernet.generate_key().decode()
        )
    from trustdesk.secretbox import parse_keys

    try:
        parse_keys(settings.encryption_key)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            "TRUSTDESK_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64 bytes; several may be "
            "given newest first, separated by commas)"
        ) from exc
    return settings


def load_settings(**overrides: object) -> Settings:
    """Load settings, turning validation errors into one readable ConfigurationError."""
    from pydantic import ValidationError

    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"TRUSTDESK_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(f"invalid configuration: {problems}") from None
    return ensure_keys(settings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
