"""Application factory: settings -> engine -> state -> routes, middleware, error handlers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from trustdesk import __version__, native
from trustdesk.accounts.lockout import LockoutPolicy
from trustdesk.config import Settings, get_settings
from trustdesk.ratelimit import make_rate_limiter
from trustdesk.runtime import ChatLimits, build_runtime, install_bot
from trustdesk.secretbox import SecretBox
from trustdesk.signing_keys import session_signer
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import ensure_migrated
from trustdesk.web.contract import install_openapi, operation_id
from trustdesk.web.errors import install_error_handlers
from trustdesk.web.locale import install_i18n
from trustdesk.web.logs import setup_logging
from trustdesk.web.middleware import EdgeMiddleware, Metrics
from trustdesk.web.routes import (
    audit,
    auth,
    authenticity,
    bot_admin,
    canned_replies,
    channels,
    chat_pages,
    commerce,
    conversation_actions,
    conversations,
    csat,
    customer_chat,
    dashboard,
    fraud_indicators,
    guard,
    health,
    integrations,
    keys,
    languages,
    mail_attachments,
    mailboxes,
    me,
    pages,
    privacy,
    realtime,
    report_intake,
    reports,
    sign_in,
    sla,
    staff,
    supervisor,
    verify,
)
from trustdesk.web.state import STATIC_DIR, TEMPLATES_DIR, AppState

ROUTERS = [
    health.router,
    auth.router,
    me.router,
    commerce.router,
    staff.router,
    audit.router,
    channels.router,
    fraud_indicators.router,
    verify.router,
    authenticity.router,
    guard.router,
    conversations.router,
    conversation_actions.router,
    canned_replies.router,
    integrations.router,
    customer_chat.public_router,
    csat.router,
    supervisor.router,
    dashboard.router,
    mail_attachments.router,
    mailboxes.router,
    realtime.router,
    chat_pages.router,
    report_intake.router,
    reports.router,
    bot_admin.router,
    keys.router,
    privacy.router,
    languages.router,
    sla.router,
    sign_in.router,
    pages.router,
]


_HEAP_FROZEN: list[bool] = []  # set once this process has frozen its start-up heap


def _freeze_heap_once() -> bool:
    """Collect and freeze the heap the first time an app starts in this process; True if it did."""
    if _HEAP_FROZEN:
        return False
    _HEAP_FROZEN.append(True)
    gc.collect()
    gc.freeze()
    return True


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, check_schema: bool = True
) -> FastAPI:
    """Build the app. Refuses to start on a database that is not migrated (DatabaseNotMigrated)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.resolved_database_url)
    if check_schema:
        ensure_migrated(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        running = sorted(native.active())
        logging.getLogger("trustdesk.web").info(
            "native (mypyc) packages: %s", ", ".join(running) or "none, pure Python (make native)"
        )
        await app.state.trustdesk.runtime.start()
        # Everything is imported and built by now: collect once, then move what survives (modules,
        # routes, templates, compiled SQL) out of the collector's reach. Otherwise each full collection,
        # triggered by a request's allocations, walks all of it: a CPU spike on the dashboard's queries
        # (90-day guard events' CPU p95 73 -> 26 ms, docs/performance.md "Dashboard"). Once per
        # process: a server starts one app, while a test process starts thousands, and a full
        # collection of a test process's heap at each start cost seconds by the end of a run.
        frozen = _freeze_heap_once()
        yield
        if frozen:
            gc.unfreeze()  # collectable again once the app stops
        await app.state.trustdesk.runtime.stop()
        for hook in app.state.trustdesk.extras.get("shutdown_hooks", []):  # type: ignore[union-attr]
            await hook()

    app = FastAPI(
        title="Trustdesk API",
        version=__version__,
        description="Customer support built against impersonation: guard, verify, report.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    install_i18n(templates.env)
    app.state.trustdesk = AppState(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        read_sessions=make_session_factory(engine, write=False),
        rate_limiter=make_rate_limiter(settings.redis_url),
        box=SecretBox(settings.encryption_key or ""),
        cookie_signer=session_signer(settings.secret_key),
        templates=templates,
        lockout=LockoutPolicy(settings.login_max_failures, settings.lockout_minutes),
    )
    app.state.trustdesk.runtime = build_runtime(
        app.state.trustdesk.sessions,
        app.state.trustdesk.box,
        redis_url=settings.redis_url,
        workers=settings.job_workers,
        limits=ChatLimits.from_settings(settings),
        settings=settings,
    )
    install_bot(app.state.trustdesk.runtime, rate_limiter=app.state.trustdesk.rate_limiter)
    app.state.metrics = Metrics()
    install_error_handlers(app)

    @app.exception_handler(pages.Redirect)
    async def _redirect(request: Request, exc: pages.Redirect) -> RedirectResponse:
        return RedirectResponse(exc.url, status_code=303)

    for router in ROUTERS:
        app.include_router(router)
    app.state.routers = list(ROUTERS)
    install_openapi(app, lambda: route_table(app))

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_alias() -> dict:  # type: ignore[type-arg]
        return app.openapi()

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(EdgeMiddleware, metrics=app.state.metrics, hsts=settings.behind_tls)
    return app


def route_table(app: FastAPI) -> list[APIRoute]:
    """Every route of the app's routers, with full paths (for checks that must cover all routes)."""
    return [route for router in app.state.routers for route in router.routes if isinstance(route, APIRoute)]


def create_app_from_env() -> FastAPI:
    """Entry point for `uvicorn --factory trustdesk.web.app:create_app_from_env`."""
    settings = get_settings()
    setup_logging(settings.log_level, settings.log_json)
    return create_app(settings)
