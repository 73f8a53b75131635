""" "Was this really from us?": the public check page per retailer and the JSON API. Nothing submitted is stored.

Why one module: its routes are the faces (page, API, agent codes, caller check, mail keys) of one authenticity check and share its resolver and retailer lookup.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.authenticity.service import run_check
from trustdesk.i18n import words
from trustdesk.mail import Resolver
from trustdesk.mailchannel.intake import resolver_from_setting
from trustdesk.ratelimit import Limit
from trustdesk.store.models import Customer, Tenant
from trustdesk.web.contract import errors
from trustdesk.web.deps import (
    Auth,
    app_state,
    client_ip,
    current_auth,
    db,
    rate_limit,
    require,
    retailer_or_404,
)
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import (
    NOT_SPACE,
    ApiModel,
    EmailAddress,
    NonBlank,
    NotNull,
    RowId,
    TenantSlug,
    alternatives,
    count,
)
from trustdesk.web.locale import page_language
from trustdesk.web.routes.pages import Console, console_form, console_page, render

router = APIRouter(tags=["authenticity"])

CHECK_LIMIT = Limit(30, 60)
MAX_TEXT = 50_000
MAX_EML_BYTES = 2 * 1024 * 1024
RESOLVER_KEY = "authenticity_resolver"
REPORT_PATH = "/t/{slug}/report"


def check_resolver(request: Request) -> Resolver | None:
    """The DNS resolver for inbound-mail checks: set in app extras (tests), else the servers of
    TRUSTDESK_DNS_NAMESERVERS, else the system's."""
    state = app_state(request)
    extras = state.extras
    if RESOLVER_KEY not in extras:
        extras[RESOLVER_KEY] = resolver_from_setting(state.settings.dns_nameservers, timeout=1.5)
    resolver = extras[RESOLVER_KEY]
    return resolver if isinstance(resolver, Resolver) else None


def _report_path(request: Request) -> str | None:
    routes = {r.path for router in request.app.state.routers for r in router.routes if hasattr(r, "path")}
    return REPORT_PATH if REPORT_PATH in routes else None


def _tenant(session: Session, slug: str | None) -> Tenant | None:
    return None if slug is None else retailer_or_404(session, slug)


def _run(
    request: Request,
    session: Session,
    tenant: Tenant | None,
    data: bytes | str,
    reference: str | None,
    lang: str | None = None,
) -> dict[str, Any]:
    state = app_state(request)
    outcome = run_check(
        session,
        data,
        tenant=tenant,
        registry=state.registry.get(session),
        resolver=check_resolver(request),
        settings=state.settings,
        reference=reference or None,
        report_path=_report_path(request),
        lang=lang,
    )
    session.rollback()  # read-only: nothing submitted is stored
    return outcome.to_dict()


# A base64 text (RFC 4648, padded), at most the length that decodes to MAX_EML_BYTES.
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


_CHECK_INPUTS = alternatives(
    "text",
    "eml_base64",
    "reference",
    schema_rule={
        "anyOf": [{"required": ["text"]}, {"required": ["eml_base64"]}, {"required": ["reference"]}],
        "not": {"required": ["text", "eml_base64"]},
    },
)


def _check_request_schema(schema: dict[str, Any]) -> None:
    _CHECK_INPUTS(schema)
    # "byte" is OpenAPI's name for exactly BASE64_PATTERN (RFC 4648, padded); clients generate it cheaply.
    eml = schema["properties"]["eml_base64"]
    eml.pop("pattern", None)
    eml["format"] = "byte"


class CheckRequest(ApiModel):
    model_config = ConfigDict(strict=True, json_schema_extra=_check_request_schema)

    text: Annotated[str | None, NotNull] = Field(
        default=None, min_length=1, max_length=MAX_TEXT, description="A pasted message."
    )
    eml_base64: Annotated[str | None, NotNull] = Field(
        default=None,
        min_length=4,
        max_length=MAX_EML_BYTES // 3 * 4,
        pattern=BASE64_PATTERN,
        description="A raw .eml file, base64-encoded (not with text).",
    )
    reference: Annotated[NonBlank | None, NotNull] = Field(
        default=None, max_length=40, description="A message reference, e.g. TD-7KQ4M2PX9A."
    )
    tenant: TenantSlug | None = Field(default=None, description="The retailer the message claims to be from.")

    @model_validator(mode="after")
    def _something(self) -> CheckRequest:
        if self.text is None and self.eml_base64 is None and self.reference is None:
            raise ValueError("give 'text', 'eml_base64' or 'reference'")
        if self.text is not None and self.eml_base64 is not None:
            raise ValueError("give either 'text' or 'eml_base64', not both")
        return self


class CheckResponse(BaseModel):
    verdict: str = Field(description="genuine | altered | not_from_us | cannot_tell")
    explanation: str
    next_steps: list[str]
    reasons: list[dict[str, str]]
    auth: dict[str, str] = Field(description='{"spf", "dkim", "dmarc"}: RFC 8601 words, or "not_checked"')
    contacts: list[dict[str, Any]]
    reference: str | None
    changes: list[str]
    input: str
    tenant: str | None


@router.post(
    "/api/v1/messages/check",
    response_model=CheckResponse,
    summary="Was this message really from the retailer?",
    responses=errors(404, 413, 429, e404="no retailer with this slug"),
)
def check_api(body: CheckRequest, request: Request, session: Session = Depends(db)) -> CheckResponse:
    """No sign-in needed; rate limited per client address; nothing submitted is stored."""
    rate_limit(request, "message-check", client_ip(request), CHECK_LIMIT)
    tenant = _tenant(session, body.tenant)
    data: bytes | str = body.text or ""
    if body.eml_base64:
        try:
            data = base64.b64decode(body.eml_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "invalid_eml", "eml_base64 is not valid base64") from None
        if len(data) > MAX_EML_BYTES:
            raise ApiError(413, "too_large", f"the e-mail is larger than {MAX_EML_BYTES // 1024 // 1024} MB")
    return CheckResponse(**_run(request, session, tenant, data, body.reference))


def _render(
    request: Request,
    tenant: Tenant,
    *,
    text: str = "",
    reference: str = "",
    outcome: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:

    return render(
        request,
        "check_message.html",
        {"tenant": tenant, "text": text, "reference": reference, "outcome": outcome, "error": error},
        status_code=status,
    )


@router.get("/t/{slug}/check", response_class=HTMLResponse, include_in_schema=False)
def check_page(
    slug: str,
    request: Request,
    ref: str | None = Query(default=None, max_length=40),
    session: Session = Depends(db),
) -> HTMLResponse:
    tenant = _tenant(session, slug)
    assert tenant is not None
    return _render(request, tenant, reference=ref or "")


@router.post("/t/{slug}/check", response_class=HTMLResponse, include_in_schema=False)
async def check_submit(
    slug: str,
    request: Request,
    text: str = Form(default="", max_length=MAX_TEXT),
    reference: str = Form(default="", max_length=40),
    eml: UploadFile | None = File(default=None),
    session: Session = Depends(db),
) -> HTMLResponse:
    rate_limit(request, "message-check", client_ip(request), CHECK_LIMIT)
    tenant = _tenant(session, slug)
    assert tenant is not None
    data: bytes | str = text
    if eml is not None and eml.filename:
        raw = await eml.read(MAX_EML_BYTES + 1)
        if len(raw) > MAX_EML_BYTES:
            return _render(
                request,
                tenant,
                text=text,
                reference=reference,
                error=words(page_language(request, tenant).code).gettext("That file is too large."),
                status=413,
            )
        if raw.strip():
            data = raw
    if not (data.strip() if isinstance(data, str) else data) and not reference.strip():
        return _render(
            request,
            tenant,
            error=words(page_language(request, tenant).code).gettext(
                "Paste the message, upload the e-mail file, or type the reference it carries."
            ),
            status=422,
        )
    page = page_language(request, tenant)
    outcome = _run(request, session, tenant, data, reference.strip() or None, lang=page.code)
    return _render(request, tenant, text=text, reference=reference, outcome=outcome)


# ----------------------------------------------------------------------------- verifiable agents

CODE_CHECK_LIMIT = Limit(10, 60)
CODE_CHECK_ORDER_LIMIT = Limit(10, 3600)


class OpenContactRequest(ApiModel):
    customer_id: RowId
    channel: Literal["phone", "sms", "email"]
    official_contact: str = Field(
        min_length=1,
        max_length=320,
        pattern=NOT_SPACE,
        description="The official number or address the agent uses: one of the retailer's official channels.",
    )
    order_number: str | None = Field(default=None, max_length=64, description="One of this customer's orders")
    minutes: count(1, 24 * 60) = Field(default=30, description="How long the announcement lasts")


@router.post(
    "/api/v1/agent-contacts",
    status_code=201,
    summary="Announce a contact outside the chat (agent)",
    responses=errors(
        404,
        e404="no such customer",
        e422="invalid input; or the contact is not one of the retailer's official channels of that kind, "
        "or the order is not this customer's (invalid_contact)",
    ),
)
def open_agent_contact(
    body: OpenContactRequest,
    request: Request,
    auth: Auth = Depends(require(Permission.HANDLE_CONVERSATIONS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    """The customer's account page lists it with the code; the agent says the code to prove who they are."""
    from trustdesk.authenticity.agent_contacts import ContactError, describe, open_contact
    from trustdesk.authenticity.service import fingerprint_key

    customer = session.scalar(
        select(Customer).where(Customer.id == body.customer_id, Customer.tenant_id == auth.tenant.id)
    )
    if customer is None:
        raise not_found("customer")
    key = fingerprint_key(app_state(request).settings)
    try:
        row, code = open_contact(
            session,
            auth.tenant,
            auth.user,
            customer=customer,
            channel=body.channel,
            official_contact=body.official_contact,
            order_number=body.order_number,
            minutes=body.minutes,
            key=key,
            ip=client_ip(request),
        )
    except ContactError as exc:
        raise ApiError(422, "invalid_contact", str(exc)) from None
    session.commit()
    return {**describe(session, row, key, with_code=False), "code": code}


@router.get("/api/v1/me/agent-contacts", summary="Agents announced to contact me (signed-in customer)")
def my_agent_contacts(
    request: Request, auth: Auth = Depends(current_auth), session: Session = Depends(db)
) -> dict[str, Any]:
    from trustdesk.authenticity.agent_contacts import contacts_for_customer
    from trustdesk.authenticity.service import fingerprint_key

    customer = session.scalar(
        select(Customer).where(Customer.tenant_id == auth.tenant.id, Customer.user_id == auth.user.id)
    )
    if customer is None:
        return {"contacts": []}
    key = fingerprint_key(app_state(request).settings)
    return {"contacts": contacts_for_customer(session, auth.tenant, customer, key)}


class CodeCheckRequest(ApiModel):
    tenant: TenantSlug
    order_number: str = Field(min_length=1, max_length=64, pattern=NOT_SPACE)
    email: EmailAddress
    code: str = Field(min_length=1, max_length=20, pattern=NOT_SPACE)


def _code_check(
    request: Request,
    session: Session,
    tenant: Tenant,
    order: str,
    email: str,
    code: str,
    lang: str | None = None,
) -> dict[str, Any]:
    from trustdesk.authenticity.agent_contacts import check_code
    from trustdesk.authenticity.service import fingerprint_key

    rate_limit(request, "agent-code", client_ip(request), CODE_CHECK_LIMIT)
    rate_limit(request, "agent-code-order", f"{tenant.id}:{order.strip().lower()}", CODE_CHECK_ORDER_LIMIT)
    key = fingerprint_key(app_state(request).settings)
    result = check_code(
        session, tenant, order_number=order, email=email, code=code, key=key, ip=client_ip(request), lang=lang
    )
    session.commit()
    return result.to_dict()


@router.post(
    "/api/v1/agent-contacts/check",
    summary="Is the person contacting me really the retailer's agent?",
    responses=errors(404, 429, e404="no retailer with this slug"),
)
def check_agent_code(
    body: CodeCheckRequest, request: Request, session: Session = Depends(db)
) -> dict[str, Any]:
    """Public; rate limited per address and per order; codes are single use, expire and lock after misses."""
    tenant = _tenant(session, body.tenant)
    assert tenant is not None
    return _code_check(request, session, tenant, body.order_number, body.email, body.code)


@router.get("/t/{slug}/check-caller", response_class=HTMLResponse, include_in_schema=False)
def check_caller_page(slug: str, request: Request, session: Session = Depends(db)) -> HTMLResponse:

    tenant = _tenant(session, slug)
    return render(request, "check_caller.html", {"tenant": tenant, "outcome": None, "order": "", "email": ""})


@router.post("/t/{slug}/check-caller", response_class=HTMLResponse, include_in_schema=False)
def check_caller_submit(
    slug: str,
    request: Request,
    order_number: str = Form(default="", max_length=64),
    email: str = Form(default="", max_length=320),
    code: str = Form(default="", max_length=20),
    session: Session = Depends(db),
) -> HTMLResponse:

    tenant = _tenant(session, slug)
    assert tenant is not None
    page = page_language(request, tenant)
    if not (order_number.strip() and email.strip() and code.strip()):
        return render(
            request,
            "check_caller.html",
            {
                "tenant": tenant,
                "outcome": None,
                "order": order_number,
                "email": email,
                "error": words(page.code).gettext("Fill in all three fields."),
                "page_lang": page,
            },
            status_code=422,
        )
    outcome = _code_check(request, session, tenant, order_number, email, code, lang=page.code)
    return render(
        request,
        "check_caller.html",
        {"tenant": tenant, "outcome": outcome, "order": order_number, "email": email},
    )


# ----------------------------------------------------------------------------- admin: DKIM keys and DNS


def _mail_page(page: Console, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    from trustdesk.mail import dkim_dns_record
    from trustdesk.store.models import DkimKey

    rows = page.session.scalars(
        select(DkimKey)
        .where(DkimKey.tenant_id == page.tenant.id, DkimKey.retired_at.is_(None))
        .order_by(DkimKey.id)
    ).all()
    keys = [
        {
            "domain": r.domain,
            "selector": r.selector,
            "created_at": r.created_at,
            "record": dkim_dns_record(r.selector, r.domain, r.public_key),
        }
        for r in rows
    ]
    return render(
        page.request,
        "console_mail.html",
        {
            **page.context("mail"),
            "keys": keys,
            "error": error,
            "can_connect_mailboxes": page.auth.can(Permission.MANAGE_MAILBOXES),
        },
        status_code=status,
    )


@router.get("/console/mail", response_class=HTMLResponse, include_in_schema=False)
def console_mail(page: Console = Depends(console_page(Permission.MANAGE_CHANNELS))) -> HTMLResponse:
    return _mail_page(page)


@router.post("/console/mail/dkim-keys", response_class=HTMLResponse, include_in_schema=False)
def console_create_dkim_key(
    page: Console = Depends(console_form(Permission.MANAGE_CHANNELS)),
) -> HTMLResponse:
    from trustdesk.authenticity.service import active_dkim_key, create_dkim_key

    if active_dkim_key(page.session, page.tenant) is not None:
        return _mail_page(page, error="A signing key already exists for your primary domain.", status=409)
    create_dkim_key(page.session, page.tenant, app_state(page.request).box, actor=page.auth.actor, ip=page.ip)
    page.session.commit()
    return _mail_page(page)
