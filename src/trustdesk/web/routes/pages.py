"""Server-rendered pages: landing, sign-in with two factors, the staff console shell, customer account, help."""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from trustdesk.accounts import admin_grants
from trustdesk.accounts import service as accounts
from trustdesk.accounts.permissions import Permission, is_staff
from trustdesk.audit.log import verify_chain
from trustdesk.commerce.records import OrderStatus
from trustdesk.i18n import words
from trustdesk.insights import charts as insight_charts
from trustdesk.insights.collect import PERIODS, gather
from trustdesk.ratelimit import Limit
from trustdesk.store.models import AdminGrant, AuditEvent, Customer, Order, Tenant, User
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.cookies import clear_session_cookie, set_session_cookie
from trustdesk.web.deps import (
    PRE_SESSION_COOKIE,
    Auth,
    admin_cool_off,
    app_state,
    check_csrf,
    client_ip,
    db,
    optional_auth,
    rate_limit,
    write_db,
)
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import RowId
from trustdesk.web.locale import PageLanguage, english_page, page_context, page_language
from trustdesk.web.redirects import MAX_NEXT_CHARS, safe_next
from trustdesk.web.routes.auth import end_session, perform_login

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


def _home_for(user: User) -> str:
    return "/console" if is_staff(user.role) else "/account"


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, session: Session = Depends(db)) -> HTMLResponse:
    tenants = session.scalars(select(Tenant).order_by(Tenant.name).limit(50)).all()
    return render(request, "landing.html", {"tenants": tenants})


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    tenant: str | None = Query(default=None, max_length=63),
    next: str | None = Query(default=None, max_length=MAX_NEXT_CHARS),
    session: Session = Depends(db),
) -> HTMLResponse:
    pre = secrets.token_urlsafe(24)
    # The form carries only a destination that is safe to go to (it is checked again on submit).
    context = {"pre_csrf": pre, "tenant": tenant, "next": safe_next(next, "") or None}
    response = render(request, "login.html", context | _sign_in_language(request, session, tenant))
    response.set_cookie(
        PRE_SESSION_COOKIE,
        app_state(request).cookie_signer.sign(pre.encode()).decode(),
        httponly=True,
        samesite="strict",
        secure=app_state(request).settings.behind_tls,
        max_age=3600,
    )
    return response


def _sign_in_language(request: Request, session: Session, slug: str | None) -> dict[str, Any]:
    """The sign-in page speaks the named retailer's languages (every language without one)."""
    shop = find_tenant(session, slug.strip().lower()) if slug else None
    return {"shop": shop, "page_lang": page_language(request, shop)}


def _check_pre_csrf(request: Request, submitted: str) -> None:
    raw = request.cookies.get(PRE_SESSION_COOKIE, "")
    try:
        expected = app_state(request).cookie_signer.unsign(raw).decode() if raw else ""
    except Exception:  # noqa: BLE001 - any bad signature is simply a failed check
        expected = ""
    if not expected or not hmac.compare_digest(expected, submitted):
        raise ApiError(403, "csrf_failed", "the sign-in form expired; reload the page and try again")


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    tenant: str = Form(max_length=63),
    email: str = Form(max_length=320),
    password: str = Form(max_length=1024),
    csrf_token: str = Form(max_length=200),
    next: str | None = Query(default=None, max_length=MAX_NEXT_CHARS),
    session: Session = Depends(db),
) -> Response:
    _check_pre_csrf(request, csrf_token)
    # Judged before the sign-in is committed: nothing about it can fail afterwards.
    destination = safe_next(next, "")
    redirect = RedirectResponse("/", status_code=303)
    try:
        issued = perform_login(request, redirect, session, tenant, email, password)
    except ApiError as exc:
        if exc.status == 429:
            raise
        pre = secrets.token_urlsafe(24)
        language = _sign_in_language(request, session, tenant)
        error = exc.message
        if exc.code == "login_failed":  # the one refusal a customer meets; the same for every cause
            error = words(language["page_lang"].code).gettext("wrong e-mail or password")
        response = render(
            request,
            "login.html",
            {
                "pre_csrf": pre,
                "tenant": tenant,
                "email": email,
                "error": error,
                "next": destination or None,
            }
            | language,
            status_code=exc.status,
        )
        response.set_cookie(
            PRE_SESSION_COOKIE,
            app_state(request).cookie_signer.sign(pre.encode()).decode(),
            httponly=True,
            samesite="strict",
            secure=app_state(request).settings.behind_tls,
            max_age=3600,
        )
        return response
    step = issued.step
    if step == accounts.LoginStep.TOTP_REQUIRED:
        redirect.headers["location"] = "/login/totp"
    elif step == accounts.LoginStep.ENROLMENT_REQUIRED:
        redirect.headers["location"] = "/login/enrol"
    else:
        redirect.headers["location"] = destination or _home_for(issued.user)
    redirect.delete_cookie(PRE_SESSION_COOKIE)
    return redirect


def _second_factor_form(request: Request, auth: Auth | None, csrf_token: str) -> Auth:
    """The checks every second-factor form post starts with: a pending session, its CSRF token, a rate limit."""
    auth = _pending(auth)
    check_csrf(request, auth, csrf_token)
    rate_limit(request, "totp", f"user:{auth.user.id}", Limit(10, 60))
    return auth


def _pending(auth: Auth | None) -> Auth:
    if auth is None:
        raise Redirect("/login")
    return auth


@router.get("/login/totp", response_class=HTMLResponse)
def totp_form(request: Request, auth: Auth | None = Depends(optional_auth)) -> Response:
    auth = _pending(auth)
    if auth.session_row.mfa_passed:
        return RedirectResponse(_home_for(auth.user), status_code=303)
    return render(request, "totp.html", {"csrf_token": auth.session_row.csrf_token})


@router.post("/login/totp", response_class=HTMLResponse)
def totp_submit(
    request: Request,
    code: str = Form(max_length=32),
    csrf_token: str = Form(max_length=200),
    auth: Auth | None = Depends(optional_auth),
    session: Session = Depends(db),
) -> Response:
    auth = _second_factor_form(request, auth, csrf_token)
    state = app_state(request)
    try:
        issued = accounts.verify_second_factor(
            session,
            auth.session_row,
            auth.user,
            code=code,
            box=state.box,
            policy=state.lockout,
            session_hours=state.settings.session_hours,
            ip=client_ip(request),
        )
    except accounts.AccountError as exc:
        session.commit()
        return render(
            request,
            "totp.html",
            {"csrf_token": auth.session_row.csrf_token, "error": str(exc)},
            status_code=401,
        )
    session.commit()
    response = RedirectResponse(_home_for(issued.user), status_code=303)
    set_session_cookie(response, state, issued.token)
    return response


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_form(
    request: Request, auth: Auth | None = Depends(optional_auth), session: Session = Depends(write_db)
) -> Response:
    auth = _pending(auth)
    if auth.user.totp_enabled:
        return RedirectResponse(
            "/login/totp" if not auth.session_row.mfa_passed else _home_for(auth.user), status_code=303
        )
    user = session.merge(auth.user)
    enrolment = accounts.begin_totp_enrolment(user, auth.tenant, app_state(request).box)
    session.commit()
    return render(
        request,
        "enrol.html",
        {"csrf_token": auth.session_row.csrf_token, "qr_svg": enrolment.qr_svg, "secret": enrolment.secret},
    )


@router.post("/login/enrol", response_class=HTMLResponse)
def enrol_submit(
    request: Request,
    code: str = Form(max_length=32),
    csrf_token: str = Form(max_length=200),
    auth: Auth | None = Depends(optional_auth),
    session: Session = Depends(db),
) -> Response:
    auth = _second_factor_form(request, auth, csrf_token)
    state = app_state(request)
    try:
        issued, codes = accounts.confirm_totp_enrolment(
            session,
            auth.session_row,
            auth.user,
            code=code,
            box=state.box,
            session_hours=state.settings.session_hours,
            ip=client_ip(request),
        )
    except accounts.AccountError as exc:
        enrolment = (
            accounts.begin_totp_enrolment(auth.user, auth.tenant, state.box)
            if not auth.user.totp_enabled
            else None
        )
        session.commit()
        context = {"csrf_token": auth.session_row.csrf_token, "error": str(exc)}
        if enrolment:
            context |= {"qr_svg": enrolment.qr_svg, "secret": enrolment.secret}
        return render(request, "enrol.html", context, status_code=401)
    session.commit()
    response = render(
        request,
        "enrol.html",
        {
            "csrf_token": issued.session.csrf_token,
            "recovery_codes": codes,
            "next_url": _home_for(issued.user),
        },
    )
    set_session_cookie(response, state, issued.token)
    return response


@router.post("/logout")
def logout_submit(
    request: Request,
    csrf_token: str = Form(max_length=200),
    auth: Auth | None = Depends(optional_auth),
    session: Session = Depends(db),
) -> Response:
    response = RedirectResponse("/login", status_code=303)
    if auth is not None:
        check_csrf(request, auth, csrf_token)
        end_session(request, session, auth)
    clear_session_cookie(response, app_state(request))
    return response


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
    request: Request,
    q: str | None = Query(default=None, max_length=100),
    status: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1, le=1_000_000),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> HTMLResponse:
    page_permission(auth, Permission.VIEW_ORDERS)
    query = select(Order).where(Order.tenant_id == auth.tenant.id)
    if status:
        query = query.where(Order.status == status)
    if q:
        needle = q.strip().lower().replace("%", "").replace("_", "")
        query = query.join(Customer, Customer.id == Order.customer_id).where(
            (Order.number == q.strip()) | func.lower(Customer.email).like(f"{needle}%")
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // ORDERS_PER_PAGE))
    page = min(page, pages)
    orders = session.scalars(
        query.order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(ORDERS_PER_PAGE)
        .offset((page - 1) * ORDERS_PER_PAGE)
    ).all()
    context = console_context(request, auth, "orders") | {
        "orders": orders,
        "total": total,
        "page": page,
        "pages": pages,
        "q": q,
        "status": status,
        "statuses": [s.value for s in OrderStatus],
    }
    return render(request, "orders.html", context)


@router.get("/console/orders/{order_number}", response_class=HTMLResponse)
def console_order(
    order_number: str, request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
) -> HTMLResponse:
    page_permission(auth, Permission.VIEW_ORDERS)
    order = session.scalar(
        select(Order)
        .where(Order.tenant_id == auth.tenant.id, Order.number == order_number)
        .options(selectinload(Order.items), selectinload(Order.customer))
    )
    if order is None:
        raise not_found("order")
    return render(request, "order.html", console_context(request, auth, "orders") | {"order": order})


@router.get("/console/customers/{customer_id}", response_class=HTMLResponse)
def console_customer(
    customer_id: RowId, request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
) -> HTMLResponse:
    page_permission(auth, Permission.VIEW_CUSTOMERS)
    customer = session.scalar(
        select(Customer)
        .where(Customer.tenant_id == auth.tenant.id, Customer.id == customer_id)
        .options(selectinload(Customer.orders))
    )
    if customer is None:
        raise not_found("customer")
    return render(request, "customer.html", console_context(request, auth, "orders") | {"customer": customer})


@router.get("/console/staff", response_class=HTMLResponse)
def console_staff(
    request: Request,
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
    error: str | None = None,
) -> HTMLResponse:
    page_permission(auth, Permission.MANAGE_STAFF)
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
        request,
        "staff.html",
        console_context(request, auth, "staff")
        | {"staff": [u for u in users if is_staff(u.role)], "pending": pending, "error": error},
        status_code=422 if error else 200,
    )


@router.post("/console/staff/admin-requests/{grant_id}/decide")
def console_decide_admin_request(
    grant_id: RowId,
    request: Request,
    csrf_token: str = Form(max_length=200),
    decision: str = Form(max_length=10),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> Response:
    check_csrf(request, auth, csrf_token)
    page_permission(auth, Permission.MANAGE_STAFF)
    try:
        if decision == "cancel":
            admin_grants.cancel_grant(session, auth.tenant, grant_id, auth.user, ip=client_ip(request))
        else:
            admin_grants.decide_grant(
                session,
                auth.tenant,
                grant_id,
                auth.user,
                approve=decision == "approve",
                cool_off=admin_cool_off(request),
                ip=client_ip(request),
            )
    except admin_grants.GrantError as exc:
        session.commit()  # keep the audit record of a refused decision
        return console_staff(request, auth, session, error=str(exc))
    session.commit()
    return RedirectResponse("/console/staff", status_code=303)


@router.get("/console/audit", response_class=HTMLResponse)
def console_audit(
    request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
) -> HTMLResponse:
    page_permission(auth, Permission.VIEW_AUDIT)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.tenant_id == auth.tenant.id)
        .order_by(AuditEvent.id.desc())
        .limit(200)
    ).all()
    intact = verify_chain(session).intact
    return render(
        request,
        "audit.html",
        console_context(request, auth, "audit") | {"events": events, "chain_intact": intact},
    )


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
