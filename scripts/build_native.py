"""Compile the guard and verification packages with mypyc (see src/trustdesk/native.py).

    .venv/bin/python scripts/build_native.py            # build what is missing or out of date
    .venv/bin/python scripts/build_native.py --check    # exit 1 unless every package has a current build

Needs the `native` extra (mypy, which ships mypyc) and a C compiler with the Python headers. A
build for the current sources is kept; older builds of the same package are removed. Without a
compiler the packages run as pure Python: same results, slower (docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from trustdesk import native  # noqa: E402


def build(package: str) -> Path:
    """Compile trustdesk.<package> into its key folder; returns the folder."""
    from mypyc.build import mypycify  # the `native` extra; imported here so --check needs nothing
    from setuptools import Distribution

    key = native.source_key(package)
    target = native.build_dir(package, key)
    sources = [str(path.relative_to(REPO)) for path in native.package_modules(package)]
    work = Path(tempfile.mkdtemp(prefix=f"native-{package}-", dir=native.NATIVE_ROOT))
    started = time.perf_counter()
    cwd = Path.cwd()
    os.chdir(REPO)  # mypy resolves `trustdesk.*` from the src layout and reads pyproject.toml
    try:
        extensions = mypycify(
            [
                "--config-file",
                str(REPO / "pyproject.toml"),
                "--cache-dir",
                str(REPO / "build" / "native-mypy-cache"),
                *sources,
            ],
            opt_level="3",
            target_dir=str(work / "c"),
        )
        distribution = Distribution({"name": f"trustdesk-native-{package}", "ext_modules": extensions})
        command = distribution.get_command_obj("build_ext")
        command.build_lib = str(work / "lib")  # type: ignore[attr-defined]
        command.build_temp = str(work / "obj")  # type: ignore[attr-defined]
        command.parallel = os.cpu_count() or 1  # type: ignore[attr-defined]
        distribution.run_command("build_ext")
        if native.source_key(package) != key:
            raise RuntimeError(f"trustdesk/{package} changed while it was compiled; run again")
        info = {
            "package": package,
            "key": key,
            "modules": [Path(source).stem for source in sources],
            "seconds": round(time.perf_counter() - started, 1),
            "python": sys.version.split()[0],
            "mypyc": compiler_version(),
        }
        (work / "lib" / "COMPLETE").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        if target.exists() and not is_current(package):
            shutil.rmtree(target)  # made by another mypyc, or left incomplete by hand
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            (work / "lib").rename(target)  # readers see a whole build or none
        except OSError:
            if not (target / "COMPLETE").is_file():
                raise
            # Another build of the same sources finished first; it is as good as this one.
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)
    prune(target.parent, keep=target)
    return target


KEEP_BUILDS = 3


def prune(folder: Path, keep: Path) -> None:
    """Remove all but the newest builds: a server started before this build still imports from its
    own folder (modules load lazily), and a checkout shared by two Pythons keeps one build of each."""
    builds = sorted(
        (path for path in folder.iterdir() if path != keep),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for old in builds[KEEP_BUILDS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def output_to(log: Path):
    """Send this process's stdout/stderr (the compiler's too) to `log` for the duration."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("wb") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def compiler_version() -> str | None:
    """The installed mypy (which ships mypyc), or None when the `native` extra is missing."""
    try:
        return importlib.metadata.version("mypy")
    except importlib.metadata.PackageNotFoundError:
        return None


def is_current(package: str) -> bool:
    """A build for the current sources exists, made by the mypyc installed now (an upgrade rebuilds;
    the loader itself needs no mypy, so it keys on the sources only)."""
    marker = native.build_dir(package) / "COMPLETE"
    if not marker.is_file():
        return False
    installed = compiler_version()
    try:
        built_with = json.loads(marker.read_text("utf-8")).get("mypyc")
    except (OSError, ValueError):
        return False
    return installed is None or built_with == installed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the builds are current")
    parser.add_argument("--quiet", action="store_true", help="compiler output to build/native-<package>.log")
    parser.add_argument("packages", nargs="*", default=list(native.COMPILED_PACKAGES))
    args = parser.parse_args()
    unknown = sorted(set(args.packages) - set(native.COMPILED_PACKAGES))
    if unknown:
        parser.error(f"not a compiled package: {', '.join(unknown)}")
    stale = [package for package in args.packages if not is_current(package)]
    if args.check:
        for package in args.packages:
            print(f"trustdesk.{package}: {'stale or missing' if package in stale else 'current'}")
        return 1 if stale else 0
    native.NATIVE_ROOT.mkdir(parents=True, exist_ok=True)
    for package in args.packages:
        if package not in stale:
            print(f"trustdesk.{package}: native build is current")
            continue
        print(f"trustdesk.{package}: compiling with mypyc ...", flush=True)
        if not args.quiet:
            folder = build(package)
        else:
            log = REPO / "build" / f"native-{package}.log"
            try:
                with output_to(log):
                    folder = build(package)
            except BaseException:
                print(log.read_text("utf-8", "replace")[-4000:], file=sys.stderr)
                raise
        print(f"trustdesk.{package}: built in {folder.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
