"""`trustdesk message ...`: "was this really from us?" for a file or stdin, and composing referenced mail.

`trustdesk message check FILE.eml|- [--tenant SLUG] [--json]` prints (with --json)
{"verdict", "reasons", "auth": {"spf", "dkim", "dmarc"}, "contacts": [...], ...}; this
contract is stable. Exit code 0 whatever the verdict; 1 for unusable input or options.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from trustdesk.cli.common import fail, print_json, settings, unit_of_work

app = typer.Typer(
    help="Outbound message references and the 'was this really from us?' check.", no_args_is_help=True
)

MAX_INPUT_BYTES = 25 * 1024 * 1024


@app.callback()
def message() -> None:
    """Outbound message references and the 'was this really from us?' check."""


def parse_nameserver(value: str) -> tuple[str, int]:
    """ "IP", "IP:PORT" or "[IPv6]:PORT" -> (address, port)."""
    import ipaddress

    value = value.strip()
    host, port = value, 53
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else 53
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
        if not port_text.isdigit():
            raise ValueError(f"bad port in {value!r}")
        port = int(port_text)
    ipaddress.ip_address(host)
    if not 0 < port < 65536:
        raise ValueError(f"bad port in {value!r}")
    return host, port


def make_resolver(nameserver: str | None, offline: bool):  # type: ignore[no-untyped-def]
    """A Resolver for the CLI: the given server, else TRUSTDESK_DNS_NAMESERVERS, else the system's;
    None when offline."""
    from trustdesk.mail import Resolver
    from trustdesk.mailchannel.intake import resolver_from_setting

    if offline:
        return None
    if nameserver is None:
        return resolver_from_setting(settings().dns_nameservers)
    try:
        host, port = parse_nameserver(nameserver)
    except ValueError as exc:
        fail(f"--nameserver must be IP or IP:PORT: {exc}")
    return Resolver([host], port=port, timeout=2.0)


def _read(source: str) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"no such file: {source}")
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        fail(f"the input is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    return data


def _report_path() -> str | None:
    """The public report page, when this build has one."""
    import importlib.util

    return "/t/{slug}/report" if importlib.util.find_spec("trustdesk.web.routes.reports") else None


@app.command("check")
def check(
    source: str = typer.Argument(..., help="An .eml file, a text file, or - for stdin."),
    tenant: str | None = typer.Option(None, "--tenant", help="Check for this retailer (slug)."),
    json_output: bool = typer.Option(
        False, "--json", help='Print {"verdict", "reasons", "auth", "contacts", ...}.'
    ),
    reference: str | None = typer.Option(None, "--reference", help="A reference given separately (TD-...)."),
    nameserver: str | None = typer.Option(
        None, "--nameserver", help="DNS server for SPF/DKIM/DMARC: IP[:PORT]."
    ),
    offline: bool = typer.Option(False, "--offline", help="No DNS: auth is reported as not_checked."),
    client_ip: str | None = typer.Option(
        None, "--client-ip", help="SMTP client address (else read from Received)."
    ),
    helo: str = typer.Option("", "--helo", help="SMTP HELO name, with --client-ip."),
    mail_from: str = typer.Option("", "--mail-from", help="SMTP MAIL FROM, with --client-ip."),
) -> None:
    """Was this message really from the retailer? genuine, altered, not_from_us or cannot_tell."""
    from trustdesk.authenticity import Envelope
    from trustdesk.authenticity.service import run_check
    from trustdesk.channels.index import load_registry
    from trustdesk.tenancy.service import find_tenant

    data = _read(source)
    resolver = make_resolver(nameserver, offline)
    envelope = Envelope(client_ip, helo, mail_from) if client_ip else None
    with unit_of_work() as session:
        chosen = None
        if tenant is not None:
            chosen = find_tenant(session, tenant.strip().lower())
            if chosen is None:
                fail(f"no tenant {tenant!r}")
        registry = load_registry(session)
        outcome = run_check(
            session,
            data,
            tenant=chosen,
            registry=registry,
            resolver=resolver,
            settings=settings(),
            reference=reference,
            envelope=envelope,
            report_path=_report_path(),
        )
    if json_output:
        print_json(outcome.to_dict())
        return
    typer.echo(f"{outcome.verdict.value.upper()}: {outcome.explanation}")
    auth = outcome.auth
    typer.echo(f"auth: spf={auth['spf']} dkim={auth['dkim']} dmarc={auth['dmarc']}")
    for reason in outcome.reasons:
        typer.echo(f"  - {reason['code']}: {reason['detail']}")
    for contact in outcome.contacts:
        typer.echo(f"  {contact['verdict']:<9} {contact['kind']:<7} {contact['contact']}")
    for step in outcome.next_steps:
        typer.echo(f"next: {step}")


@app.command("compose")
def compose(
    tenant: str = typer.Option(..., "--tenant", help="The sending retailer (slug)."),
    to: str = typer.Option(..., "--to", help="Recipient address."),
    subject: str = typer.Option(..., "--subject"),
    text: str = typer.Option(..., "--text", help="The message text, or - for stdin."),
    from_address: str | None = typer.Option(None, "--from", help="Default: support@<primary domain>."),
) -> None:
    """Record an outbound e-mail (reference + fingerprint) and print it, DKIM-signed when the tenant has a key."""
    from trustdesk.authenticity.service import compose_email, fingerprint_key
    from trustdesk.mail.headers import HeaderRefused
    from trustdesk.secretbox import SecretBox
    from trustdesk.tenancy.service import find_tenant

    body = sys.stdin.read(200_000) if text == "-" else text
    config = settings()
    with unit_of_work() as session:
        row = find_tenant(session, tenant.strip().lower())
        if row is None:
            fail(f"no tenant {tenant!r}")
        try:
            sent, raw = compose_email(
                session,
                row,
                SecretBox(config.encryption_key or ""),
                text=body,
                from_address=from_address or f"{row.name} <support@{row.primary_domain}>",
                to_address=to,
                subject=subject,
                key=fingerprint_key(config),
                public_base_url=config.public_base_url,
            )
        except HeaderRefused as exc:
            fail(f"cannot write this mail: {exc}")
    sys.stdout.buffer.write(raw)
    sys.stderr.write(f"recorded {sent.reference}\n")
