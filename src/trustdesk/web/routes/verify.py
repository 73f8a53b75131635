"""Public contact verification: the API, the page, and the signed manifests under /.well-known."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.channels.signing import active_key, published_keys
from trustdesk.i18n import LANGUAGES, words
from trustdesk.ratelimit import Limit
from trustdesk.store.models import Tenant
from trustdesk.verify import Registry, format_phone, parse_contact, verify_text
from trustdesk.verify.manifest import build_index, build_manifest, jwks_document, sign_manifest
from trustdesk.verify.wording import localize
from trustdesk.web.contract import errors
from trustdesk.web.deps import app_state, client_ip, db, rate_limit, retailer_or_404, write_db
from trustdesk.web.fields import ApiModel, NonBlank, NotNull, TenantSlug, alternatives
from trustdesk.web.locale import page_language

router = APIRouter(tags=["verify"])

LanguageCode = Literal[tuple(LANGUAGES)]  # type: ignore[valid-type]

MAX_VERIFY_TEXT = 20_000
VERIFY_LIMIT = Limit(60, 60)


class VerifyRequest(ApiModel):
    model_config = ConfigDict(
        strict=True,
        json_schema_extra=alternatives(
            "contact", "text", schema_rule={"oneOf": [{"required": ["contact"]}, {"required": ["text"]}]}
        ),
    )

    contact: Annotated[NonBlank | None, NotNull] = Field(
        default=None, max_length=2_000, description="One e-mail, phone number, URL, domain or @handle."
    )
    text: Annotated[str | None, NotNull] = Field(
        default=None,
        min_length=1,
        max_length=MAX_VERIFY_TEXT,
        description="A pasted message: every contact in it is checked (none in it: no results).",
    )
    tenant: TenantSlug | None = Field(default=None, description="Check against this retailer only (slug).")
    lang: LanguageCode | None = Field(
        default=None,
        description='Also write each verdict in this language ("de", "pt-BR"): every result then has '
        '"localized" {lang, explanation, reasons}. "explanation" and "reasons" stay English.',
    )

    @model_validator(mode="after")
    def _one_input(self) -> VerifyRequest:
        if (self.contact is None) == (self.text is None):
            raise ValueError("give exactly one of 'contact' or 'text'")
        return self


class VerifyResponse(BaseModel):
    tenant: str | None
    truncated: bool
    results: list[dict[str, Any]]


def run_verification(
    registry: Registry, *, contact: str | None, text: str | None, tenant: str | None, lang: str | None = None
) -> dict[str, Any]:
    """Shared by the API, the page and the CLI: {"results": [...], "truncated": bool}; with ``lang``
    each result also has "localized": its explanation and reasons in that language."""
    if contact is not None and contact.strip():
        result = registry.check(
            parse_contact(contact.strip(), default_region=registry.default_region), tenant
        )
        results, truncated = [result], False
    else:
        found = verify_text(text or "", registry, tenant)
        results, truncated = found.results, found.truncated
    answers = []
    for result in results:
        answer = result.to_dict()
        if lang is not None:
            answer["localized"] = localize(result, lang)
        answers.append(answer)
    return {"results": answers, "truncated": truncated}


def display_contact(kind: str, value: str) -> str:
    """How a person writes the contact: phones grouped, handles with @."""
    if kind == "phone":
        return format_phone(value)
    if kind == "social" and ":" in value:
        platform, handle = value.split(":", 1)
        return f"@{handle} ({platform})"
    return value


def _tenant_or_404(session: Session, slug: str | None) -> Tenant | None:
    return None if slug is None else retailer_or_404(session, slug)


@router.post(
    "/api/v1/verify",
    response_model=VerifyResponse,
    summary="Is this contact really the retailer's?",
    responses=errors(404, 429, e404="no retailer with this slug"),
)
def verify_api(body: VerifyRequest, request: Request, session: Session = Depends(db)) -> VerifyResponse:
    """No sign-in needed; rate limited per client address. Nothing submitted is stored."""
    rate_limit(request, "verify", client_ip(request), VERIFY_LIMIT)
    tenant = _tenant_or_404(session, body.tenant)
    registry = app_state(request).registry.get(session)
    outcome = run_verification(
        registry, contact=body.contact, text=body.text, tenant=tenant.slug if tenant else None, lang=body.lang
    )
    return VerifyResponse(tenant=tenant.slug if tenant else None, **outcome)


def _render(
    request: Request,
    tenant: Tenant | None,
    text: str = "",
    outcome: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    from trustdesk.web.routes.pages import render

    report_url = f"/t/{tenant.slug}/report" if tenant else None
    routes = {r.path for router in request.app.state.routers for r in router.routes if hasattr(r, "path")}
    if report_url and "/t/{slug}/report" not in routes:
        report_url = None
    return render(
        request,
        "verify.html",
        {
            "tenant": tenant,
            "text": text,
            "outcome": outcome,
            "error": error,
            "report_url": report_url,
            "display_contact": display_contact,
        },
        status_code=status,
    )


@router.get("/verify", response_class=HTMLResponse, include_in_schema=False)
def verify_page(request: Request) -> HTMLResponse:
    return _render(request, None)


@router.get("/t/{slug}/verify", response_class=HTMLResponse, include_in_schema=False)
def tenant_verify_page(slug: str, request: Request, session: Session = Depends(db)) -> HTMLResponse:
    return _render(request, _tenant_or_404(session, slug))


def _submit(request: Request, session: Session, tenant: Tenant | None, text: str) -> HTMLResponse:
    rate_limit(request, "verify", client_ip(request), VERIFY_LIMIT)
    if not text.strip():
        return _render(
            request,
            tenant,
            text,
            error=words(page_language(request, tenant).code).gettext(
                "Paste a phone number, e-mail address, web address or the whole message."
            ),
            status=422,
        )
    registry = app_state(request).registry.get(session)
    page = page_language(request, tenant)
    outcome = run_verification(
        registry, contact=None, text=text, tenant=tenant.slug if tenant else None, lang=page.code
    )
    return _render(request, tenant, text, outcome)


@router.post("/verify", response_class=HTMLResponse, include_in_schema=False)
def verify_submit(
    request: Request, text: str = Form(default="", max_length=MAX_VERIFY_TEXT), session: Session = Depends(db)
) -> HTMLResponse:
    return _submit(request, session, None, text)


@router.post("/t/{slug}/verify", response_class=HTMLResponse, include_in_schema=False)
def tenant_verify_submit(
    slug: str,
    request: Request,
    text: str = Form(default="", max_length=MAX_VERIFY_TEXT),
    session: Session = Depends(db),
) -> HTMLResponse:
    return _submit(request, session, _tenant_or_404(session, slug), text)


# ----------------------------------------------------------------------------- manifests


def _signed(document: dict[str, Any]) -> JSONResponse:
    return JSONResponse(
        document, headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
    )


def _manifest_for(request: Request, session: Session, tenant: Tenant) -> JSONResponse:
    state = app_state(request)
    registry = state.registry.get(session)
    manifest = build_manifest(
        tenant.slug, tenant.name, registry.channels(tenant.slug), issuer=state.settings.public_base_url
    )
    key = active_key(session, state.box)
    session.commit()  # the first request creates the key
    return _signed(sign_manifest(manifest, key))


@router.get(
    "/.well-known/trustdesk/channels.json",
    summary="Signed official-channel manifest (or the index of retailers)",
    responses=errors(404, 429, e404="no retailer with this slug"),
)
def manifest(
    request: Request,
    tenant: TenantSlug | None = None,
    session: Session = Depends(write_db),
) -> JSONResponse:
    """With ?tenant=slug, or when the request's host is a retailer's domain, that retailer's manifest; else the index."""
    state = app_state(request)
    rate_limit(request, "manifest", client_ip(request), Limit(300, 60))
    chosen = _tenant_or_404(session, tenant)
    if chosen is None:
        host = (request.headers.get("host") or "").split(":")[0].lower().removeprefix("www.")
        chosen = session.scalar(select(Tenant).where(Tenant.primary_domain == host)) if host else None
    if chosen is not None:
        return _manifest_for(request, session, chosen)
    base = state.settings.public_base_url.rstrip("/")
    entries = [
        (t.slug, t.name, f"{base}/.well-known/trustdesk/channels/{t.slug}.json")
        for t in session.scalars(select(Tenant).order_by(Tenant.slug))
    ]
    key = active_key(session, state.box)
    session.commit()
    return _signed(sign_manifest(build_index(entries, issuer=state.settings.public_base_url), key))


@router.get(
    "/.well-known/trustdesk/channels/{slug}.json",
    summary="One retailer's signed official-channel manifest",
    responses=errors(404, 429),
)
def tenant_manifest(slug: TenantSlug, request: Request, session: Session = Depends(write_db)) -> JSONResponse:
    rate_limit(request, "manifest", client_ip(request), Limit(300, 60))
    tenant = _tenant_or_404(session, slug)
    assert tenant is not None
    return _manifest_for(request, session, tenant)


@router.get("/.well-known/trustdesk/jwks.json", summary="Public keys that verify the manifests")
def jwks(request: Request, session: Session = Depends(write_db)) -> JSONResponse:
    state = app_state(request)
    keys = published_keys(session, state.box)
    if not keys:
        keys = [active_key(session, state.box)]
        session.commit()
    return _signed(jwks_document(keys))
