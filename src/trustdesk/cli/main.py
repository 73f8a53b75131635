"""The `trustdesk` command: a root Typer app that mounts each area's commands.

Each area (db, orders, guard, verify, ...) owns one module under `trustdesk.cli`
exposing either `app` (a command group) or `command` (a single top-level command).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import typer

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
    ("mailboxes", "trustdesk.cli.mailboxes", "group"),
    ("message", "trustdesk.cli.message", "group"),
    ("bot", "trustdesk.cli.bot", "group"),
    ("reports", "trustdesk.cli.reports", "group"),
    ("jobs", "trustdesk.cli.jobs", "group"),
]


def _requested_area(argv: list[str]) -> str | None:
    """The command name the user typed, if it names an area (e.g. `trustdesk verify ...`)."""
    for arg in argv[1:]:
        if not arg.startswith("-"):
            return arg if any(arg == name for name, _, _ in AREAS) else None
    return None


def build_app(only: str | None = None) -> typer.Typer:
    """The root command with every area mounted, or only the one named (imports stay cheap)."""
    app = typer.Typer(
        name="trustdesk",
        help="Trustdesk: the support desk criminals cannot use against your customers.",
        no_args_is_help=True,
        add_completion=False,
    )

    @app.callback()
    def root() -> None:
        """Trustdesk: the support desk criminals cannot use against your customers."""

    # Importing every area costs seconds (scikit-learn, stix2...); a command needs only its own.
    for name, module_name, kind in AREAS:
        if only is not None and name != only:
            continue
        # An area whose module is not part of this build is simply not offered;
        # an area that exists but fails to import must fail loudly.
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if kind == "group":
            app.add_typer(module.app, name=name)
        else:
            app.command(name)(module.command)
    return app


def run() -> None:
    """Console-script entry point."""
    build_app(_requested_area(sys.argv))()


def __getattr__(name: str) -> typer.Typer:
    # `from trustdesk.cli.main import app` (tests, docs) gets the fully mounted command.
    if name == "app":
        return build_app()
    raise AttributeError(name)
