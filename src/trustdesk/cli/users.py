"""`trustdesk users`: create accounts from the command line (e.g. the first admin)."""

from __future__ import annotations

import typer

from trustdesk.accounts import service as accounts
from trustdesk.accounts.admin_notices import notify_admins
from trustdesk.accounts.passwords import WeakPassword
from trustdesk.accounts.permissions import Role
from trustdesk.cli.common import fail, unit_of_work
from trustdesk.tenancy.service import TenantError, get_tenant

app = typer.Typer(help="Accounts: customers and staff.", no_args_is_help=True)


@app.command("create")
def create(
    email: str = typer.Argument(...),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    role: Role = typer.Option(Role.AGENT, "--role"),
    name: str = typer.Option("", "--name", help="Display name."),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create an account. Staff enrol two-factor authentication at first sign-in.

    An admin created here is active at once (an operator on the server is the second pair of
    eyes) and every existing admin is told; it may decide other admins' changes only after the
    cool-off (TRUSTDESK_ADMIN_COOL_OFF_HOURS)."""
    try:
        with unit_of_work() as session:
            t = get_tenant(session, tenant)
            user = accounts.create_user(
                session, t, email=email, display_name=name, role=role, password=password, actor="cli"
            )
            if role == Role.ADMIN:
                # An operator with server access needs no second admin, but every admin hears of it.
                notify_admins(
                    session,
                    t,
                    f"New admin: {user.email}",
                    [
                        f"An operator created the admin account {user.email} on the server (trustdesk users create)."
                    ],
                    "/console/staff",
                )
            typer.echo(
                f"created {user.role} {user.email}"
                + (f" (agent {user.agent_number})" if user.agent_number else "")
            )
    except (TenantError, WeakPassword, accounts.AccountError) as exc:
        fail(str(exc))
