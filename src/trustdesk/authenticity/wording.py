"""The message check's evidence and "what changed" in the customer's language.

Each piece of evidence keeps its English ``detail`` (the stable API and CLI text) and, beside it, the
gettext message it is written from in other languages with its values (`Evidence.add(..., say=...)`).
A value is written per language: a contact's verdict with `verify.wording`, a date with Babel, a
`Phrase` (a word that fills a slot) through its own context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date

from trustdesk.authenticity.canonical import CriticalKind
from trustdesk.authenticity.fingerprint import CriticalChange
from trustdesk.i18n import Words
from trustdesk.i18n.languages import cldr_locale
from trustdesk.verify import VerificationResult
from trustdesk.verify.wording import localize


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "translate later", known to pybabel
    """Mark a message for `make messages`; it is translated when it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Phrase:
    """A word or phrase that fills a slot, translated under its own context ("an e-mail" as sent)."""

    context: str
    message: str


@dataclass(frozen=True, slots=True)
class Counted:
    """A number of things of one kind ("a link", "3 links"), as an ngettext message pair."""

    singular: str
    plural: str
    count: int


def value_in(value: object, w: Words) -> str:
    """One value of a message in the language of ``w``."""
    if isinstance(value, VerificationResult):
        return str(localize(value, w.code)["explanation"])
    if isinstance(value, Phrase):
        return w.pgettext(value.context, value.message)
    if isinstance(value, Counted):
        return w.ngettext(value.singular, value.plural, value.count, count=value.count)
    if isinstance(value, Said):
        return written(value.message, value.params, w)
    if isinstance(value, datetime | date):
        return format_date(value, format="long", locale=cldr_locale(w.code))
    return str(value)


def written(message: str, params: Mapping[str, object], w: Words) -> str:
    """``message`` in the language of ``w`` with each value written in it too."""
    return w.gettext(message, **{key: value_in(value, w) for key, value in params.items()})


@dataclass(frozen=True, slots=True)
class Said:
    """A whole message used as the value of another ("{change} (in the HTML version)")."""

    message: str
    params: Mapping[str, object]


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural message pair for `make messages` (pybabel knows the name); the count is
    given when it is shown (`Counted`)."""
    return singular, plural


_COUNTED: dict[CriticalKind, tuple[str, str]] = {
    CriticalKind.LINK: ngettext("{count} link", "{count} links"),
    CriticalKind.WEB_ADDRESS: ngettext("{count} web address", "{count} web addresses"),
    CriticalKind.EMAIL: ngettext("{count} e-mail address", "{count} e-mail addresses"),
    CriticalKind.PHONE: ngettext("{count} phone number", "{count} phone numbers"),
    CriticalKind.IBAN: ngettext("{count} bank account number (IBAN)", "{count} bank account numbers (IBAN)"),
    CriticalKind.AMOUNT: ngettext("{count} amount of money", "{count} amounts of money"),
    CriticalKind.NUMBER: ngettext(
        "{count} number (such as an account, order or reference number)",
        "{count} numbers (such as account, order or reference numbers)",
    ),
    CriticalKind.HANDLE: ngettext("{count} social-media handle", "{count} social-media handles"),
}
_ACTIONS = {
    "changed": N_("Changed: {what}."),
    "added": N_("Added, though we did not send it: {what}."),
    "removed": N_("Removed: {what}."),
}


def change_words(change: CriticalChange) -> tuple[str, dict[str, object]]:
    """The message and values that write one `CriticalChange` in another language."""
    singular, plural = _COUNTED[change.kind]
    count = max(change.added, change.removed)
    return _ACTIONS[change.action], {"what": Counted(singular, plural, count)}
