"""The mypyc builds of the guard and verification packages (src/trustdesk/native.py).

The compiled modules must give exactly what the pure-Python ones give, be used only while they
match the sources, and be what CI tests (so the speed in docs/performance.md is the tested code).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import REPO_ROOT, SHARED_DATA, services_required

from trustdesk import native

SRC = REPO_ROOT / "src"

# Runs in a child process: scans a deterministic corpus with the guard and checks contacts with
# the verification registry, printing every result as JSON, plus which packages ran native code.
DRIVER = r"""
import json, sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
from bench import guard as guard_bench
from trustdesk import native
from trustdesk.guard import scan
from trustdesk.verify import Registry, verify_text
from trustdesk.verify.demo import demo_channels
from trustdesk.verify.fuzz import generate_permutations

shared = Path(sys.argv[2])
texts = [m.text for m in guard_bench.make_corpus(2500, 3, guard_bench.FALLBACK_TEXTS, "dense")]
texts += [m.text for m in guard_bench.make_corpus(1000, 4, guard_bench.FALLBACK_TEXTS, "traffic")]
if shared.is_dir():
    texts += guard_bench.load_real_texts(shared)[::7]
asks = [json.loads(line)["text"] for line in (Path(sys.argv[1]) / "src/trustdesk/guard/data/asks.jsonl").open()]
# Every language's labelled examples (both directions) and national IDs named in their own language:
# the language packs are data files, which a compiled module must find as well.
for path in sorted((Path(sys.argv[1]) / "src/trustdesk/guard/languages").glob("*/labelled/*.jsonl")):
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    texts += [row["text"] for row in rows]
    asks += [row["text"] for row in rows if row["kind"] in ("ask", "harmless_outbound")]
texts += ["Meine Steuer-ID ist 86095742719", "CF: RSSMRA85T10A562S", "PESEL 44051401359", "CPF 123.456.789-09"]
tricky = ["", "\u200b4\u200b2\u200b4\u200b2 4242 4242 4242", "\uff14\uff12\uff14\uff12" * 4, "1-" * 400,
          "my pw: hunter2!!", "IBAN DE89 3704 0044 0532 0130 00", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"]
out = []
for text in texts + tricky:
    r = scan(text, "inbound", brand="Acme")
    out.append([[f.type, f.start, f.end, f.action] for f in r.findings] + [r.redacted, r.customer_notice])
for text in asks:
    r = scan(text, "outbound", brand="Acme")
    out.append([[f.type, f.start, f.end, f.action] for f in r.findings] + [r.blocked, list(r.block_reasons)])

registry = Registry(demo_channels())
contacts = ["acmeoutfitters.com", "+1 (800) 555-0199", "1-800-555-O199", "xn--zz.com", "hxxps://acme-outfitters[.]co.uk",
            "support@acmeoutfitters.com", "Acme Support <acme.help@gmail.com>", "@acme_outfitters", "", "@@@@"]
for domain in ("acmeoutfitters.com", "acme-outfitters.co.uk"):
    contacts += sorted(p.domain for p in generate_permutations(domain))[::3]
for contact in contacts:
    out.append(registry.check(contact).to_dict())
paste = "Call +44 20 7946 0322 or mail refunds@acme0utfitters.com, see https://acmeoutfitters.com.secure-login.io/x"
out.append([result.to_dict() for result in verify_text(paste, registry).results])
print(json.dumps({"native": native.active(), "results": out}, sort_keys=True, default=str))
"""


def run_driver(src: Path, *, native_on: bool, hash_seed: int) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "TRUSTDESK_NATIVE": "1" if native_on else "0",
        "PYTHONHASHSEED": str(hash_seed),
    }
    completed = subprocess.run(
        [sys.executable, "-c", DRIVER, str(REPO_ROOT), str(SHARED_DATA)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        cwd=REPO_ROOT,
    )
    return json.loads(completed.stdout)


def require_builds() -> None:
    missing = [p for p in native.COMPILED_PACKAGES if not (native.build_dir(p) / "COMPLETE").is_file()]
    if not missing:
        return
    reason = f"no current native build of {', '.join(missing)} (make native)"
    if services_required():
        pytest.fail(f"{reason}: CI must test the compiled code that the benchmarks measure")
    pytest.skip(reason)


def test_ci_runs_the_compiled_packages() -> None:
    require_builds()
    import trustdesk.guard.cards
    import trustdesk.verify.registry

    assert set(native.active()) == set(native.COMPILED_PACKAGES)
    assert native.is_native(trustdesk.guard.cards)
    assert native.is_native(trustdesk.verify.registry)
    assert not native.is_native(trustdesk.verify.errors)  # kept as Python on purpose (PURE_MODULES)


def test_compiled_and_pure_python_give_identical_results() -> None:
    """Also across hash seeds: a verdict's explanation must not depend on set order."""
    require_builds()
    compiled = run_driver(SRC, native_on=True, hash_seed=1)
    pure = run_driver(SRC, native_on=False, hash_seed=2)
    assert set(compiled["native"]) == {"guard", "verify"}
    assert pure["native"] == {}
    assert len(compiled["results"]) > 3000
    assert compiled["results"] == pure["results"]


def test_an_edited_source_falls_back_to_python_until_rebuilt(tmp_path: Path) -> None:
    require_builds()
    copy = tmp_path / "src"
    shutil.copytree(SRC / "trustdesk", copy / "trustdesk", ignore=shutil.ignore_patterns("__pycache__"))
    cards = copy / "trustdesk" / "guard" / "cards.py"
    cards.write_text(cards.read_text("utf-8") + "\nEDITED_AFTER_THE_BUILD = True\n", "utf-8")
    probe = (
        "import json, trustdesk.guard.cards as c, trustdesk.verify.registry as r; from trustdesk import native;"
        "print(json.dumps([sorted(native.active()), c.EDITED_AFTER_THE_BUILD, native.is_native(r)]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "PYTHONPATH": str(copy), "TRUSTDESK_NATIVE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=tmp_path,
    )
    active, edited, verify_native = json.loads(completed.stdout)
    assert active == ["verify"]  # the guard's build no longer matches its sources
    assert edited is True  # the edited Python module ran, not the stale compiled one
    assert verify_native is True


def test_the_key_follows_content_not_timestamps(tmp_path: Path) -> None:
    before = native.source_key("guard")
    os.utime(native.PACKAGE_ROOT / "guard" / "cards.py")
    assert native.source_key("guard") == before
    assert native.source_key("verify") != before


def test_a_damaged_build_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "NATIVE_ROOT", tmp_path)
    folder = native.build_dir("guard")
    (folder / "trustdesk" / "guard").mkdir(parents=True)
    path: list[str] = []
    assert native.activate("trustdesk.guard", path) is False  # no COMPLETE marker: build interrupted
    (folder / "COMPLETE").write_text("{}")
    (folder / f"broken{native.GROUP_SUFFIX}{native.importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(
        b"not a shared library"
    )
    assert native.activate("trustdesk.guard", path) is False
    assert path == []
    monkeypatch.setenv("TRUSTDESK_NATIVE", "0")
    assert native.activate("trustdesk.verify", path) is False


def test_a_rebuild_keeps_the_newest_older_builds_for_running_servers(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_native", REPO_ROOT / "scripts" / "build_native.py")
    assert spec is not None and spec.loader is not None
    build_native = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_native)
    for age, name in enumerate(["new", "older", "oldest", "ancient"]):
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (1_000_000 - age * 10, 1_000_000 - age * 10))
    (tmp_path / "current").mkdir()
    build_native.prune(tmp_path, keep=tmp_path / "current")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "new", "older"]
