"""`trustdesk sla`: show or set a retailer's SLA policy (targets, business hours, holidays, escalation)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from trustdesk.cli.common import fail, print_json, unit_of_work

app = typer.Typer(help="Service levels: SLA targets, business hours and holidays.", no_args_is_help=True)


def _tenant_id(session, slug: str) -> int:  # type: ignore[no-untyped-def]
    from trustdesk.tenancy.service import find_tenant

    tenant = find_tenant(session, slug)
    if tenant is None:
        fail(f"no tenant {slug!r}", code=2)
    return tenant.id


def _describe(policy: dict) -> list[str]:  # type: ignore[type-arg]
    lines = [f"time zone      {policy['timezone']}"]
    for day, spans in policy["business_hours"].items():
        lines.append(f"{day:<15}{', '.join(f'{a}-{b}' for a, b in spans) or 'closed'}")
    lines.append(f"holidays       {', '.join(policy['holidays']) or 'none'}")
    for rule in policy["targets"]:
        minutes = [rule[f"{t}_minutes"] for t in ("first_response", "next_response", "resolution")]
        shown = ["-" if m is None else f"{m} min" for m in minutes]
        lines.append(
            f"target {rule['priority']:>7}/{rule['channel']:<6} first {shown[0]:>9}  next {shown[1]:>9}  "
            f"resolution {shown[2]:>9}"
        )
    lines.append(f"near breach at {policy['near_breach_percent']} %")
    esc = policy["escalation"]
    lines.append(f"on breach      assign to {esc['assign_to_user_id'] or 'nobody'}; notify {esc['notify']}")
    return lines


@app.command("show")
def show(
    slug: str = typer.Argument(..., help="The retailer (slug)."),
    json_output: bool = typer.Option(False, "--json", help="Print the policy as JSON (null when none)."),
) -> None:
    """Show the retailer's SLA policy."""
    from trustdesk.sla.service import policy_row

    with unit_of_work() as session:
        row = policy_row(session, _tenant_id(session, slug))
        policy = row.policy if row is not None else None
    if json_output:
        print_json({"tenant": slug, "policy": policy})
    elif policy is None:
        typer.echo(f"{slug} has no SLA policy: no clocks run")
    else:
        typer.echo("\n".join(_describe(policy)))


@app.command("set")
def set_policy(
    slug: str = typer.Argument(..., help="The retailer (slug)."),
    file: Path = typer.Argument(
        ..., help="The policy as JSON (as `show --json` prints it under 'policy'); - reads stdin."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the stored policy as JSON."),
) -> None:
    """Set the retailer's SLA policy from a JSON file (audited; clocks follow at the next sweep)."""
    from trustdesk.sla.policy import PolicyError
    from trustdesk.sla.service import save_policy

    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        raw = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"cannot read the policy: {exc}", code=2)
    if isinstance(raw, dict) and isinstance(raw.get("policy"), dict):
        raw = raw["policy"]  # the whole output of `show --json`
    if not isinstance(raw, dict):
        fail("the policy is a JSON object", code=2)
    try:
        with unit_of_work() as session:
            policy = save_policy(session, _tenant_id(session, slug), raw, actor="cli")
            stored = policy.to_dict()
    except PolicyError as exc:
        fail(str(exc), code=2)
    if json_output:
        print_json({"tenant": slug, "policy": stored})
    else:
        typer.echo(f"SLA policy of {slug} saved")
        typer.echo("\n".join(_describe(stored)))
