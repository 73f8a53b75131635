"""Native builds of the hot pure-Python packages (the guard and verification), loaded when current.

`scripts/build_native.py` compiles a package's modules with mypyc into
`src/trustdesk/_native/<package>/<key>/`, where the key is a digest of the package's sources and
the interpreter. A package's `__init__` calls `activate(__name__, __path__)` before importing its
modules: when a build with the key of the sources *as they are now* exists, its folder goes to the
front of the package's `__path__`, so `import trustdesk.guard.cards` finds the compiled module.
Any edit to a source changes the key, so a stale build is never used and the pure-Python modules
run instead (same code, same results, slower). `TRUSTDESK_NATIVE=0` turns native modules off.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
NATIVE_ROOT = PACKAGE_ROOT / "_native"
# The packages that are compiled: self-contained domain logic, no imports from the rest of trustdesk.
COMPILED_PACKAGES = ("guard", "verify")
GROUP_SUFFIX = "__mypyc"
# Modules left as Python: exception hierarchies whose subclasses override class attributes
# (mypyc turns those into per-instance slots), and the verdicts' wording in other languages, which
# reads the gettext catalogs (trustdesk.i18n); neither is on the hot path.
PURE_MODULES = {"verify": frozenset({"errors.py", "wording.py"})}

_active: dict[str, Path] = {}


def package_modules(package: str) -> list[Path]:
    """The modules of `trustdesk.<package>` that are compiled: all but the `__init__` and PURE_MODULES."""
    skip = {"__init__.py", *PURE_MODULES.get(package, ())}
    folder = PACKAGE_ROOT / package
    return sorted(path for path in folder.glob("*.py") if path.name not in skip)


def source_key(package: str) -> str:
    """Digest of what a build of `package` depends on: its sources, which are compiled, the ABI."""
    digest = hashlib.sha256()
    digest.update(sys.implementation.cache_tag.encode())
    digest.update(importlib.machinery.EXTENSION_SUFFIXES[0].encode())
    digest.update(" ".join(path.name for path in package_modules(package)).encode() + b"\0")
    folder = PACKAGE_ROOT / package
    for path in sorted(folder.glob("*.py")):  # the __init__ too: compiled code depends on its names
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def build_dir(package: str, key: str | None = None) -> Path:
    return NATIVE_ROOT / package / (key or source_key(package))


def enabled() -> bool:
    return os.environ.get("TRUSTDESK_NATIVE", "1").strip().lower() not in {"0", "false", "no", "off"}


def activate(package_name: str, package_path: list[str]) -> bool:
    """Put a current native build of `package_name` first on its `__path__`; False if there is none.

    Must run in the package's `__init__` before it imports any of its modules.
    """
    package = package_name.rpartition(".")[2]
    if not enabled() or package not in COMPILED_PACKAGES:
        return False
    folder = build_dir(package)
    modules_dir = folder / "trustdesk" / package
    if not (folder / "COMPLETE").is_file() or not modules_dir.is_dir():
        return False
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    try:
        # mypyc puts the code of all modules in one shared "group" library that each module's
        # small shim imports by its top-level name; it is not on sys.path, so load it by file.
        for library in folder.glob(f"*{GROUP_SUFFIX}{suffix}"):
            name = library.name[: -len(suffix)]
            if name in sys.modules:
                continue
            spec = importlib.util.spec_from_file_location(name, library)
            if spec is None or spec.loader is None:
                return False
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
    except ImportError:
        return False  # built for another interpreter, or damaged: the pure-Python modules run
    package_path.insert(0, str(modules_dir))
    _active[package] = folder
    return True


def active() -> dict[str, str]:
    """Which packages run native code in this process, and from where (for /health and tests)."""
    return {package: str(folder) for package, folder in _active.items()}


def is_native(module: object) -> bool:
    """True when `module` was loaded from a compiled extension."""
    origin = getattr(module, "__file__", None) or ""
    return origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
