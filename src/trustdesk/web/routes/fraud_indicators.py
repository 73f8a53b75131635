"""Staff API for confirmed-fraud indicators: the contacts criminals used, confirmed by triage (reports)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.channels import changes, reported
from trustdesk.store.models import ReportedIndicatorRow
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, client_ip, db, require
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import NOT_SPACE, ApiModel, RowId

router = APIRouter(tags=["channels"])


class IndicatorIn(ApiModel):
    kind: Literal["domain", "email", "phone", "url", "social", "app"]
    value: str = Field(
        min_length=1, max_length=500, pattern=NOT_SPACE, description="It must be a valid contact of its kind"
    )
    note: str = Field(default="", max_length=2000)
    report_ref: str | None = Field(default=None, max_length=64)


class IndicatorOut(BaseModel):
    id: int
    kind: str
    value: str
    note: str
    report_ref: str | None
    confirmed_at: datetime
    revoked: bool


def _indicator_out(row: ReportedIndicatorRow) -> IndicatorOut:
    return IndicatorOut(
        id=row.id,
        kind=row.kind,
        value=row.value,
        note=row.note,
        report_ref=row.report_ref,
        confirmed_at=row.confirmed_at,
        revoked=row.revoked_at is not None,
    )


@router.get(
    "/api/v1/indicators",
    response_model=list[IndicatorOut],
    summary="Contacts confirmed as fraudulent",
    responses=with_links(
        200, revoke=link("revoke_indicator", "Withdraw the first one", indicator_id="$response.body#/0/id")
    ),
)
def list_indicators(
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)), session: Session = Depends(db)
) -> list[IndicatorOut]:
    rows = session.scalars(
        select(ReportedIndicatorRow)
        .where(ReportedIndicatorRow.tenant_id == auth.tenant.id)
        .order_by(ReportedIndicatorRow.id.desc())
    )
    return [_indicator_out(r) for r in rows]


@router.post(
    "/api/v1/indicators",
    response_model=IndicatorOut,
    status_code=201,
    summary="Confirm a contact as fraudulent",
    responses=errors(422, e422="invalid input, or the value is not a valid contact of its kind")
    | with_links(201, revoke=link("revoke_indicator", "Withdraw it", indicator_id="$response.body#/id")),
)
def confirm_indicator(
    body: IndicatorIn,
    request: Request,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> IndicatorOut:
    """From the moment this returns, verification answers `reported` for the contact, on every instance."""
    try:
        row = reported.confirm_indicator(
            session,
            auth.tenant,
            auth.user,
            body.kind,
            body.value,
            note=body.note,
            report_ref=body.report_ref,
            ip=client_ip(request),
        )
    except changes.ChangeError as exc:
        raise ApiError(422, "invalid_indicator", str(exc)) from None
    session.commit()
    return _indicator_out(row)


@router.delete(
    "/api/v1/indicators/{indicator_id}",
    response_model=IndicatorOut,
    summary="Withdraw a confirmation",
    responses=errors(404),
)
def revoke_indicator(
    indicator_id: RowId,
    request: Request,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> IndicatorOut:
    try:
        row = reported.revoke_indicator(session, auth.tenant, auth.user, indicator_id, ip=client_ip(request))
    except changes.ChangeError as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    session.commit()
    return _indicator_out(row)
