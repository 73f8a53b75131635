"""The gettext catalogs: every supported language translates every message the sources use, with the
same placeholders, and `make catalogs` compiles what the app loads.

The messages are extracted from the sources with the project's own babel.cfg (as `make messages`
does), so a new string without translations, a stale catalog or a translation that drops, renames
or mistypes a {placeholder} fails here, not in front of a customer.
"""

from __future__ import annotations

import gettext
import re
import shutil
import string
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from tests.conftest import REPO_ROOT

from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, posix_locale, translator
from trustdesk.i18n.catalogs import LOCALE_DIR, catalog_paths

SOURCES = REPO_ROOT / "src" / "trustdesk"
TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]

Key = tuple[str | None, str]  # (context, msgid)


@cache
def source_messages() -> dict[Key, str]:
    """Every message the sources use, as `make messages` extracts it -> where it was found."""
    with (REPO_ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[Key, str] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(SOURCES), method_map, options_map
    ):
        msgid = message if isinstance(message, str) else message[0]  # plural: the singular names it
        found.setdefault((context, msgid), filename)
    return found


def load(code: str) -> Catalog:
    po, _ = catalog_paths(code)
    with po.open("rb") as handle:
        return read_po(handle, locale=posix_locale(code), domain="trustdesk")


def brace_fields(text: str) -> list[str]:
    """The {fields} of a str.format template, sorted; raises ValueError on an unbalanced brace."""
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


PERCENT_FIELD = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%(?!%)[sdifr]")


def percent_fields(text: str) -> list[str]:
    """The %(name)s (and bare %s) placeholders of a python-format message (the templates' i18n tags
    write these), as a sorted set: a translation may repeat a name the sentence needs twice."""
    return sorted({match.group(1) or match.group(0) for match in PERCENT_FIELD.finditer(text)})


def catalog_problems(catalog: Catalog, expected: dict[Key, str]) -> list[str]:
    """What is wrong with a catalog against the messages the sources use (empty when nothing)."""
    problems: list[str] = []
    entries = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    for key in expected:
        message = entries.get(key)
        if message is None:
            problems.append(f"missing {key!r}")
            continue
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(translations):
            problems.append(f"untranslated or fuzzy {key!r}")
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        if "python-format" in message.flags:
            percent = percent_fields(sources[0])
            for translation in translations:
                if percent_fields(translation) != percent:
                    problems.append(f"placeholders of {key!r}: {translation!r} should use {percent}")
        try:
            wanted = brace_fields(sources[0])
            for translation in translations:
                if brace_fields(translation) != wanted:
                    problems.append(f"placeholders of {key!r}: {translation!r} should use {wanted}")
        except ValueError as exc:  # an unbalanced "{" or "}" that str.format would choke on
            problems.append(f"broken placeholder in {key!r}: {exc}")
    for key in entries.keys() - expected.keys():
        problems.append(f"not used by the sources any more: {key!r}")
    # Babel's own checks: %-style placeholders of python-format messages, plural forms.
    for message, errors in catalog.check():
        problems.extend(f"{message.id!r}: {error}" for error in errors)
    return problems


def test_the_sources_have_messages_to_translate():
    messages = source_messages()
    assert (None, "We removed {items} from your message to keep you safe.") in messages
    assert ("notice: never asked for", "your card number") in messages


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_supported_language_translates_every_message_with_its_placeholders(code):
    po, _ = catalog_paths(code)
    assert po.is_file(), f"{code} has no catalog at {po}"
    assert catalog_problems(load(code), source_messages()) == []


def test_a_catalog_with_a_gap_or_a_broken_placeholder_is_caught():
    expected = {
        (None, "{brand} will never ask for {items}."): "x.py",
        (None, "We will never ask for {items}."): "x.py",
        ("notice: never asked for", "your card number"): "x.py",
        (None, "Offer the password-reset link instead."): "x.py",
        (None, "Use the in-account verification instead."): "x.py",
    }
    catalog = Catalog(locale="de", domain="trustdesk")
    catalog.add("{brand} will never ask for {items}.", "{marke} wird Sie nie nach {items} fragen.")
    catalog.add("We will never ask for {items}.", "Wir fragen Sie nie nach {items.")
    catalog.add("your card number", "", context="notice: never asked for")
    catalog.add("Offer the password-reset link instead.", "Bieten Sie den Link an.", flags=["fuzzy"])
    catalog.add("An old sentence.", "Ein alter Satz.")
    expected[(None, "Hello, %(name)s")] = "x.html"
    catalog.add("Hello, %(name)s", "Hallo %(nom)s", flags=["python-format"])
    expected[(None, "Support hours: %(hours)s")] = "x.html"
    catalog.add("Support hours: %(hours)s", "Servicezeiten: ", flags=["python-format"])
    problems = "\n".join(catalog_problems(catalog, expected))
    assert "placeholders of (None, '{brand} will never ask for {items}.')" in problems
    assert "broken placeholder in (None, 'We will never ask for {items}.')" in problems
    assert "untranslated or fuzzy ('notice: never asked for', 'your card number')" in problems
    assert "untranslated or fuzzy (None, 'Offer the password-reset link instead.')" in problems
    assert "missing (None, 'Use the in-account verification instead.')" in problems
    assert "not used by the sources any more: (None, 'An old sentence.')" in problems
    assert "placeholders of (None, 'Hello, %(name)s')" in problems
    assert "placeholders of (None, 'Support hours: %(hours)s')" in problems


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_app_loads_each_catalog_as_reviewed(code):
    translations = translator(code)
    assert isinstance(translations, gettext.GNUTranslations)
    for message in load(code):
        if not message.id or not isinstance(message.id, str):
            continue
        if message.context:
            assert translations.pgettext(message.context, message.id) == message.string
        else:
            assert translations.gettext(message.id) == message.string


def test_make_catalogs_compiles_every_catalog(tmp_path):
    """`make run` and `make pytest` depend on `catalogs`: pybabel compile writes each .mo."""
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    prerequisites = {
        line.split(":", 1)[0]: line.split(":", 1)[1].split()
        for line in makefile.splitlines()
        if line[:1].isalpha() and ":" in line and "=" not in line
    }
    assert "catalogs" in prerequisites["run"] and "catalogs" in prerequisites["pytest"]
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    locales = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locales, ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # the shared virtualenv is installed already; nothing to install
    bin_dir = Path(sys.executable).parent
    proc = subprocess.run(
        [make, "-C", str(REPO_ROOT), "catalogs", f"LOCALES={locales}", f"VENV={venv}", f"BIN={bin_dir}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    for code in TRANSLATED:
        mo = locales / posix_locale(code) / "LC_MESSAGES" / "trustdesk.mo"
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        sentence = "We removed {items} from your message to keep you safe."
        assert compiled.gettext(sentence) == translator(code).gettext(sentence) != sentence
