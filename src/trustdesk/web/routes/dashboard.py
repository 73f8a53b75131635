"""The dashboard page for admins and supervisors, and each chart's figures as CSV (audited: an export
of the retailer's figures leaves the desk)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from trustdesk.accounts.permissions import Permission
from trustdesk.audit.log import record
from trustdesk.insights import charts
from trustdesk.insights.csv_cells import to_csv
from trustdesk.insights.dashboard import DEFAULT_PERIOD, PERIODS, build
from trustdesk.web.deps import client_ip
from trustdesk.web.errors import ApiError
from trustdesk.web.routes.pages import Console, console_page, render

VIEW = Permission.VIEW_DASHBOARD

router = APIRouter(tags=["dashboard"])


def _period(days: int) -> int:
    if days not in PERIODS:
        raise ApiError(422, "validation_error", f"days: choose one of {', '.join(map(str, PERIODS))}")
    return days


@router.get("/console/dashboard", response_class=HTMLResponse, include_in_schema=False)
def console_dashboard(
    days: int = Query(default=DEFAULT_PERIOD, ge=1, le=366), page: Console = Depends(console_page(VIEW))
) -> HTMLResponse:
    board = build(page.session, page.tenant.id, days=days if days in PERIODS else DEFAULT_PERIOD)
    context = page.context("dashboard") | {
        "board": board,
        "periods": PERIODS,
        "panels": [
            {"panel": p, "chart": p.chart, "svg": charts.render(p.chart), "table": charts.table(p.chart)}
            for p in board.panels
        ],
    }
    return render(page.request, "console_dashboard.html", context)


@router.get("/console/dashboard/{chart}.csv", include_in_schema=False)
def dashboard_csv(
    chart: str,
    days: int = Query(default=DEFAULT_PERIOD, ge=1, le=366),
    page: Console = Depends(console_page(VIEW)),
) -> Response:
    request, auth, session = page.request, page.auth, page.session
    board = build(session, auth.tenant.id, days=_period(days))
    panel = board.panel(chart)
    if panel is None:
        raise ApiError(404, "not_found", "no such chart")
    header, rows = panel.csv_rows()
    record(
        session,
        "dashboard.exported",
        actor=auth.actor,
        tenant_id=auth.tenant.id,
        target=f"chart:{chart}",
        details={"days": board.days, "rows": len(rows)},
        ip=client_ip(request),
    )
    session.commit()
    filename = f"{auth.tenant.slug}-{chart}-{board.days}d.csv"
    return Response(
        to_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
