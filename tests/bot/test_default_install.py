"""The default install needs no scikit-learn or SciPy: importing every module of the app, training a
bot model and classifying with it leaves them unimported (they are in the `train` and `test` extras
only, for the reports' offline trainer and for the comparison tests)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import trustdesk
    from trustdesk.bot.classifier import train
    from trustdesk.bot.examples import shipped_examples
    from trustdesk.cli.main import app  # the root command with every area mounted
    from trustdesk.web.app import create_app

    imported = []
    for info in pkgutil.walk_packages(trustdesk.__path__, "trustdesk."):
        # Skipped: Alembic's env.py (runs migrations on import), __main__ modules (run the CLI),
        # and the reports' offline trainer, which is what the `train` extra is for.
        if ".migrations" in info.name or info.name.endswith("__main__") or info.name == "trustdesk.reports.training":
            continue
        importlib.import_module(info.name)
        imported.append(info.name)
    model = train(shipped_examples()[::10])
    model.classify("where is my parcel")
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "scipy", "joblib", "threadpoolctl"})
    print(json.dumps({"imported": len(imported), "heavy": heavy}))
    """
)


def test_app_and_bot_import_neither_scikit_learn_nor_scipy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["imported"] > 100
    assert report["heavy"] == []
