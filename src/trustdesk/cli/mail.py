"""`trustdesk mail ...`: a retailer's DKIM key and whether SPF, DKIM and DMARC are published and aligned.

`check-dns` exits 0 when all three records are ready, 1 when something must be fixed, 4 when
the tenant has no DKIM key yet (run again with --create-key).
"""

from __future__ import annotations

import typer

from trustdesk.cli.common import fail, print_json, settings, unit_of_work
from trustdesk.cli.message import make_resolver

app = typer.Typer(help="Mail: DKIM keys and DNS checks.", no_args_is_help=True)

EXIT_NOT_READY = 1
EXIT_NO_KEY = 4


@app.callback()
def mail() -> None:
    """Mail: DKIM keys and DNS checks."""


def _tenant(session, slug: str):  # type: ignore[no-untyped-def]
    from trustdesk.tenancy.service import find_tenant

    row = find_tenant(session, slug.strip().lower())
    if row is None:
        fail(f"no tenant {slug!r}")
    return row


def _key(session, tenant, *, create: bool, domain: str | None, selector: str | None, json_output: bool):  # type: ignore[no-untyped-def]
    from trustdesk.authenticity.service import active_dkim_key, create_dkim_key
    from trustdesk.secretbox import SecretBox

    row = active_dkim_key(session, tenant, domain)
    if row is not None:
        return row, False
    if not create:
        message = (
            f"tenant {tenant.slug} has no DKIM key for {(domain or tenant.primary_domain).lower()} yet; "
            "run again with --create-key to create one, then publish the TXT record it prints"
        )
        if json_output:
            print_json({"tenant": tenant.slug, "ok": False, "error": "no_dkim_key", "message": message})
            raise typer.Exit(EXIT_NO_KEY)
        fail(message, EXIT_NO_KEY)
    try:
        row = create_dkim_key(
            session,
            tenant,
            SecretBox(settings().encryption_key or ""),
            actor="cli",
            domain=domain,
            selector=selector,
        )
    except ValueError as exc:
        fail(str(exc))
    return row, True


@app.command("dkim-record")
def dkim_record(
    tenant: str = typer.Option(..., "--tenant", help="Retailer (slug)."),
    create_key: bool = typer.Option(False, "--create-key", help="Create the key if the tenant has none."),
    domain: str | None = typer.Option(None, "--domain", help="Signing domain (default: the primary domain)."),
    selector: str | None = typer.Option(
        None, "--selector", help="Selector for a new key (default tdYYYYMM)."
    ),
) -> None:
    """Print the DNS TXT record the retailer must publish for its DKIM key."""
    from trustdesk.mail import dkim_dns_record

    with unit_of_work() as session:
        row, created = _key(
            session,
            _tenant(session, tenant),
            create=create_key,
            domain=domain,
            selector=selector,
            json_output=False,
        )
        record = dkim_dns_record(row.selector, row.domain, row.public_key)
    if created:
        typer.echo(f"created DKIM key {row.selector} for {row.domain}", err=True)
    typer.echo(record.zone_line())


@app.command("check-dns")
def check_dns(
    tenant: str = typer.Option(..., "--tenant", help="Retailer (slug)."),
    json_output: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    nameserver: str | None = typer.Option(None, "--nameserver", help="DNS server to ask: IP[:PORT]."),
    create_key: bool = typer.Option(False, "--create-key", help="Create the tenant's DKIM key if missing."),
    domain: str | None = typer.Option(None, "--domain", help="Sending domain (default: the primary domain)."),
    selector: str | None = typer.Option(None, "--selector", help="Selector for a new key."),
    mail_from_domain: str | None = typer.Option(
        None, "--mail-from-domain", help="Envelope domain of our relay."
    ),
    sending_ip: list[str] = typer.Option(
        [], "--sending-ip", help="An address our relay sends from (repeatable)."
    ),
) -> None:
    """Are the tenant's SPF, DKIM and DMARC records published and aligned?"""
    from trustdesk.mail import check_dns_records

    resolver = make_resolver(nameserver, offline=False)
    with unit_of_work() as session:
        row, created = _key(
            session,
            _tenant(session, tenant),
            create=create_key,
            domain=domain,
            selector=selector,
            json_output=json_output,
        )
        key_domain, key_selector, public_key = row.domain, row.selector, row.public_key
    result = check_dns_records(
        key_domain,
        key_selector,
        public_key,
        resolver,
        mail_from_domain=mail_from_domain,
        sending_ips=sending_ip,
    )
    if json_output:
        print_json({"tenant": tenant, "key_created": created, **result.as_dict()})
    else:
        if created:
            typer.echo(f"created DKIM key {key_selector} for {key_domain}; publish:")
            typer.echo(f"  {key_selector}._domainkey.{key_domain} TXT {result.expected_dkim_record}")
        typer.echo(f"{key_domain}: {'ready' if result.ok else 'NOT READY'}")
        for label, check in (("SPF", result.spf), ("DKIM", result.dkim), ("DMARC", result.dmarc)):
            typer.echo(f"  {label:<5} {check.status.value:<9} {check.name}")
            for finding in check.findings:
                typer.echo(f"        - {finding}")
    if not result.ok:
        raise typer.Exit(EXIT_NOT_READY)
