"""Rooms a newcomer can name: a module in src/ over 500 lines says at its top why it stays one file.

The reason is a line of the module docstring that starts with "Why one module:"; a module that has no
such reason is split by noun instead. Alembic migrations are left out (one revision is one file).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "trustdesk"
LIMIT = 500
MARK = "Why one module:"


def _line_count(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("\n")


def _has_reason(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    # At the top: within the docstring's first paragraphs, not buried at its end.
    return any(line.strip().startswith(MARK) for line in doc.splitlines()[:12])


def _large_modules() -> list[Path]:
    modules = [p for p in SRC.rglob("*.py") if "migrations" not in p.relative_to(SRC).parts]
    return sorted(p for p in modules if _line_count(p) > LIMIT)


def test_every_large_module_says_why_it_is_one_file() -> None:
    missing = [
        f"{p.relative_to(SRC.parent)} ({_line_count(p)} lines)"
        for p in _large_modules()
        if not _has_reason(p)
    ]
    assert not missing, (
        f"modules over {LIMIT} lines need a line starting {MARK!r} near the top of their docstring, "
        "or a split by noun: " + ", ".join(missing)
    )


def test_the_check_sees_the_large_modules(tmp_path: Path) -> None:
    # The walk finds modules (so the rule above is not vacuous) and the reason check reads docstrings.
    assert len(list(SRC.rglob("*.py"))) > 100
    with_reason = tmp_path / "big.py"
    with_reason.write_text('"""Summary.\n\nWhy one module: one state machine.\n"""\n' + "x = 1\n" * 600)
    without = tmp_path / "bare.py"
    without.write_text('"""Summary only."""\n' + "x = 1\n" * 600)
    assert _has_reason(with_reason)
    assert not _has_reason(without)
    assert _line_count(without) > LIMIT
