"""The floors of the house: a package imports only from its own floor or the floors below it.

Every `import` in src/trustdesk is read with `ast` (module level, inside functions, under
TYPE_CHECKING, and `importlib.import_module` with a literal name): a type named from a higher floor is
still knowledge of that floor, so type-only imports count the same. The floor order is written here and
in docs/architecture.md ("Floors"); change both together.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "trustdesk"

# Lowest first. A package may import from its own floor and from any floor below it, never from above.
FLOORS: tuple[tuple[str, frozenset[str]], ...] = (
    # Settings, secrets, languages, rate limits: what every part may use.
    ("core", frozenset({"__init__", "config", "errors", "secretbox", "native", "ratelimit", "i18n"})),
    # Pure domain engines: values in, values out; no database, no web, no jobs.
    ("engines", frozenset({"guard", "verify", "mail", "bot"})),
    # Storage and the plumbing that moves work and events: the database, the audit log, the outbox, the bus.
    ("plumbing", frozenset({"store", "audit", "jobs", "bus"})),
    # The desk's nouns, stored: each works on the store and the engines; job kinds are names it is given.
    (
        "domain",
        frozenset(
            {
                "tenancy",
                "accounts",
                "commerce",
                "channels",
                "authenticity",
                "reports",
                "insights",
                "privacy",
                "conversations",
                "webhooks",
                "backup",
                "sla",
                "signing_keys",
                "keyring",
                "satisfaction",
            }
        ),
    ),
    # Channel adapters: the ways messages come in and go out (mail, connected mailboxes, the bot).
    ("channels", frozenset({"mailchannel", "mailboxes", "botdesk"})),
    # The composition root (builds the desk, registers job handlers and channels) and the demo seeding.
    ("composition", frozenset({"runtime", "demo"})),
    # Entry points: thin; they parse input, call the layers below and render.
    ("entry points", frozenset({"web", "cli"})),
)

# (importing package, imported package) -> why this upward import is right. Empty: keep it so.
ALLOWED: dict[tuple[str, str], str] = {}

# Built artefacts and data, not source packages.
SKIPPED = frozenset({"_native", "locale"})


def floor_of(package: str) -> int:
    for index, (_, members) in enumerate(FLOORS):
        if package in members:
            return index
    raise KeyError(package)


@dataclass(frozen=True)
class Edge:
    source: str  # the importing file, relative to src/trustdesk
    line: int
    importer: str  # top-level package of the importing file
    imported: str  # top-level package imported


def _package_of(relative: Path) -> str:
    first = relative.parts[0]
    return first.removesuffix(".py") if len(relative.parts) == 1 else first


def _targets(node: ast.AST, relative: Path) -> list[str]:
    """The trustdesk modules a node imports, as dotted names below `trustdesk.`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against the importing module's package
            here = ["trustdesk", *relative.with_suffix("").parts]
            if relative.name != "__init__.py":
                here = here[:-1]
            base = here[: len(here) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        if module == "trustdesk":  # `from trustdesk import native`: the names are the modules
            return [f"trustdesk.{alias.name}" for alias in node.names]
        return [module]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return [node.args[0].value]
    return []


def import_edges(root: Path = SRC) -> list[Edge]:
    """Every import of one top-level trustdesk package by another, wherever it is written."""
    edges = []
    packages = {name.removesuffix(".py") for name in _top_level(root)}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in SKIPPED:
            continue
        importer = _package_of(relative)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for target in _targets(node, relative):
                parts = target.split(".")
                if parts[0] != "trustdesk":
                    continue
                imported = parts[1] if len(parts) > 1 else "__init__"
                if imported not in packages:
                    imported = "__init__"  # a name defined in trustdesk/__init__.py (e.g. __version__)
                if imported != importer:
                    edges.append(Edge(str(relative), getattr(node, "lineno", 0), importer, imported))
    return edges


def _top_level(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name not in SKIPPED and not p.name.startswith(".")]


def test_every_package_has_a_floor() -> None:
    packages = {
        name.removesuffix(".py")
        for name in _top_level(SRC)
        if name.endswith(".py") or (SRC / name / "__init__.py").exists()
    }
    listed = set().union(*(members for _, members in FLOORS))
    assert packages - listed == set(), "give each new package a floor in FLOORS and docs/architecture.md"
    assert listed - packages == set(), "a floor names a package that no longer exists"


def test_no_package_imports_from_a_floor_above_it() -> None:
    upward = [
        f"{edge.source}:{edge.line}: {edge.importer} ({FLOORS[floor_of(edge.importer)][0]}) imports "
        f"{edge.imported} ({FLOORS[floor_of(edge.imported)][0]})"
        for edge in import_edges()
        if floor_of(edge.imported) > floor_of(edge.importer) and (edge.importer, edge.imported) not in ALLOWED
    ]
    assert upward == []


def test_every_allowed_exception_is_still_needed() -> None:
    seen = {(edge.importer, edge.imported) for edge in import_edges()}
    assert [pair for pair in ALLOWED if pair not in seen] == []


def test_the_floors_are_written_the_same_in_the_architecture_map() -> None:
    text = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Floors", 1)[1].split("\n## ", 1)[0]
    lines = [
        line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Floor")
    ]
    written = [
        (cells[0], frozenset(name.strip(" `") for name in cells[1].split(",")))
        for cells in ([cell.strip() for cell in line.strip("|").split("|")] for line in lines)
        if not set(cells[0]) <= {"-", " "}
    ]
    assert written == [(name, members - {"__init__"}) for name, members in FLOORS]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from trustdesk.web.app import create_app", ["web"]),
        ("def f():\n    from trustdesk.mailchannel import sender", ["mailchannel"]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import trustdesk.cli.main", ["cli"]),
        ("import importlib\nimportlib.import_module('trustdesk.runtime')", ["runtime"]),
        ("from ..web import app", ["web"]),
        ("from trustdesk import native, web", ["native", "web"]),
    ],
)
def test_the_walk_sees_every_kind_of_import(tmp_path: Path, source: str, expected: list[str]) -> None:
    # A fake tree: the walk must find imports at module level, in functions, under TYPE_CHECKING,
    # through importlib and relative ones, or the floors test above would pass on an empty list.
    for name in ("web", "mailchannel", "cli", "runtime", "guard"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "native.py").write_text("")
    (tmp_path / "guard" / "probe.py").write_text(source)
    found = sorted(edge.imported for edge in import_edges(tmp_path) if edge.importer == "guard")
    assert found == sorted(expected)
