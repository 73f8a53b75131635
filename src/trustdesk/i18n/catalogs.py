"""gettext catalogs: src/trustdesk/locale/<ll>/LC_MESSAGES/trustdesk.po, compiled to .mo by `make`.

The source strings are English, so English needs no catalog. A catalog whose .mo is missing or
older than its .po (a fresh checkout before `make`, or an edited .po) is compiled in memory from
the .po instead, so the words shown never lag behind the catalog that was reviewed.
"""

from __future__ import annotations

import gettext
import io
import threading
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from trustdesk.i18n.languages import DEFAULT_LANGUAGE, posix_locale, supported

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "trustdesk"

_cache: dict[str, gettext.NullTranslations] = {}
_lock = threading.Lock()


def catalog_paths(code: str) -> tuple[Path, Path]:
    """The .po and .mo files of a supported language."""
    folder = LOCALE_DIR / posix_locale(code) / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def _load(code: str) -> gettext.NullTranslations:
    if code == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    po, mo = catalog_paths(code)
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=posix_locale(code), domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translator(code: str | None) -> gettext.NullTranslations:
    """The translations for a language code (English for None or an unsupported code); cached."""
    resolved = supported(code) or DEFAULT_LANGUAGE
    found = _cache.get(resolved)
    if found is None:
        with _lock:
            found = _cache.get(resolved)
            if found is None:
                found = _cache[resolved] = _load(resolved)
    return found
