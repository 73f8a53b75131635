"""WebSockets for customers (one conversation) and agents (their queue and the conversations they open).

Why one module: both sockets run on one Connection (frames, catch-up by seq, close handling), so the protocol reads in one place.

Frames are JSON text. Every conversation has a sequence number: a client that reconnects with
the last seq it saw receives everything after it from the store, then live events; each
message frame arrives once per connection, in seq order. Sends carry a client_msg_id so a
retry never duplicates a message. Bad frames get an error frame, never a dropped server.

Client -> server (customer):  hello {token?, last_seq}, send {client_msg_id, body}, ping
Client -> server (agent):     subscribe {conversation_id, last_seq}, unsubscribe {conversation_id},
                              send {conversation_id, client_msg_id, body, internal?}, ping
Server -> client:             ready, message {message}, conversation {conversation}, ack {client_msg_id, seq,
                              duplicate}, error {code, message, client_msg_id?, reasons?}, resync, pong,
                              activity {conversation_id, seq, author_kind} (agents: their conversation, not open)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from anyio import to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from itsdangerous import BadSignature
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from trustdesk import conversations as conv_service
from trustdesk.accounts import service as accounts
from trustdesk.accounts.permissions import Permission, Role, has_permission
from trustdesk.bus import RESYNC, Subscription, agent_topic, conversation_topic, queue_topic
from trustdesk.conversations import Author, AuthorKind, ConversationError, MessageBlocked
from trustdesk.conversations.pipeline import SendRequest
from trustdesk.i18n import supported
from trustdesk.ratelimit import Limit
from trustdesk.runtime import Runtime
from trustdesk.store.models import Conversation, Tenant, User
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.deps import SESSION_COOKIE, auth_for_token
from trustdesk.web.fields import is_seq_number
from trustdesk.web.logs import hide_wire_contents
from trustdesk.web.public_errors import localized_error
from trustdesk.web.state import AppState

log = logging.getLogger("trustdesk.realtime")

router = APIRouter(tags=["realtime"])


hide_wire_contents()  # also when the app runs without setup_logging (tests, embedding)

HELLO_TIMEOUT_SECONDS = 10.0
MAX_FOLLOWS = 200
SESSION_RECHECK_SECONDS = 60.0
CATCH_UP_PAGE = 500


class Closing(Exception):
    """End the connection with a WebSocket close code after telling the client why."""

    def __init__(self, code: int, error: str, message: str) -> None:
        super().__init__(message)
        self.close_code = code
        self.error = error
        self.message = message


# The path the customers' socket reports its errors under (public_errors: the chat area).
CUSTOMER_SOCKET = "/api/v1/public/-/chat/ws"


@dataclass
class Follow:
    conversation_pk: int
    public_id: str
    tenant_id: int
    last_seq: int


@dataclass
class Connection:
    ws: WebSocket
    state: AppState
    runtime: Runtime
    staff: bool
    ip: str
    sub: Subscription
    follows: dict[str, Follow] = field(default_factory=dict)
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    bad_frames: int = 0
    # The customer's page language (the hello's "lang"): error frames carry a sentence in it too.
    lang: str | None = None

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send_text(json.dumps(frame, separators=(",", ":"), default=str))

    async def error(self, code: str, message: str, **extra: Any) -> None:
        frame = {"type": "error", "code": code, "message": message, **extra}
        localized = None if self.staff else localized_error(code, CUSTOMER_SOCKET, self.lang)
        if localized is not None:
            frame["localized"] = localized
        await self.send(frame)

    def _view(self, message: dict[str, Any]) -> dict[str, Any] | None:
        return message if self.staff else conv_service.customer_message(message)

    async def catch_up(self, follow: Follow) -> None:
        """Send every stored message after the follow's last seq (the store is the truth)."""
        while True:
            page = await to_thread.run_sync(self._read_after, follow)
            for message in page:
                if message["seq"] > follow.last_seq:
                    follow.last_seq = message["seq"]
                    view = self._view(message)
                    if view is not None:
                        await self.send({"type": "message", "message": view})
            if len(page) < CATCH_UP_PAGE:
                return

    def _read_after(self, follow: Follow) -> list[dict[str, Any]]:
        with self.state.read_sessions() as session:
            conv = session.get(Conversation, follow.conversation_pk)
            if conv is None:
                return []
            return conv_service.messages_after(session, conv, follow.last_seq, limit=CATCH_UP_PAGE)

    async def deliver(self, event: dict[str, Any]) -> None:
        """Forward one bus event, keeping each conversation's messages gap-free and in order."""
        if event.get("type") == "message":
            message = event.get("message") or {}
            follow = self.follows.get(str(message.get("conversation_id")))
            if follow is None:
                if self.staff:
                    # A conversation of theirs they have not opened: a nudge, not the whole message.
                    await self.send(
                        {
                            "type": "activity",
                            "conversation_id": message.get("conversation_id"),
                            "seq": message.get("seq"),
                            "author_kind": message.get("author_kind"),
                            "created_at": message.get("created_at"),
                        }
                    )
                return
            seq = int(message.get("seq", 0))
            if seq <= follow.last_seq:
                return  # already sent (catch-up or a duplicate from another instance)
            if seq > follow.last_seq + 1:
                await self.catch_up(follow)  # a gap: events raced; the store fills it
                return
            follow.last_seq = seq
            view = self._view(message)
            if view is not None:
                await self.send({"type": "message", "message": view})
        elif event.get("type") == "conversation":
            summary = event.get("conversation") or {}
            if self.staff:
                await self.send({"type": "conversation", "conversation": summary})
            elif summary.get("id") in self.follows:
                assignee = summary.get("assignee")
                await self.send(
                    {
                        "type": "conversation",
                        "conversation": {
                            "id": summary.get("id"),
                            "reference": summary.get("reference"),
                            "status": summary.get("status"),
                            "agent": (
                                {"name": assignee.get("name"), "agent_number": assignee.get("agent_number")}
                                if assignee
                                else None
                            ),
                        },
                    }
                )

    async def pump(self) -> None:
        """Bus -> socket, until the socket closes."""
        while True:
            event = await self.sub.get()
            if event is RESYNC or event.get("type") == "_resync":
                for follow in list(self.follows.values()):
                    await self.catch_up(follow)
                if self.staff:
                    await self.send(
                        {"type": "resync", "message": "reload the queue; live updates were interrupted"}
                    )
                continue
            await self.deliver(event)

    async def read_frame(self) -> dict[str, Any] | None:
        """The next valid JSON object from the client; None after an error frame was sent."""
        message = await self.ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        text = message.get("text")
        if text is None:
            return await self._bad("text_frames_only", "send JSON text frames")
        if len(text.encode()) > self.runtime.limits.max_frame_bytes:
            return await self._bad(
                "frame_too_large", f"frames are limited to {self.runtime.limits.max_frame_bytes} bytes"
            )
        try:
            frame = json.loads(text)
        except ValueError:
            return await self._bad("invalid_json", "the frame is not valid JSON")
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            return await self._bad("invalid_frame", 'a frame is a JSON object with a "type"')
        return frame

    async def _bad(self, code: str, message: str) -> None:
        self.bad_frames += 1
        if self.bad_frames > self.runtime.limits.max_bad_frames:
            raise Closing(1008, "too_many_bad_frames", "too many invalid frames")
        await self.error(code, message)
        return None

    def hit(self, bucket: str, key: str, limit: Limit) -> int:
        """Seconds to wait (0 = allowed); the limiter counts per instance while Redis is down."""
        decision = self.state.rate_limiter.hit(bucket, key, limit)
        return 0 if decision.allowed else decision.retry_after

    async def send_message(
        self, tenant_id: int, follow: Follow, frame: dict[str, Any], author: Author, actor: str | None
    ) -> None:
        client_msg_id = frame.get("client_msg_id")
        body = frame.get("body")
        if client_msg_id is not None and not isinstance(client_msg_id, str):
            await self.error("invalid_message", "client_msg_id must be a string")
            return
        limits = self.runtime.limits
        internal = bool(frame.get("internal")) and self.staff

        def admit() -> int:
            return self.hit("chat-send-ip", self.ip, limits.send_per_ip) or self.hit(
                "chat-send-conv", f"{tenant_id}:{follow.public_id}", limits.send_per_conversation
            )

        request = SendRequest(
            tenant_id,
            follow.public_id,
            author,
            body,
            client_msg_id=client_msg_id,
            internal=internal,
            actor=actor,
            ip=self.ip,
        )
        # One writer thread stores the sends of every socket, a batch per transaction (group commit).
        value = await self.runtime.chat_writer.post(request, admit)
        if isinstance(value, SQLAlchemyError):
            # The database is briefly unreachable: nothing was stored; the client retries
            # with the same client_msg_id (idempotent), so nothing is lost or doubled.
            log.warning("send failed: database unavailable", extra={"error": type(value).__name__})
            await self.error(
                "unavailable",
                "the message was not stored; send it again",
                client_msg_id=client_msg_id,
                retry_after=1,
            )
        elif isinstance(value, int):
            await self.error(
                "rate_limited",
                f"too many messages; try again in {value} seconds",
                client_msg_id=client_msg_id,
                retry_after=value,
            )
        elif isinstance(value, ConversationError):
            extra: dict[str, Any] = {"client_msg_id": client_msg_id}
            if isinstance(value, MessageBlocked):
                extra.update(reasons=value.reasons, types=value.types)
            await self.error(value.code, value.message, **extra)
        elif isinstance(value, Exception):
            raise value
        else:
            await self.send(
                {
                    "type": "ack",
                    "client_msg_id": client_msg_id,
                    "conversation_id": follow.public_id,
                    "seq": value.message["seq"],
                    "duplicate": value.duplicate,
                }
            )


def _origin_ok(ws: WebSocket, state: AppState) -> bool:
    """Cookie-authenticated sockets must come from our own pages (no cross-site socket hijacking)."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True  # not a browser: no ambient cookies to abuse
    netloc = urlsplit(origin).netloc.lower()
    allowed = {ws.headers.get("host", "").lower(), urlsplit(state.settings.public_base_url).netloc.lower()}
    return netloc in allowed


def _cookie_user(ws: WebSocket, state: AppState) -> tuple[Any, User, Tenant, str] | None:
    raw = ws.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        token = state.cookie_signer.unsign(raw).decode()
    except BadSignature:
        return None
    with state.read_sessions() as session:
        auth = auth_for_token(session, token)
        if auth is None:
            return None
        session.expunge_all()
        return auth.session_row, auth.user, auth.tenant, token


async def _close(
    conn_ws: WebSocket, exc: Closing, conn: Connection | None = None, lang: str | None = None
) -> None:
    with contextlib.suppress(Exception):
        frame: dict[str, Any] = {"type": "error", "code": exc.error, "message": exc.message}
        localized = localized_error(exc.error, CUSTOMER_SOCKET, lang) if lang else None
        if localized is not None:
            frame["localized"] = localized
        if conn is not None:
            await conn.send(frame)
        else:
            await conn_ws.send_text(json.dumps(frame))
        await conn_ws.close(exc.close_code)


async def _run(conn: Connection, reader: Any) -> None:
    pump = asyncio.create_task(conn.pump())
    read = asyncio.create_task(reader())
    try:
        done, _ = await asyncio.wait({pump, read}, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in (pump, read):
            task.cancel()
        for task in (pump, read):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        conn.sub.close()


def _client_ip(ws: WebSocket) -> str:
    return ws.client.host if ws.client else "unknown"


@router.websocket("/api/v1/public/{tenant}/chat/conversations/{conversation_id}/ws")
async def customer_socket(ws: WebSocket, tenant: str, conversation_id: str) -> None:
    """A customer's live chat. First frame: {"type": "hello", "token": "...", "last_seq": 0}."""
    state: AppState = ws.app.state.trustdesk
    runtime: Runtime = state.runtime
    await ws.accept()
    conn: Connection | None = None
    lang: str | None = None
    try:
        try:
            first = await asyncio.wait_for(ws.receive_text(), HELLO_TIMEOUT_SECONDS)
            hello = json.loads(first)
        except (TimeoutError, ValueError, KeyError):
            raise Closing(
                4400, "hello_required", 'send {"type": "hello", "token": ..., "last_seq": N} first'
            ) from None
        if not isinstance(hello, dict) or hello.get("type") != "hello":
            raise Closing(4400, "hello_required", 'send {"type": "hello", "token": ..., "last_seq": N} first')
        lang = supported(hello.get("lang")) if isinstance(hello.get("lang"), str) else None
        last_seq = hello.get("last_seq", 0)
        if not is_seq_number(last_seq):
            raise Closing(4400, "invalid_frame", "last_seq must be an integer from 0 to 2147483647")
        token = hello.get("token")
        cookie = None if isinstance(token, str) and token else _cookie_user(ws, state)
        if cookie is not None and not _origin_ok(ws, state):
            raise Closing(4403, "forbidden_origin", "this page may not open the chat")

        def authorise() -> tuple[int, int, str] | None:
            with state.read_sessions() as session:
                retailer = find_tenant(session, tenant.strip().lower())
                if retailer is None:
                    return None
                try:
                    if isinstance(token, str) and token:
                        conv = conv_service.conversation_for_token(
                            session,
                            retailer.id,
                            conversation_id,
                            token,
                            idle_limit=timedelta(hours=state.settings.customer_token_idle_hours),
                        )
                    else:
                        conv = session.scalar(
                            select(Conversation).where(
                                Conversation.tenant_id == retailer.id,
                                Conversation.public_id == conversation_id,
                            )
                        )
                        if conv is None or cookie is None:
                            return None
                        row, user, user_tenant, _ = cookie
                        if (
                            user.role != Role.CUSTOMER
                            or user_tenant.id != retailer.id
                            or conv.customer_id is None
                        ):
                            return None
                        customer = conv_service.find_customer_for_user(session, retailer.id, user)
                        if customer is None or customer.id != conv.customer_id:
                            return None
                except ConversationError:
                    return None
                return retailer.id, conv.id, conv.customer_name

        allowed = await to_thread.run_sync(authorise)
        if allowed is None:
            raise Closing(4404, "not_found", "conversation not found or the token is wrong")
        tenant_id, conv_pk, customer_name = allowed
        conn = Connection(
            ws, state, runtime, staff=False, ip=_client_ip(ws), sub=runtime.bus.subscribe(), lang=lang
        )
        follow = Follow(conv_pk, conversation_id, tenant_id, last_seq)
        conn.follows[conversation_id] = follow
        conn.sub.follow(conversation_topic(conv_pk))  # before reading the store: no gap
        await conn.send({"type": "ready", "conversation_id": conversation_id, "last_seq": last_seq})
        await conn.catch_up(follow)

        async def reader() -> None:
            assert conn is not None
            while True:
                frame = await conn.read_frame()
                if frame is None:
                    continue
                kind = frame["type"]
                if kind == "ping":
                    await conn.send({"type": "pong"})
                elif kind == "send":
                    await conn.send_message(
                        tenant_id, follow, frame, Author(AuthorKind.CUSTOMER, name=customer_name), None
                    )
                else:
                    await conn._bad("unknown_type", f"unknown frame type {kind[:40]!r}")

        await _run(conn, reader)
    except Closing as exc:
        await _close(ws, exc, conn, lang)
    except WebSocketDisconnect:
        pass
    except Exception as exc:  # noqa: BLE001 - e.g. the database went away: say so, never crash
        log.warning("customer socket failed", extra={"error": type(exc).__name__})
        await _close(
            ws, Closing(1011, "unavailable", "temporarily unavailable; reconnect shortly"), conn, lang
        )
    finally:
        if conn is not None:
            conn.sub.close()


@router.websocket("/api/v1/agent/ws")
async def agent_socket(ws: WebSocket) -> None:
    """An agent's live console: queue updates, and the conversations they subscribe to."""
    state: AppState = ws.app.state.trustdesk
    runtime: Runtime = state.runtime
    await ws.accept()
    conn: Connection | None = None
    try:
        if not _origin_ok(ws, state):
            raise Closing(4403, "forbidden_origin", "this page may not open the console socket")
        found = await to_thread.run_sync(_cookie_user, ws, state)
        if found is None:
            raise Closing(4401, "unauthenticated", "sign in first")
        row, user, tenant, token = found
        if not row.mfa_passed:
            raise Closing(4401, "second_factor_required", "complete two-factor sign-in first")
        if not has_permission(user.role, Permission.HANDLE_CONVERSATIONS):
            raise Closing(4403, "forbidden", "your role does not allow this")
        conn = Connection(ws, state, runtime, staff=True, ip=_client_ip(ws), sub=runtime.bus.subscribe())
        conn.sub.follow(queue_topic(tenant.id))
        conn.sub.follow(agent_topic(user.id))
        await conn.send(
            {
                "type": "ready",
                "user": {"id": user.id, "name": user.display_name, "agent_number": user.agent_number},
                "tenant": tenant.slug,
            }
        )
        actor = f"{user.role}:{user.email}"
        author = Author(AuthorKind.AGENT, user_id=user.id, name=user.display_name)
        checked_at = time.monotonic()

        def still_signed_in() -> bool:
            with state.read_sessions() as session:
                return accounts.resolve_session(session, token) is not None

        def find(public_id: str) -> Follow | None:
            with state.read_sessions() as session:
                conv = session.scalar(
                    select(Conversation).where(
                        Conversation.tenant_id == tenant.id, Conversation.public_id == public_id
                    )
                )
                return Follow(conv.id, conv.public_id, tenant.id, 0) if conv is not None else None

        async def reader() -> None:
            nonlocal checked_at
            assert conn is not None
            while True:
                frame = await conn.read_frame()
                if frame is None:
                    continue
                if time.monotonic() - checked_at > SESSION_RECHECK_SECONDS:
                    if not await to_thread.run_sync(still_signed_in):
                        raise Closing(4401, "session_ended", "your session ended; sign in again")
                    checked_at = time.monotonic()
                kind = frame["type"]
                public_id = frame.get("conversation_id")
                if kind == "ping":
                    await conn.send({"type": "pong"})
                    continue
                if kind not in ("subscribe", "unsubscribe", "send"):
                    await conn._bad("unknown_type", f"unknown frame type {kind[:40]!r}")
                    continue
                if not isinstance(public_id, str) or not public_id or len(public_id) > 64:
                    await conn._bad("invalid_frame", "conversation_id is required")
                    continue
                if kind == "unsubscribe":
                    follow = conn.follows.pop(public_id, None)
                    if follow is not None:
                        conn.sub.unfollow(conversation_topic(follow.conversation_pk))
                    continue
                follow = conn.follows.get(public_id)
                if follow is None:
                    if len(conn.follows) >= MAX_FOLLOWS:
                        await conn.error(
                            "too_many_subscriptions", f"at most {MAX_FOLLOWS} conversations at once"
                        )
                        continue
                    follow = await to_thread.run_sync(find, public_id)
                    if follow is None:
                        await conn.error("not_found", "conversation not found", conversation_id=public_id)
                        continue
                    last_seq = frame.get("last_seq", 0) if kind == "subscribe" else None
                    if last_seq is None:
                        # Sending without subscribing: follow from the current end.
                        last_seq = await to_thread.run_sync(_current_seq, state, follow.conversation_pk)
                    if not is_seq_number(last_seq):
                        await conn._bad("invalid_frame", "last_seq must be an integer from 0 to 2147483647")
                        continue
                    follow.last_seq = last_seq
                    conn.follows[public_id] = follow
                    conn.sub.follow(conversation_topic(follow.conversation_pk))
                    if kind == "subscribe":
                        await conn.send(
                            {"type": "subscribed", "conversation_id": public_id, "last_seq": last_seq}
                        )
                        await conn.catch_up(follow)
                if kind == "send":
                    await conn.send_message(tenant.id, follow, frame, author, actor)

        await _run(conn, reader)
    except Closing as exc:
        await _close(ws, exc, conn)
    except WebSocketDisconnect:
        pass
    except Exception as exc:  # noqa: BLE001 - e.g. the database went away: say so, never crash
        log.warning("agent socket failed", extra={"error": type(exc).__name__})
        await _close(ws, Closing(1011, "unavailable", "temporarily unavailable; reconnect shortly"), conn)
    finally:
        if conn is not None:
            conn.sub.close()


def _current_seq(state: AppState, conversation_pk: int) -> int:
    with state.read_sessions() as session:
        conv = session.get(Conversation, conversation_pk)
        return conv.last_seq if conv is not None else 0
