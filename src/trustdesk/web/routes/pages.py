"""Server-rendered pages: landing, the staff console shell, customer account, help (sign-in: sign_in.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.accounts import admin_grants
from trustdesk.accounts.permissions import Permission, is_staff
from trustdesk.audit.log import verify_chain
from trustdesk.commerce.records import OrderStatus
from trustdesk.insights import charts as insight_charts
from trustdesk.insights.collect import PERIODS, gather
from trustdesk.ratelimit import Limit
from trustdesk.store.models import AdminGrant, AuditEvent, Customer, Order, Tenant, User
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.deps import (
    Auth,
    admin_cool_off,
    app_state,
    check_csrf,
    client_ip,
    db,
    optional_auth,
    rate_limit,
)
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import RowId
from trustdesk.web.locale import PageLanguage, english_page, page_context, page_language
from trustdesk.web.routes.commerce import customer_or_404, order_or_404, orders_query

router = APIRouter(include_in_schema=False)


class Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def money(cents: int, currency: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, currency + " ")
    return f"{symbol}{cents / 100:,.2f}"


# The second-factor pages only staff reach: the staff side stays English (docs/architecture.md).
STAFF_ONLY_TEMPLATES = frozenset({"totp.html", "enrol.html"})


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page in its language: the console's English (``page_lang`` already set), else the language
    negotiated over the offered languages of the page's retailer (``tenant``, else the signed-in
    user's), else over every language the desk speaks."""
    templates = app_state(request).templates
    page = context.get("page_lang")
    if template in STAFF_ONLY_TEMPLATES:
        page = english_page(request)
    if not isinstance(page, PageLanguage):
        tenant = context.get("tenant")
        auth = context.get("auth")
        if not isinstance(tenant, Tenant):
            tenant = auth.tenant if isinstance(auth, Auth) else None
        page = page_language(request, tenant)
    full = {"money": money, **context, **page_context(page)}
    return templates.TemplateResponse(request, template, full, status_code=status_code)


# The console's navigation: groups of (key, href, label, permission). A group a role reaches with one
# page shows as a plain link, otherwise as a disclosure menu, so every role's header fits one line.
CONSOLE_NAV: list[tuple[str, list[tuple[str, str, str, Permission | None]]]] = [
    ("Overview", [("home", "/console", "Overview", None)]),
    (
        "Conversations",
        [("conversations", "/console/conversations", "Conversations", Permission.HANDLE_CONVERSATIONS)],
    ),
    ("Orders", [("orders", "/console/orders", "Orders", Permission.VIEW_ORDERS)]),
    ("Dashboard", [("dashboard", "/console/dashboard", "Dashboard", Permission.VIEW_DASHBOARD)]),
    (
        "Team",
        [
            ("supervise", "/console/supervise", "Supervise the bot", Permission.SUPERVISE_CONVERSATIONS),
            ("satisfaction", "/console/satisfaction", "Satisfaction", Permission.VIEW_SATISFACTION),
        ],
    ),
    (
        "Security",
        [
            ("reports", "/console/reports", "Reports", Permission.TRIAGE_REPORTS),
            ("audit", "/console/audit", "Audit log", Permission.VIEW_AUDIT),
            ("keys", "/console/keys", "Keys", Permission.MANAGE_KEYS),
        ],
    ),
    (
        "Settings",
        [
            ("channels", "/console/channels", "Channels", Permission.VIEW_CHANNELS),
            ("mail", "/console/mail", "Mail", Permission.MANAGE_CHANNELS),
            ("mailboxes", "/console/mailboxes", "Mailboxes", Permission.MANAGE_MAILBOXES),
            ("bot", "/console/bot", "Bot", Permission.MANAGE_BOT),
            ("sla", "/console/sla", "Service levels", Permission.MANAGE_SLA),
            ("staff", "/console/staff", "Staff", Permission.MANAGE_STAFF),
            ("languages", "/console/languages", "Languages", Permission.MANAGE_LANGUAGES),
            ("privacy", "/console/privacy", "Privacy", Permission.HANDLE_PRIVACY_REQUESTS),
        ],
    ),
]


def console_nav(auth: Auth, routes: set[str], section: str) -> list[dict[str, Any]]:
    """The groups this role reaches, each with its pages; empty groups are left out."""
    groups = []
    for label, entries in CONSOLE_NAV:
        items = [
            {"key": key, "href": href, "label": item_label}
            for key, href, item_label, perm in entries
            if (perm is None or auth.can(perm)) and href in routes
        ]
        if items:
            current = any(item["key"] == section for item in items)
            groups.append({"label": label, "items": items, "current": current})
    return groups


def console_context(request: Request, auth: Auth, section: str) -> dict[str, Any]:
    routes = {r.path for router in request.app.state.routers for r in router.routes if hasattr(r, "path")}
    # The Keys page belongs to the operating retailer's admins only (web/routes/keys.py).
    operating = app_state(request).settings.keys_admin_tenant
    if operating and operating.strip().lower() != auth.tenant.slug.lower():
        routes.discard("/console/keys")
    return {
        "auth": auth,
        "csrf_token": auth.session_row.csrf_token,
        "console_nav": console_nav(auth, routes, section),
        "section": section,
        "page_lang": english_page(request),
    }


def staff_page(request: Request, auth: Auth | None = Depends(optional_auth)) -> Auth:
    """A page for signed-in staff; anyone else is sent to sign in."""
    if auth is None or not auth.session_row.mfa_passed:
        raise Redirect("/login?next=" + quote(request.url.path))
    if not is_staff(auth.user.role):
        raise ApiError(403, "forbidden", "this page is for staff")
    return auth


def page_permission(auth: Auth, permission: Permission) -> None:
    if not auth.can(permission):
        raise ApiError(403, "forbidden", "your role does not allow this page")


@dataclass
class Console:
    """A console request by staff who hold the page's permission: the request, who asks, the database
    session. Handlers take it from `console_page` (reads) or `console_form` (posted forms)."""

    request: Request
    auth: Auth
    session: Session

    @property
    def tenant(self) -> Tenant:
        return self.auth.tenant

    @property
    def ip(self) -> str:
        return client_ip(self.request)

    def context(self, section: str) -> dict[str, Any]:
        return console_context(self.request, self.auth, section)

    def four_eyes(
        self, decision: str, request_id: int, *, cancel: Callable[..., Any], decide: Callable[..., Any]
    ) -> None:
        """A four-eyes request's requester withdraws it (`decision` "cancel"), or a second admin approves
        ("approve") or rejects it: `cancel` and `decide` are the domain's functions for that kind."""
        args = (self.session, self.tenant, request_id, self.auth.user)
        if decision == "cancel":
            cancel(*args, ip=self.ip)
        else:
            cool_off = admin_cool_off(self.request)
            decide(*args, approve=decision == "approve", cool_off=cool_off, ip=self.ip)

    def done(self, url: str) -> RedirectResponse:
        """Commit the change with its audit event, then send the browser on (303, so a reload does not
        post again)."""
        self.session.commit()
        return RedirectResponse(url, status_code=303)


def console_page(permission: Permission) -> Callable[..., Console]:
    """Dependency factory for a console page: signed-in staff (anyone else is sent to sign in) whose
    role holds `permission`."""

    def dependency(
        request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
    ) -> Console:
        page_permission(auth, permission)
        return Console(request, auth, session)

    dependency.__name__ = f"console_page_{permission.value}"
    return dependency


def console_form(permission: Permission) -> Callable[..., Console]:
    """Dependency factory for a form the console posts: signed-in staff, the session's CSRF token echoed
    in the form's `csrf_token` field, then the role's `permission`."""

    def dependency(
        request: Request,
        csrf_token: str = Form(max_length=200),
        auth: Auth = Depends(staff_page),
        session: Session = Depends(db),
    ) -> Console:
        check_csrf(request, auth, csrf_token)
        page_permission(auth, permission)
        return Console(request, auth, session)

    dependency.__name__ = f"console_form_{permission.value}"
    return dependency


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, session: Session = Depends(db)) -> HTMLResponse:
    tenants = session.scalars(select(Tenant).order_by(Tenant.name).limit(50)).all()
    return render(request, "landing.html", {"tenants": tenants})


@router.get("/console", response_class=HTMLResponse)
def console_home(
    request: Request,
    days: int = Query(default=14, ge=1, le=366),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> HTMLResponse:
    tid = auth.tenant.id
    period = days if days in PERIODS else 14
    stats = [
        {
            "label": "customers",
            "value": session.scalar(select(func.count(Customer.id)).where(Customer.tenant_id == tid)),
        },
        {
            "label": "orders",
            "value": session.scalar(select(func.count(Order.id)).where(Order.tenant_id == tid)),
        },
        {
            "label": "shipped, not delivered",
            "value": session.scalar(
                select(func.count(Order.id)).where(Order.tenant_id == tid, Order.status == "shipped")
            ),
        },
        {
            "label": "refunds in progress",
            "value": session.scalar(
                select(func.count(Order.id)).where(Order.tenant_id == tid, Order.refund_status == "pending")
            ),
        },
    ]
    overview = gather(session, tid, days=period)
    context = console_context(request, auth, "home") | {
        "stats": stats,
        "overview": overview,
        "periods": PERIODS,
        "charts": [
            {"chart": c, "svg": insight_charts.render(c), "table": insight_charts.table(c)}
            for c in overview.charts
        ],
    }
    return render(request, "console_home.html", context)


ORDERS_PER_PAGE = 50


@router.get("/console/orders", response_class=HTMLResponse)
def console_orders(
    q: str | None = Query(default=None, max_length=100),
    status: str | None = Query(default=None, max_length=20),
    page_number: int = Query(default=1, ge=1, le=1_000_000, alias="page"),
    page: Console = Depends(console_page(Permission.VIEW_ORDERS)),
) -> HTMLResponse:
    query = orders_query(page.tenant.id, status, q)
    total = page.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // ORDERS_PER_PAGE))
    page_number = min(page_number, pages)
    orders = page.session.scalars(
        query.order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(ORDERS_PER_PAGE)
        .offset((page_number - 1) * ORDERS_PER_PAGE)
    ).all()
    context = page.context("orders") | {
        "orders": orders,
        "total": total,
        "page": page_number,
        "pages": pages,
        "q": q,
        "status": status,
        "statuses": [s.value for s in OrderStatus],
    }
    return render(page.request, "orders.html", context)


@router.get("/console/orders/{order_number}", response_class=HTMLResponse)
def console_order(
    order_number: str, page: Console = Depends(console_page(Permission.VIEW_ORDERS))
) -> HTMLResponse:
    order = order_or_404(page.session, page.tenant.id, order_number)
    return render(page.request, "order.html", page.context("orders") | {"order": order})


@router.get("/console/customers/{customer_id}", response_class=HTMLResponse)
def console_customer(
    customer_id: RowId, page: Console = Depends(console_page(Permission.VIEW_CUSTOMERS))
) -> HTMLResponse:
    customer = customer_or_404(page.session, page.tenant.id, customer_id)
    return render(page.request, "customer.html", page.context("orders") | {"customer": customer})


@router.get("/console/staff", response_class=HTMLResponse)
def console_staff(
    error: str | None = None, page: Console = Depends(console_page(Permission.MANAGE_STAFF))
) -> HTMLResponse:
    return _staff_page(page, error)


def _staff_page(page: Console, error: str | None = None) -> HTMLResponse:
    session, auth = page.session, page.auth
    users = session.scalars(select(User).where(User.tenant_id == auth.tenant.id).order_by(User.id)).all()
    emails = {u.id: u.email for u in users}
    pending = [
        {
            "id": g.id,
            "action": g.action,
            "email": emails.get(g.user_id, "?"),
            "from_role": g.from_role,
            "requested_by": emails.get(g.requested_by_id, "?"),
            "requested_at": g.requested_at,
            "mine": g.requested_by_id == auth.user.id,
        }
        for g in session.scalars(
            select(AdminGrant)
            .where(AdminGrant.tenant_id == auth.tenant.id, AdminGrant.status == "pending")
            .order_by(AdminGrant.id)
        )
    ]
    return render(
        page.request,
        "staff.html",
        page.context("staff")
        | {"staff": [u for u in users if is_staff(u.role)], "pending": pending, "error": error},
        status_code=422 if error else 200,
    )


@router.post("/console/staff/admin-requests/{grant_id}/decide")
def console_decide_admin_request(
    grant_id: RowId,
    decision: str = Form(max_length=10),
    page: Console = Depends(console_form(Permission.MANAGE_STAFF)),
) -> Response:
    try:
        page.four_eyes(decision, grant_id, cancel=admin_grants.cancel_grant, decide=admin_grants.decide_grant)
    except admin_grants.GrantError as exc:
        page.session.commit()  # keep the audit record of a refused decision
        return _staff_page(page, error=str(exc))
    return page.done("/console/staff")


@router.get("/console/audit", response_class=HTMLResponse)
def console_audit(page: Console = Depends(console_page(Permission.VIEW_AUDIT))) -> HTMLResponse:
    events = page.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.tenant_id == page.tenant.id)
        .order_by(AuditEvent.id.desc())
        .limit(200)
    ).all()
    intact = verify_chain(page.session).intact
    context = page.context("audit") | {"events": events, "chain_intact": intact}
    return render(page.request, "audit.html", context)


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request, auth: Auth | None = Depends(optional_auth), session: Session = Depends(db)
) -> Response:
    if auth is None or not auth.session_row.mfa_passed:
        raise Redirect("/login?next=/account")
    customer = session.scalar(
        select(Customer).where(Customer.tenant_id == auth.tenant.id, Customer.user_id == auth.user.id)
    )
    orders: list[Order] = []
    contacts: list[dict[str, Any]] = []
    if customer is not None:
        from trustdesk.authenticity.agent_contacts import contacts_for_customer
        from trustdesk.authenticity.service import fingerprint_key

        orders = list(
            session.scalars(
                select(Order)
                .where(Order.tenant_id == auth.tenant.id, Order.customer_id == customer.id)
                .order_by(Order.placed_at.desc())
            )
        )
        # Agents who announced a call or e-mail: the customer matches the code the agent says.
        contacts = contacts_for_customer(
            session, auth.tenant, customer, fingerprint_key(app_state(request).settings)
        )
    context = {
        "auth": auth,
        "csrf_token": auth.session_row.csrf_token,
        "orders": orders,
        "contacts": contacts,
    }
    return render(request, "account.html", context)


CHANNEL_PROVIDERS: list[
    Any
] = []  # callables (session, tenant, lang) -> list of {"label","value","note"}; filled by the channels area


@router.get("/t/{slug}/help", response_class=HTMLResponse)
def tenant_help(slug: str, request: Request, session: Session = Depends(db)) -> HTMLResponse:
    rate_limit(request, "public-page", client_ip(request), Limit(300, 60))
    tenant = find_tenant(session, slug)
    if tenant is None:
        raise not_found("retailer")
    page = page_language(request, tenant)
    channels: list[dict[str, str]] = []
    for provider in CHANNEL_PROVIDERS:
        channels.extend(provider(session, tenant, page.code))
    from trustdesk.store.models import KnowledgeArticle

    articles = session.scalars(
        select(KnowledgeArticle)
        .where(KnowledgeArticle.tenant_id == tenant.id, KnowledgeArticle.published.is_(True))
        .order_by(KnowledgeArticle.title)
    ).all()
    context = {"tenant": tenant, "channels": channels, "articles": articles, "page_lang": page}
    return render(request, "help.html", context)
