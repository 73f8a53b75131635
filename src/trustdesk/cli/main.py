"""The `trustdesk` command: a root Typer app that mounts each area's commands.

Each area (db, orders, guard, verify, ...) owns one module under `trustdesk.cli`
exposing either `app` (a command group) or `command` (a single top-level command).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import typer

# (command name, module, kind, one-line help): "group" mounts module.app, "command" mounts
# module.command. The help is repeated here so `trustdesk --help` lists every area without
# importing any (tests/foundation/test_cli_overview.py keeps it equal to each module's own help).
AREAS: list[tuple[str, str, str, str]] = [
    (
        "serve",
        "trustdesk.cli.serve",
        "command",
        "Serve Trustdesk over HTTP. Refuses to start on an un-migrated database.",
    ),
    ("db", "trustdesk.cli.db", "group", "Database schema: apply and inspect migrations."),
    ("tenants", "trustdesk.cli.tenants", "group", "Retailers (tenants) on this desk."),
    ("users", "trustdesk.cli.users", "group", "Accounts: customers and staff."),
    ("orders", "trustdesk.cli.orders", "group", "The retailer's orders."),
    ("audit", "trustdesk.cli.audit", "group", "The tamper-evident audit log."),
    (
        "demo",
        "trustdesk.cli.demo",
        "command",
        "Create 'Acme Outfitters' and 'Northwind Home' with staff, customers and orders (idempotent).",
    ),
    (
        "guard",
        "trustdesk.cli.guard",
        "group",
        "Sensitive-data guard: redact secrets customers send, block agent messages that ask for them.",
    ),
    (
        "verify",
        "trustdesk.cli.verify",
        "command",
        "Check contacts against the official-channel registry: official, lookalike, reported or unknown.",
    ),
    ("channels", "trustdesk.cli.channels", "group", "Official channels: signed manifests."),
    ("mail", "trustdesk.cli.mail", "group", "Mail: DKIM keys and DNS checks."),
    (
        "mailboxes",
        "trustdesk.cli.mailboxes",
        "group",
        "Retailers' own mailboxes: IMAP intake and SMTP submission.",
    ),
    (
        "message",
        "trustdesk.cli.message",
        "group",
        "Outbound message references and the 'was this really from us?' check.",
    ),
    ("bot", "trustdesk.cli.bot", "group", "The support bot: classify messages, evaluate the classifier."),
    ("reports", "trustdesk.cli.reports", "group", "Suspicious-activity reports: analyse messages."),
    ("jobs", "trustdesk.cli.jobs", "group", "Background jobs: dead letters, retries, standalone workers."),
    ("sla", "trustdesk.cli.sla", "group", "Service levels: SLA targets, business hours and holidays."),
    (
        "backup",
        "trustdesk.cli.backup",
        "group",
        "Backups: the database, attachments and keys in one checked archive; restore into an empty place.",
    ),
    (
        "keys",
        "trustdesk.cli.keys",
        "group",
        "Keys: rotate the encryption key that seals stored secrets and the secret key that signs sessions.",
    ),
    (
        "privacy",
        "trustdesk.cli.privacy",
        "group",
        "Data-subject requests: export or erase everything held about a person.",
    ),
]


def _requested_area(argv: list[str]) -> str | None:
    """The command name the user typed, if it names an area (e.g. `trustdesk verify ...`)."""
    for arg in argv[1:]:
        if not arg.startswith("-"):
            return arg if any(arg == name for name, *_ in AREAS) else None
    return None


def _root() -> typer.Typer:
    app = typer.Typer(
        name="trustdesk",
        help="Trustdesk: the support desk criminals cannot use against your customers.",
        no_args_is_help=True,
        add_completion=False,
    )

    @app.callback()
    def root() -> None:
        """Trustdesk: the support desk criminals cannot use against your customers."""

    return app


def build_app(only: str | None = None) -> typer.Typer:
    """The root command with every area mounted, or only the one named (imports stay cheap)."""
    app = _root()
    # Importing every area costs seconds (scikit-learn, stix2...); a command needs only its own.
    for name, module_name, kind, _ in AREAS:
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


def overview_app() -> typer.Typer:
    """The root command listing every area by its help alone: `trustdesk` and `trustdesk --help` import
    nothing else. It only ever shows help; a command the user names is run by `build_app(name)`."""
    app = _root()
    for name, module_name, kind, help_text in AREAS:
        if importlib.util.find_spec(module_name) is None:
            continue
        if kind == "group":
            app.add_typer(typer.Typer(help=help_text), name=name)
        else:
            app.command(name, help=help_text)(_not_loaded)
    return app


def _not_loaded() -> None:  # pragma: no cover - never run: a named area is built for real
    raise typer.Exit(2)


def run() -> None:
    """Console-script entry point."""
    area = _requested_area(sys.argv)
    (build_app(area) if area is not None else overview_app())()


def __getattr__(name: str) -> typer.Typer:
    # `from trustdesk.cli.main import app` (tests, docs) gets the fully mounted command.
    if name == "app":
        return build_app()
    raise AttributeError(name)
