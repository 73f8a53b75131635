"""The language a page is rendered in, and the Jinja2 gettext and Babel formatting that use it.

One Jinja2 environment serves every language: its gettext callables read the template variable
``lang`` (set by `page_context`), so two requests rendering at once never share a language.
The language is negotiated per request over the retailer's offered languages
(tenancy.languages.negotiate): the language switch's choice (``?lang=`` or the cookie it sets),
else the browser's Accept-Language, else the retailer's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from fastapi import Request
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from trustdesk.channels.words import channel_kind_label, contact_channel_label
from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, supported, translator
from trustdesk.i18n.languages import cldr_locale
from trustdesk.reports.reason_words import reason_words
from trustdesk.store.models import Tenant
from trustdesk.tenancy.language_settings import tenant_languages
from trustdesk.tenancy.languages import ENGLISH_ONLY, TenantLanguages, negotiate, not_offered_notice

LANG_COOKIE = "td_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
# Pages without a retailer (the landing page, the desk-wide verify page, sign-in without one) offer
# every language the desk speaks.
ALL_LANGUAGES = TenantLanguages(offered=tuple(LANGUAGES), default=DEFAULT_LANGUAGE)


@dataclass(frozen=True, slots=True)
class PageLanguage:
    """The language one page is rendered in and what its language switch offers."""

    code: str
    choices: tuple[Language, ...]
    here: str  # the page's own path and query (without lang=), where the switch comes back to
    notice: tuple[str, str] | None = None  # "not offered" in the customer's language and in ours
    notice_lang: str | None = None

    @property
    def switch_url(self) -> str:
        return "/language"


def page_language(request: Request, tenant: Tenant | None) -> PageLanguage:
    """Negotiate the page's language for ``tenant`` (every supported language without one); kept on
    the request, so an error page raised later speaks the same language."""
    offered = (tenant_languages(tenant) if tenant is not None else ALL_LANGUAGES) or ENGLISH_ONLY
    asked = supported(request.query_params.get("lang"))
    choice = asked if asked in offered.offered else request.cookies.get(LANG_COOKIE)
    negotiated = negotiate(request.headers.get("accept-language"), choice, offered.offered, offered.default)
    # The switch comes back to this page, without a redirect target of its own: a crafted ?next= is
    # never echoed into the page (sign-in judges its own next= when it is submitted).
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "next")]
    here = request.url.path + ("?" + urlencode(query) if query else "")
    notice = None
    if negotiated.unavailable and negotiated.unavailable != negotiated.code:
        notice = not_offered_notice(negotiated.unavailable, negotiated.code)
    chosen = PageLanguage(
        code=negotiated.code,
        choices=tuple(LANGUAGES[c] for c in offered.offered),
        here=here,
        notice=notice,
        notice_lang=negotiated.unavailable if notice else None,
    )
    request.state.page_language = chosen
    return chosen


def english_page(request: Request) -> PageLanguage:
    """The staff console's language: English, without a switch."""
    return PageLanguage(code=DEFAULT_LANGUAGE, choices=(), here=request.url.path)


def remembered_language(request: Request) -> PageLanguage | None:
    """The language negotiated earlier in this request, if any (for error pages)."""
    found = getattr(request.state, "page_language", None)
    return found if isinstance(found, PageLanguage) else None


def page_context(page: PageLanguage) -> dict[str, Any]:
    """The template variables every page needs for its language."""
    return {"lang": page.code, "page_lang": page}


# --- Jinja2: gettext and Babel formatting in the page's language ------------------------------------


def _code(context: Context) -> str:
    value = context.get("lang")
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translator(_code(context)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translator(_code(context)).ngettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, ctx: str, message: str) -> str:
    return translator(_code(context)).pgettext(ctx, message)


@pass_context
def _npgettext(context: Context, ctx: str, singular: str, plural: str, n: int) -> str:
    return translator(_code(context)).npgettext(ctx, singular, plural, n)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@pass_context
def _format_date(context: Context, value: date | datetime | None, format: str = "long") -> str:
    if value is None:
        return ""
    return format_date(value, format=format, locale=cldr_locale(_code(context)))


@pass_context
def _format_datetime(context: Context, value: datetime | str | None, format: str = "medium") -> str:
    """A moment in UTC, written the language's way ("7. Dezember 2026, 14:05:00")."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(_as_utc(moment), format=format, tzinfo=UTC, locale=cldr_locale(_code(context)))


@pass_context
def _format_number(context: Context, value: int | float | Decimal) -> str:
    return format_decimal(value, locale=cldr_locale(_code(context)))


@pass_context
def _format_money(context: Context, cents: int, currency: str) -> str:
    """An amount in minor units, with the currency as the language writes it ("59,90 €", "€59.90")."""
    return format_currency(Decimal(cents) / 100, currency, locale=cldr_locale(_code(context)))


@pass_context
def _contact_kind(context: Context, kind: str) -> str:
    """A kind of contact ("phone", "sending_domain") as the page's language names it."""
    return channel_kind_label(kind, _code(context))


@pass_context
def _contact_channel(context: Context, channel: str) -> str:
    """How an agent will reach the customer (phone, sms, email) in the page's language."""
    return contact_channel_label(channel, _code(context))


@pass_context
def _english_only(context: Context) -> Markup:
    """` lang="en"` on an element whose words are not translated yet (a judge's English reasons) when
    the page is in another language: screen readers then read it as English, and it is honest."""
    return Markup(' lang="en"') if _code(context) != DEFAULT_LANGUAGE else Markup("")


@pass_context
def _report_reason(context: Context, reason: dict[str, Any]) -> str:
    """A stored report reason ({"code", "text"}) as the page's language writes it."""
    return reason_words(str(reason.get("code", "")), str(reason.get("text", "")), _code(context))


def install_i18n(env: Environment) -> None:
    """Give the environment Jinja2's i18n extension over our catalogs, and Babel's formatting."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # a translated paragraph may wrap in the template
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    env.globals.update(
        format_date=_format_date,
        format_datetime=_format_datetime,
        format_number=_format_number,
        format_money=_format_money,
        contact_kind=_contact_kind,
        contact_channel=_contact_channel,
        english_only=_english_only,
        report_reason=_report_reason,
    )
