"""Setting and clearing the session cookie."""

from __future__ import annotations

from fastapi import Response

from trustdesk.web.deps import SESSION_COOKIE
from trustdesk.web.state import AppState


def set_session_cookie(response: Response, state: AppState, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        state.cookie_signer.sign(token.encode()).decode(),
        max_age=state.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=state.settings.behind_tls,
        path="/",
    )


def clear_session_cookie(response: Response, state: AppState) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=state.settings.behind_tls
    )
