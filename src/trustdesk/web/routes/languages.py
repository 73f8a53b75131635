"""The languages a retailer offers its customers: the admin API and the console page that edit them.

The rules (supported codes, a default among the offered ones) live in tenancy.languages; this module
only carries them over HTTP, with the change audited in the same transaction.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.i18n import LANGUAGES, supported
from trustdesk.tenancy.language_settings import set_tenant_languages, tenant_languages
from trustdesk.tenancy.languages import LanguageSettingsError, TenantLanguages
from trustdesk.web.contract import errors
from trustdesk.web.deps import Auth, app_state, check_csrf, client_ip, db, require
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import ApiModel
from trustdesk.web.locale import LANG_COOKIE, LANG_COOKIE_MAX_AGE
from trustdesk.web.redirects import MAX_NEXT_CHARS, safe_next
from trustdesk.web.routes.pages import Console, console_page, render

router = APIRouter(tags=["languages"])
MANAGE = Permission.MANAGE_LANGUAGES
Code = Literal[tuple(LANGUAGES)]  # type: ignore[valid-type]


class LanguageOut(BaseModel):
    code: str = Field(description="BCP 47 code, e.g. de or pt-BR")
    name: str = Field(description="The language's name in itself, as the language switch shows it")
    english_name: str


class TenantLanguagesIn(ApiModel):
    languages: list[Code] = Field(  # type: ignore[valid-type]
        min_length=1,
        max_length=len(LANGUAGES),
        json_schema_extra={"uniqueItems": True},
        description="The languages customers are offered, in the order the language switch lists them",
    )
    default: Code | None = Field(  # type: ignore[valid-type]
        default=None,
        description="The language a customer gets when none of theirs is offered; one of `languages` "
        "(the first when left out)",
    )


class TenantLanguagesOut(BaseModel):
    languages: list[str]
    default: str
    available: list[LanguageOut] = Field(description="Every language the desk can offer")


def _answer(chosen: TenantLanguages) -> dict[str, Any]:
    available = [{"code": x.code, "name": x.name, "english_name": x.english_name} for x in LANGUAGES.values()]
    return {"languages": list(chosen.offered), "default": chosen.default, "available": available}


@router.get(
    "/api/v1/tenant/languages",
    response_model=TenantLanguagesOut,
    summary="The languages this retailer offers its customers, and its default",
)
def read_languages(auth: Auth = Depends(require(MANAGE))) -> dict[str, Any]:
    return _answer(tenant_languages(auth.tenant))


@router.put(
    "/api/v1/tenant/languages",
    response_model=TenantLanguagesOut,
    summary="Choose the languages this retailer offers and its default (audited)",
    responses=errors(
        e422="not a supported language code, a language listed twice, or a default that is not among the "
        "offered languages (invalid_languages)"
    ),
)
def write_languages(
    body: TenantLanguagesIn,
    request: Request,
    auth: Auth = Depends(require(MANAGE)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    tenant = session.merge(auth.tenant)
    try:
        chosen = set_tenant_languages(
            session, tenant, body.languages, body.default, actor=auth.actor, ip=client_ip(request)
        )
    except LanguageSettingsError as exc:
        raise ApiError(422, "invalid_languages", str(exc)) from None
    session.commit()
    return _answer(chosen)


# --- console page ----------------------------------------------------------------------------------


def _page(page: Console, chosen: TenantLanguages, error: str | None = None) -> HTMLResponse:
    context = page.context("languages") | {
        "all_languages": list(LANGUAGES.values()),
        "chosen": chosen,
        "error": error,
        "saved": page.request.query_params.get("saved") == "1",
    }
    return render(page.request, "console_languages.html", context, status_code=422 if error else 200)


@router.get("/console/languages", response_class=HTMLResponse, include_in_schema=False)
def console_languages(page: Console = Depends(console_page(MANAGE))) -> HTMLResponse:
    return _page(page, tenant_languages(page.tenant))


def ordered_choice(form: dict[str, str], checked: list[str]) -> list[str]:
    """The checked languages sorted by the position typed next to each ("order-de": "2"); languages
    without a usable position keep the desk's order after the numbered ones."""
    desk_order = list(LANGUAGES)

    def key(code: str) -> tuple[int, int]:
        raw = form.get(f"order-{code}", "").strip()
        position = int(raw) if raw.isdigit() and len(raw) <= 2 else 99
        return position, desk_order.index(code) if code in desk_order else len(desk_order)

    return sorted(checked, key=key)


@router.post("/console/languages", response_class=HTMLResponse, include_in_schema=False)
async def console_save_languages(page: Console = Depends(console_page(MANAGE))) -> Response:
    async with page.request.form(max_files=0, max_fields=100) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 200}
        checked = [v for v in form.getlist("languages") if isinstance(v, str)][: len(LANGUAGES) + 1]
    check_csrf(page.request, page.auth, fields.get("csrf_token", ""))
    tenant = page.session.merge(page.tenant)
    try:
        set_tenant_languages(
            page.session,
            tenant,
            ordered_choice(fields, checked),
            fields.get("default") or None,
            actor=page.auth.actor,
            ip=page.ip,
        )
    except LanguageSettingsError as exc:
        return _page(page, tenant_languages(page.tenant), error=str(exc))
    return page.done("/console/languages?saved=1")


# --- the customers' language switch ------------------------------------------------------------------


def with_language(target: str, code: str) -> str:
    """``target`` with its ``lang`` parameter set to ``code``: an earlier choice replaced, any
    "#fragment" kept last (where a parameter appended after it would be lost)."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    query.append(("lang", code))
    return urlunsplit(parts._replace(query=urlencode(query)))


@router.get("/language", include_in_schema=False)
def switch_language(
    request: Request,
    lang: str = Query(default="", max_length=35),
    next: str = Query(default="/", max_length=MAX_NEXT_CHARS),
) -> RedirectResponse:
    """The language switch (a plain GET form, so it works without script): remember the choice in a
    cookie and go back to the page, which then speaks the chosen language if its retailer offers it."""
    code = supported(lang)
    target = safe_next(next, "/") or "/"
    if code is not None:
        # In the URL too: a framed widget on a retailer's site may not keep the desk's cookie.
        target = with_language(target, code)
    response = RedirectResponse(target, status_code=303)
    if code is not None:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=LANG_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=app_state(request).settings.behind_tls,
            path="/",
        )
    return response
