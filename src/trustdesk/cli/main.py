"""The `trustdesk` command: a root Typer app that mounts each area's commands.

Each area (db, orders, guard, verify, ...) owns one module under `trustdesk.cli`
exposing either `app` (a command group) or `command` (a single top-level command).
"""

from __future__ import annotations

import importlib
import importlib.util

import typer

app = typer.Typer(
    name="trustdesk",
    help="Trustdesk: the support desk criminals cannot use against your customers.",
    no_args_is_help=True,
    add_completion=False,
)

# (command name, module, kind): "group" mounts module.app, "command" mounts module.command.
AREAS: list[tuple[str, str, str]] = [
    ("serve", "trustdesk.cli.serve", "command"),
    ("db", "trustdesk.cli.db", "group"),
    ("tenants", "trustdesk.cli.tenants", "group"),
    ("users", "trustdesk.cli.users", "group"),
    ("orders", "trustdesk.cli.orders", "group"),
    ("audit", "trustdesk.cli.audit", "group"),
    ("demo", "trustdesk.cli.demo", "command"),
    ("guard", "trustdesk.cli.guard", "group"),
    ("verify", "trustdesk.cli.verify", "command"),
    ("channels", "trustdesk.cli.channels", "group"),
    ("mail", "trustdesk.cli.mail", "group"),
    ("message", "trustdesk.cli.message", "group"),
    ("bot", "trustdesk.cli.bot", "group"),
    ("reports", "trustdesk.cli.reports", "group"),
    ("jobs", "trustdesk.cli.jobs", "group"),
]


def _mount_areas() -> None:
    for name, module_name, kind in AREAS:
        # An area whose module is not part of this build is simply not offered;
        # an area that exists but fails to import must fail loudly.
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if kind == "group":
            app.add_typer(module.app, name=name)
        else:
            app.command(name)(module.command)


_mount_areas()


def run() -> None:
    """Console-script entry point."""
    app()
