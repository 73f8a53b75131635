"""Chat pages: the embeddable widget script, the customer's chat (standalone and framed), the agents' console.

The pages only render a shell; static/chat.js and static/console.js talk to the JSON and
WebSocket API (routes/conversations.py, routes/realtime.py). No inline script or style: the
retailer's colours arrive as a small generated stylesheet.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission, Role, has_permission
from trustdesk.i18n import words
from trustdesk.i18n.languages import LANGUAGES
from trustdesk.ratelimit import Limit
from trustdesk.sla.policy import PRIORITIES
from trustdesk.store.models import Tenant, User
from trustdesk.tenancy.language_settings import tenant_languages
from trustdesk.web.deps import Auth, client_ip, db, optional_auth, rate_limit, retailer_or_404
from trustdesk.web.locale import page_language
from trustdesk.web.routes.pages import Console, console_context, console_page, render
from trustdesk.web.state import STATIC_DIR

router = APIRouter(include_in_schema=False)

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DEFAULT_PRIMARY = "#1d4ed8"
_DEFAULT_ACCENT = "#0f766e"
PUBLIC_PAGE_LIMIT = Limit(300, 60)


def _colour(value: object, default: str) -> str:
    # Branding is tenant-supplied: only plain #rrggbb reaches the stylesheet.
    return value if isinstance(value, str) and _COLOUR.match(value) else default


def _ink_for(colour: str) -> str:
    """Black or white text, whichever contrasts more with the background colour."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "#111827" if luminance > 0.4 else "#ffffff"


def _public_tenant(request: Request, session: Session, slug: str) -> Tenant:
    rate_limit(request, "public-page", client_ip(request), PUBLIC_PAGE_LIMIT)
    return retailer_or_404(session, slug)


@router.get("/widget.js")
def widget_script() -> FileResponse:
    """The embeddable launcher: <script src="/widget.js" data-tenant="acme" async>."""
    return FileResponse(
        STATIC_DIR / "widget.js",
        media_type="text/javascript",
        headers={"cache-control": "public, max-age=300", "cross-origin-resource-policy": "cross-origin"},
    )


def _chat_page(
    request: Request, session: Session, slug: str, auth: Auth | None, *, embedded: bool
) -> HTMLResponse:
    tenant = _public_tenant(request, session, slug)
    signed_in = (
        auth is not None
        and auth.user.role == Role.CUSTOMER
        and auth.tenant.id == tenant.id
        and auth.session_row.mfa_passed
    )
    context = {
        "tenant": tenant,
        "embedded": embedded,
        "signed_in": signed_in,
        "customer_name": auth.user.display_name if signed_in and auth else "",
        # Only a signed-in customer's page carries a CSRF token (their cookie authenticates the start).
        "csrf_token": auth.session_row.csrf_token if signed_in and auth else None,
    }
    return render(request, "chat_embed.html" if embedded else "chat.html", context)


@router.get("/t/{slug}/chat", response_class=HTMLResponse)
def chat_page(
    slug: str,
    request: Request,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> HTMLResponse:
    return _chat_page(request, session, slug, auth, embedded=False)


@router.get("/t/{slug}/chat/embed", response_class=HTMLResponse)
def chat_embed(
    slug: str,
    request: Request,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> HTMLResponse:
    return _chat_page(request, session, slug, auth, embedded=True)


@router.get("/t/{slug}/chat/launcher.json")
def chat_launcher_words(slug: str, request: Request, session: Session = Depends(db)) -> JSONResponse:
    """The widget launcher's words, for a script running on the retailer's own site (any origin):
    in the host page's language (``?lang=``) if the retailer offers it, else the visitor's."""
    tenant = _public_tenant(request, session, slug)
    page = page_language(request, tenant)
    w = words(page.code)
    body = {
        "lang": page.code,
        "open": w.gettext("Chat with us"),
        "close": w.gettext("Close chat"),
    }
    return JSONResponse(
        body,
        headers={
            "access-control-allow-origin": "*",
            "cache-control": "public, max-age=300",
            "vary": "Accept-Language",
            "cross-origin-resource-policy": "cross-origin",
        },
    )


@router.get("/t/{slug}/chat/theme.css")
def chat_theme(slug: str, request: Request, session: Session = Depends(db)) -> Response:
    """The retailer's colours as CSS custom properties (CSP forbids inline styles)."""
    tenant = _public_tenant(request, session, slug)
    branding = tenant.branding or {}
    primary = _colour(branding.get("primary_color"), _DEFAULT_PRIMARY)
    accent = _colour(branding.get("accent_color"), _DEFAULT_ACCENT)
    css = (
        f":root {{ --brand: {primary}; --brand-ink: {_ink_for(primary)}; "
        f"--brand-accent: {accent}; --brand-accent-ink: {_ink_for(accent)}; }}\n"
    )
    return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=300"})


@router.get("/console/conversations", response_class=HTMLResponse)
def console_conversations(
    page: Console = Depends(console_page(Permission.HANDLE_CONVERSATIONS)),
) -> HTMLResponse:
    request, auth, session = page.request, page.auth, page.session
    colleagues = [
        {"id": u.id, "name": u.display_name, "agent_number": u.agent_number}
        for u in session.scalars(
            select(User)
            .where(User.tenant_id == auth.tenant.id, User.is_active.is_(True))
            .order_by(User.display_name)
        )
        if has_permission(Role(u.role), Permission.HANDLE_CONVERSATIONS)
    ]
    context = console_context(request, auth, "conversations")
    context["colleagues"] = colleagues
    context["search_languages"] = [(code, lang.english_name) for code, lang in LANGUAGES.items()]
    context["search_priorities"] = PRIORITIES
    offered = tenant_languages(auth.tenant)
    context["canned_languages"] = [(code, LANGUAGES[code].english_name) for code in offered.offered]
    # The agent may set a conversation's language to one the retailer offers (the API refuses others).
    context["offered_languages"] = context["canned_languages"]
    context["language_names"] = {code: lang.english_name for code, lang in LANGUAGES.items()}
    context["canned_default"] = offered.default
    return render(request, "console_conversations.html", context)
