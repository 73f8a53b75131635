"""`trustdesk channels ...`: official-channel tools. For now: verify a signed manifest.

Exit codes of `verify-manifest`: 0 valid; 1 bad signature (tampered or foreign key);
3 expired or not yet valid; 4 unknown key id; 5 malformed document or key set;
6 could not fetch or read; 2 usage error.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import typer

from trustdesk.verify.errors import (
    ManifestError,
    ManifestExpiredError,
    ManifestNotYetValidError,
    SignatureInvalidError,
    UnknownKeyError,
)
from trustdesk.verify.manifest import WELL_KNOWN_JWKS, verify_manifest

app = typer.Typer(help="Official channels: signed manifests.", no_args_is_help=True)


@app.callback()
def channels() -> None:
    """Official channels: signed manifests."""


MAX_FETCH_BYTES = 1_048_576
EXIT_BAD_SIGNATURE = 1
EXIT_EXPIRED = 3
EXIT_UNKNOWN_KEY = 4
EXIT_MALFORMED = 5
EXIT_UNREADABLE = 6


class _FetchError(Exception):
    pass


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def _fetch(url: str) -> bytes:
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise _FetchError(f"refusing plain http for {url}: the manifest's authenticity rests on TLS")
    try:
        with httpx.Client(timeout=10.0, follow_redirects=True, max_redirects=3) as client:
            with client.stream("GET", url, headers={"Accept": "application/json"}) as response:
                if response.status_code != 200:
                    raise _FetchError(f"{url} answered HTTP {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > MAX_FETCH_BYTES:
                        raise _FetchError(f"{url} is larger than 1 MiB")
                return bytes(body)
    except httpx.HTTPError as exc:
        raise _FetchError(f"could not fetch {url}: {exc}") from None


def _read(source: str) -> bytes:
    if _is_url(source):
        return _fetch(source)
    path = Path(source)
    try:
        if path.stat().st_size > MAX_FETCH_BYTES:
            raise _FetchError(f"{source} is larger than 1 MiB")
        return path.read_bytes()
    except OSError as exc:
        raise _FetchError(f"could not read {source}: {exc.strerror or exc}") from None


def _exit_code(exc: ManifestError) -> int:
    if isinstance(exc, SignatureInvalidError):
        return EXIT_BAD_SIGNATURE
    if isinstance(exc, ManifestExpiredError | ManifestNotYetValidError):
        return EXIT_EXPIRED
    if isinstance(exc, UnknownKeyError):
        return EXIT_UNKNOWN_KEY
    return EXIT_MALFORMED


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _fail(as_json: bool, code: str, detail: str, exit_code: int) -> None:
    if as_json:
        typer.echo(json.dumps({"valid": False, "error": code, "detail": detail}))
    else:
        typer.echo(f"INVALID ({code}): {detail}", err=True)
    raise typer.Exit(exit_code)


@app.command("verify-manifest")
def verify_manifest_command(
    source: str = typer.Argument(..., help="Manifest URL (https) or file path."),
    jwks: str | None = typer.Option(
        None,
        "--jwks",
        help="JWKS URL or file. Default for a URL: the same site's /.well-known/trustdesk/jwks.json.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    tenant: str | None = typer.Option(
        None, "--tenant", help="Require the manifest to be about this tenant slug."
    ),
    now: int | None = typer.Option(
        None, "--now", help="Check validity at this Unix time instead of now.", hidden=True
    ),
) -> None:
    """Verify a signed channel manifest: signature, key id, and validity period."""
    if jwks is None:
        if not _is_url(source):
            raise typer.BadParameter("--jwks is required when the manifest is a file", param_hint="--jwks")
        jwks = urljoin(source, WELL_KNOWN_JWKS)
    try:
        document = _read(source)
        key_set = _read(jwks)
    except _FetchError as exc:
        _fail(as_json, "unreadable", str(exc), EXIT_UNREADABLE)
        return
    try:
        verified = verify_manifest(document, key_set, now=now, expected_tenant=tenant)
    except ManifestError as exc:
        _fail(as_json, exc.code, str(exc), _exit_code(exc))
        return
    payload: dict[str, Any] = verified.payload
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "valid": True,
                    "kid": verified.kid,
                    "iat": verified.issued_at,
                    "exp": verified.expires_at,
                    "issuer": payload.get("iss"),
                    "tenant": payload.get("tenant"),
                    "channels": verified.channels,
                    "tenants": payload.get("tenants"),
                },
                ensure_ascii=False,
            )
        )
        return
    who = payload.get("tenant") or {}
    title = f"{who.get('name')} ({who.get('slug')})" if who else "tenant index"
    typer.echo(f"VALID manifest for {title}")
    typer.echo(f"  issuer:  {payload.get('iss')}")
    typer.echo(f"  key id:  {verified.kid}")
    typer.echo(f"  issued:  {_when(verified.issued_at)}")
    typer.echo(f"  expires: {_when(verified.expires_at)}")
    for channel in verified.channels:
        extra = " ".join(f"{k}={channel[k]}" for k in ("purpose", "country", "platform") if channel.get(k))
        typer.echo(f"  - {channel.get('kind'):<15} {channel.get('value')}  {extra}".rstrip())
    for entry in payload.get("tenants") or []:
        typer.echo(f"  - {entry.get('slug')}: {entry.get('name')} {entry.get('manifest')}")
