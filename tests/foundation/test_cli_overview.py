"""`trustdesk` and `trustdesk --help` list every area without importing any of them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from trustdesk.cli.main import AREAS, build_app, overview_app

runner = CliRunner()


@pytest.mark.parametrize("args", [["--help"], []])
def test_the_overview_shows_exactly_what_the_full_command_shows(args: list[str]) -> None:
    light = runner.invoke(overview_app(), args, terminal_width=100)
    full = runner.invoke(build_app(), args, terminal_width=100)
    assert light.output == full.output
    assert light.exit_code == full.exit_code
    for name, *_ in AREAS:
        assert f" {name} " in light.output


def test_the_overview_imports_no_area_nor_the_web_and_database_stack() -> None:
    code = (
        "import sys\n"
        "from trustdesk.cli.main import overview_app\n"
        "try:\n"
        "    overview_app()(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'sqlalchemy', 'sklearn', 'stix2', 're2') or m.startswith('trustdesk.cli.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == ["trustdesk.cli.main"]


def test_a_named_area_still_runs_its_real_command() -> None:
    done = runner.invoke(build_app("guard"), ["guard", "scan", "--help"])
    assert done.exit_code == 0 and "scan" in done.output
