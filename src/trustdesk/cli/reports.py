"""`trustdesk reports`: analyse a suspicious message without storing anything.

    trustdesk reports analyze FILE(.eml or text)|- [--tenant SLUG] --json
    trustdesk reports analyze FILE FILE... | DIRECTORY [--tenant SLUG]

prints {"score", "verdict", "reasons", "indicators"}; a batch (several files or a directory) prints one
JSON line per file, {"file", "score", "verdict", "reasons", "indicators"}. With --tenant the indicators are checked against
that retailer's official channels and confirmed-fraud indicators (the verification registry in the
database), and the retailer's name is added to the brands whose impersonation is looked for.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from trustdesk.reports import ReportInputError, analyze
from trustdesk.reports.domains import DEFAULT_BRANDS
from trustdesk.reports.evidence import TrustPolicy
from trustdesk.reports.lookalikes import ImitationCheck, imitation_checks
from trustdesk.reports.mail_values import Limits
from trustdesk.reports.signals import Check

app = typer.Typer(help="Suspicious-activity reports: analyse messages.", no_args_is_help=True)


@app.callback()
def reports() -> None:
    """Suspicious-activity reports: analyse messages (nothing is stored)."""


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _read_input(source: str, limit: int) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        path = Path(source)
        if not path.is_file():
            _fail(f"no such file: {source}")
        if path.stat().st_size > limit:
            _fail(f"{source} is {path.stat().st_size:,} bytes; the limit is {limit:,} bytes")
        data = path.read_bytes()
    if len(data) > limit:
        _fail(f"the input is larger than {limit:,} bytes")
    return data


def tenant_check(slug: str) -> tuple[Check, list[str], tuple[ImitationCheck, ...]]:
    """The verification check and brand names for one tenant, and the look-alike checks of every
    registered retailer's domains (plus DEFAULT_BRANDS), loaded from the database."""
    from trustdesk.channels.index import load_registry
    from trustdesk.cli.common import fail, unit_of_work
    from trustdesk.reports.registry_check import registry_check
    from trustdesk.tenancy.service import find_tenant

    with unit_of_work() as session:
        tenant = find_tenant(session, slug)
        if tenant is None:
            fail(f"no tenant {slug!r}", 2)
        names = [tenant.name]
        registry = load_registry(session)
    return registry_check(registry, slug), names, imitation_checks(registry)


def trust_policy() -> TrustPolicy:
    """Whose Authentication-Results to believe in a file handed in: the configured receivers (the desk's
    own intake id in a file was not written by the intake, which stamps only what it receives)."""
    from pydantic import ValidationError

    from trustdesk.config import Settings

    try:
        # Settings without the key files load_settings would create: analysing stores nothing.
        settings = Settings()
    except ValidationError as exc:
        _fail(f"invalid configuration: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}")
        raise
    return TrustPolicy.of(settings.upload_authserv_id_list())


def _batch_files(sources: list[str]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            _fail(f"no such file or directory: {source}")
    return files


def _analyze_batch(
    files: list[Path],
    check: Check | None,
    brands: list[str],
    limits: Limits,
    trust: TrustPolicy,
    imitations: tuple[ImitationCheck, ...] | None = None,
) -> None:
    """One JSON line per file: {"file", "score", "verdict", "reasons", "indicators"}, or {"file", "error"}."""
    for path in files:
        line: dict[str, object] = {"file": str(path)}
        try:
            if path.stat().st_size > limits.max_bytes:
                raise ReportInputError(
                    f"the file is {path.stat().st_size:,} bytes; the limit is {limits.max_bytes:,} bytes"
                )
            result = analyze(
                path.read_bytes(),
                check=check,
                brand_names=brands,
                limits=limits,
                trust=trust,
                imitations=imitations,
            )
        except (ReportInputError, OSError) as exc:
            line["error"] = str(exc)
        else:
            line.update(result.to_dict())
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


@app.command("analyze")
def analyze_command(
    sources: list[str] = typer.Argument(
        ...,
        metavar="FILE...",
        help="An .eml file or a text file, or - for stdin; several files or a directory for a batch.",
    ),
    tenant: str | None = typer.Option(
        None, "--tenant", help="Check indicators against this retailer (slug)."
    ),
    json_output: bool = typer.Option(
        False, "--json", help='Print {"score", "verdict", "reasons", "indicators"} as JSON.'
    ),
) -> None:
    """Score a suspicious message (phishing / suspicious / benign) with reasons and indicators.

    With several files or a directory, prints one JSON line per file: {"file", "score", "verdict",
    "reasons", "indicators"} (or {"file", "error"} for a file that cannot be analysed). Nothing is stored.
    """
    limits = Limits()
    check: Check | None = None
    imitations: tuple[ImitationCheck, ...] | None = None
    brands = list(DEFAULT_BRANDS)
    batch = len(sources) > 1 or (sources[0] != "-" and Path(sources[0]).is_dir())
    if batch and "-" in sources:
        _fail("- (stdin) cannot be mixed with files")
    files = _batch_files(sources) if batch else []
    data = b"" if batch else _read_input(sources[0], limits.max_bytes)
    if tenant is not None:
        check, tenant_brands, imitations = tenant_check(tenant)
        brands = tenant_brands + brands
    trust = trust_policy()
    if batch:
        _analyze_batch(files, check, brands, limits, trust, imitations)
        return
    try:
        result = analyze(
            data, check=check, brand_names=brands, limits=limits, trust=trust, imitations=imitations
        )
    except ReportInputError as exc:
        _fail(str(exc))
        return
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if json_output:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        return
    typer.echo(f"{result.verdict.value.upper()}  (risk {result.score:.2f})")
    for item in result.reasons:
        typer.echo(f"  - [{item.weight:.2f}] {item.text}")
    if result.indicators:
        typer.echo("indicators:")
        for indicator in result.indicators:
            network = f" ({indicator.network})" if indicator.network else ""
            typer.echo(f"  {indicator.kind.value:<7} {indicator.value}{network}")


@app.command("export")
def export_command(
    tenant: str = typer.Option(..., "--tenant", help="The retailer (slug) whose reports to export."),
    fmt: str = typer.Option("stix", "--format", help="stix (STIX 2.1 bundle, JSON) or csv."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Export a retailer's stored reports, indicators and campaigns as STIX 2.1 or CSV (audited)."""
    from trustdesk.cli.common import fail, unit_of_work
    from trustdesk.reports.data_export import export_text
    from trustdesk.reports.errors import ReportError
    from trustdesk.tenancy.service import find_tenant

    if fmt not in ("stix", "csv"):
        _fail("--format must be stix or csv")
    with unit_of_work() as session:
        row = find_tenant(session, tenant)
        if row is None:
            fail(f"no tenant {tenant!r}", 2)
            return
        try:
            text = export_text(session, row, fmt, actor="cli:reports-export")
        except ReportError as exc:
            _fail(str(exc))
            return
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output} ({len(text):,} characters)", err=True)
