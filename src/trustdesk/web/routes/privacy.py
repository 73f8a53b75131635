"""Data-subject requests for admins: search a person, download their export, erase them (audited).

The API (`/api/v1/privacy/...`) and the console page (`/console/privacy`) call the same service;
both are tenant-scoped by the signed-in admin and take the address in a POST body, never in a URL
(URLs end up in logs and browser history). An erasure needs the address typed a second time.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.privacy.erasure import ErasureResult, purge_outside_database
from trustdesk.privacy.service import CacheUnavailable, Match, NobodyFound, PrivacyDeps, erase, export, search
from trustdesk.privacy.subject import SubjectError, normalise_email, parse_lookup
from trustdesk.web.contract import errors
from trustdesk.web.deps import Auth, app_state, audit_commit, client_ip, db, require
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import ApiModel, EmailAddress
from trustdesk.web.routes.pages import Console, console_form, console_page, render

router = APIRouter(tags=["privacy"])
PRIVACY = Permission.HANDLE_PRIVACY_REQUESTS


def deps(request: Request) -> PrivacyDeps:
    """One set of privacy dependencies (and one Redis client) per app."""
    state = app_state(request)
    found = state.extras.get("privacy")
    if not isinstance(found, PrivacyDeps):
        found = PrivacyDeps.from_settings(state.settings)
        state.extras["privacy"] = found
    return found


class SearchIn(ApiModel):
    by: Literal["email", "phone", "order"]
    value: str = Field(min_length=1, max_length=320)


class MatchOut(BaseModel):
    email: str
    names: list[str]
    counts: dict[str, int] = Field(description="Rows held per kind (empty when erased before)")
    erased_before: int = Field(description="Earlier erasures of this address (tombstones)")


class SearchOut(BaseModel):
    matches: list[MatchOut]


class SubjectIn(ApiModel):
    email: EmailAddress


class EraseIn(ApiModel):
    email: EmailAddress
    dry_run: bool = False
    confirm: str = Field(
        default="", max_length=320, description="The address typed again; required unless dry_run"
    )


class EraseOut(BaseModel):
    dry_run: bool
    tombstone: int | None
    counts: dict[str, int]


def _search(session: Session, request: Request, auth: Auth, by: str, value: str) -> list[Match]:
    try:
        lookup = parse_lookup(by, value)
    except SubjectError as exc:
        raise ApiError(422, "invalid_lookup", str(exc)) from None
    matches = search(session, auth.tenant, lookup, deps(request))
    audit_commit(
        session,
        request,
        auth,
        "privacy.searched",
        "privacy_search",
        {"by": lookup.kind.value, "matches": len(matches)},
    )
    return matches


def _export(session: Session, request: Request, auth: Auth, email: str) -> Response:
    try:
        archive, _ = export(
            session, auth.tenant, email, deps(request), actor=auth.actor, ip=client_ip(request)
        )
    except NobodyFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except SubjectError as exc:
        raise ApiError(422, "invalid_email", str(exc)) from None
    session.commit()
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{auth.tenant.slug}-subject-export.zip"',
            "Cache-Control": "no-store",
        },
    )


def _erase(
    session: Session, request: Request, auth: Auth, email: str, *, dry_run: bool, confirm: str
) -> ErasureResult:
    try:
        address = normalise_email(email)
        if not dry_run and confirm.strip().lower() != address:
            raise ApiError(422, "confirmation_required", "type the address again to confirm the erasure")
        result = erase(
            session,
            auth.tenant,
            address,
            deps(request),
            actor=auth.actor,
            dry_run=dry_run,
            ip=client_ip(request),
        )
    except NobodyFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except CacheUnavailable as exc:
        raise ApiError(503, "cache_unavailable", str(exc)) from None
    except SubjectError as exc:
        raise ApiError(422, "invalid_email", str(exc)) from None
    if dry_run:
        session.rollback()
        return result
    session.commit()
    purge_outside_database(result, deps(request).redis, app_state(request).engine)
    return result


# -- API -------------------------------------------------------------------------------------------


@router.post(
    "/api/v1/privacy/search",
    response_model=SearchOut,
    summary="Find a person by e-mail, phone or order number",
    responses=errors(e422="invalid input, or invalid_lookup: not an e-mail address or phone number"),
)
def privacy_search(
    body: SearchIn, request: Request, auth: Auth = Depends(require(PRIVACY)), session: Session = Depends(db)
) -> SearchOut:
    matches = _search(session, request, auth, body.by, body.value)
    return SearchOut(matches=[MatchOut(**m.__dict__) for m in matches])


@router.post(
    "/api/v1/privacy/export",
    summary="Download everything held about a person (zip: JSON per kind, attachments, manifest)",
    response_class=Response,
    responses={
        200: {
            "description": "The archive",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
    | errors(404, e404="nobody with that address is known to this retailer"),
)
def privacy_export(
    body: SubjectIn, request: Request, auth: Auth = Depends(require(PRIVACY)), session: Session = Depends(db)
) -> Response:
    return _export(session, request, auth, body.email)


@router.post(
    "/api/v1/privacy/erase",
    response_model=EraseOut,
    summary="Erase a person (or count what would go, dry_run), leaving a tombstone",
    responses=errors(
        404,
        503,
        e404="nobody with that address is known to this retailer",
        e422="invalid input, or confirmation_required: confirm must repeat the address",
        e503="cache_unavailable: Redis could not be read; nothing was erased",
    ),
)
def privacy_erase(
    body: EraseIn, request: Request, auth: Auth = Depends(require(PRIVACY)), session: Session = Depends(db)
) -> EraseOut:
    result = _erase(session, request, auth, body.email, dry_run=body.dry_run, confirm=body.confirm)
    return EraseOut(**result.as_dict())


# -- console page ----------------------------------------------------------------------------------


def _page(page: Console, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(
        page.request,
        "console_privacy.html",
        page.context("privacy") | {"by": "email", "value": "", **context},
        status_code=status_code,
    )


@router.get("/console/privacy", response_class=HTMLResponse, include_in_schema=False)
def console_privacy(page: Console = Depends(console_page(PRIVACY))) -> HTMLResponse:
    return _page(page)


@router.post("/console/privacy/search", response_class=HTMLResponse, include_in_schema=False)
def console_search(
    by: str = Form(max_length=10),
    value: str = Form(max_length=320),
    page: Console = Depends(console_form(PRIVACY)),
) -> HTMLResponse:
    try:
        matches = _search(page.session, page.request, page.auth, by, value)
    except ApiError as exc:
        return _page(page, 422, error=exc.message, by=by, value=value)
    return _page(page, matches=matches, searched=True, by=by, value=value)


@router.post("/console/privacy/export", include_in_schema=False)
def console_export(
    email: str = Form(max_length=320), page: Console = Depends(console_form(PRIVACY))
) -> Response:
    try:
        return _export(page.session, page.request, page.auth, email)
    except ApiError as exc:
        return _page(page, exc.status, error=exc.message)


@router.post("/console/privacy/erase", response_class=HTMLResponse, include_in_schema=False)
def console_erase(
    email: str = Form(max_length=320),
    confirm: str = Form(default="", max_length=320),
    step: str = Form(default="check", max_length=10),
    page: Console = Depends(console_form(PRIVACY)),
) -> Response:
    """Two steps: `check` shows what would go (dry run) and asks for the address again; `erase` does it."""
    dry_run = step != "erase"
    try:
        result = _erase(page.session, page.request, page.auth, email, dry_run=dry_run, confirm=confirm)
    except ApiError as exc:
        return _page(page, exc.status, error=exc.message, pending=None if dry_run else email)
    if dry_run:
        return _page(page, pending=email, plan=result.counts)
    return _page(page, erased=result.as_dict())
