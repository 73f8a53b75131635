"""Canned replies: saved answers, one version per language, linked as translations by a group key.

    create_canned_reply(session, tenant, shortcut="returns", title="", body="...", language="en", ...)
    create_canned_reply(session, tenant, ..., language="de", translation_of=english.id)   # same group
    for_conversation(session, tenant, conv)   # one version per answer, in the conversation's language

An agent inserting an answer gets the version in the conversation's language, else the retailer's
default language with `fallback` set, so the console can tell the agent the text is not in the
customer's language. Every version is guarded like an agent's reply: one that asks for a secret is
refused. Audit records are written by the caller (the web layer knows the request's address).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.conversations.domain import (
    ConversationNotFound,
    InvalidMessage,
    InvalidTransition,
    MessageBlocked,
    clean_line,
    normalise_body,
)
from trustdesk.guard import scan
from trustdesk.i18n.languages import LANGUAGES, supported
from trustdesk.store.models import CannedReply, Conversation, User, utcnow


class InvalidCannedLanguage(InvalidMessage):
    """The language of a version is not one the retailer offers (422, names the field)."""

    code = "invalid_language"


@dataclass(frozen=True, slots=True)
class Chosen:
    """The version of one answer an agent gets, and whether it is not in the language wanted."""

    reply: CannedReply
    wanted: str
    fallback: bool


def choose_version(versions: Sequence[CannedReply], wanted: str, default: str) -> Chosen | None:
    """The version in ``wanted``, else in ``default`` (fallback), else the oldest one (fallback)."""
    if not versions:
        return None
    by_language = {v.language: v for v in versions}
    if wanted in by_language:
        return Chosen(by_language[wanted], wanted, False)
    chosen = by_language.get(default) or min(versions, key=lambda v: v.id)
    return Chosen(chosen, wanted, True)


def canned_dict(reply: CannedReply) -> dict[str, Any]:
    """The API form of one version."""
    return {
        "id": reply.id,
        "shortcut": reply.shortcut,
        "title": reply.title,
        "body": reply.body,
        "language": reply.language,
        "group_key": reply.group_key,
        "created_at": reply.created_at.isoformat(),
        "updated_at": reply.updated_at.isoformat() if reply.updated_at else None,
    }


def _language(language: str | None, offered: Sequence[str], default: str) -> str:
    if language is None:
        return default
    code = supported(language)
    if code is None or code not in offered:
        raise InvalidCannedLanguage(
            f"language: {language!r} is not offered by this retailer; offered: {', '.join(offered)}"
        )
    return code


def _guarded(session: Session, tenant_id: int, body: str, brand: str, by: User) -> str:
    text = normalise_body(body)
    result = scan(text, "outbound", brand=brand)
    if result.blocked:
        types = sorted({str(f.type) for f in result.findings if f.action == "block"})
        record(
            session,
            "canned_reply.blocked",
            actor=f"{by.role}:{by.email}",
            tenant_id=tenant_id,
            details={"reasons": list(result.block_reasons), "types": types},
        )
        session.commit()
        raise MessageBlocked(list(result.block_reasons), types)
    return result.redacted


def _clash(
    session: Session, tenant_id: int, *, shortcut: str, language: str, group_key: str, skip: int
) -> None:
    """Refuse a second version in one language under one shortcut or in one group."""
    rows = session.scalars(
        select(CannedReply).where(
            CannedReply.tenant_id == tenant_id,
            CannedReply.language == language,
            (CannedReply.shortcut == shortcut) | (CannedReply.group_key == group_key),
            CannedReply.id != skip,
        )
    ).all()
    for row in rows:
        if row.group_key == group_key:
            raise InvalidTransition(f"this canned reply already has a {language} version (id {row.id})")
        raise InvalidTransition(f"a canned reply with the shortcut {shortcut!r} in {language} already exists")


def _shortcut(value: str) -> str:
    shortcut = clean_line(value, 40).lower().replace(" ", "-").lstrip("/")
    if not shortcut:
        raise InvalidMessage("shortcut: a shortcut is required")
    return shortcut


def find_canned_reply(session: Session, tenant_id: int, reply_id: int) -> CannedReply:
    """One version of this retailer's answers, else `ConversationNotFound` (a 404)."""
    reply = session.scalar(
        select(CannedReply).where(CannedReply.id == reply_id, CannedReply.tenant_id == tenant_id)
    )
    if reply is None:
        raise ConversationNotFound("canned reply not found")
    return reply


def create_canned_reply(
    session: Session,
    tenant_id: int,
    *,
    shortcut: str,
    title: str,
    body: str,
    brand: str,
    by: User,
    language: str | None = None,
    offered: Sequence[str] = tuple(LANGUAGES),
    default: str = "en",
    translation_of: int | None = None,
) -> CannedReply:
    """Save an answer in ``language`` (the retailer's default without one). With ``translation_of``
    it is another language's version of that answer: same group, same shortcut."""
    code = _language(language, offered, default)
    if translation_of is not None:
        original = find_canned_reply(session, tenant_id, translation_of)
        group_key, shortcut = original.group_key, original.shortcut
    else:
        group_key, shortcut = secrets.token_hex(8), _shortcut(shortcut)
    text = _guarded(session, tenant_id, body, brand, by)
    _clash(session, tenant_id, shortcut=shortcut, language=code, group_key=group_key, skip=0)
    reply = CannedReply(
        tenant_id=tenant_id,
        shortcut=shortcut,
        title=clean_line(title, 200) or shortcut,
        body=text,
        language=code,
        group_key=group_key,
        created_by_user_id=by.id,
    )
    session.add(reply)
    session.flush()
    return reply


def update_canned_reply(
    session: Session,
    tenant_id: int,
    reply_id: int,
    *,
    brand: str,
    by: User,
    title: str | None = None,
    body: str | None = None,
    shortcut: str | None = None,
    language: str | None = None,
    offered: Sequence[str] = tuple(LANGUAGES),
) -> tuple[CannedReply, list[str]]:
    """Edit one version; a new shortcut renames every version of the answer (they share it).
    Returns the version and the names of the fields that changed (for the audit record)."""
    reply = find_canned_reply(session, tenant_id, reply_id)
    changed: list[str] = []
    if body is not None:
        text = _guarded(session, tenant_id, body, brand, by)
        if text != reply.body:
            reply.body = text
            changed.append("body")
    if title is not None and (clean_line(title, 200) or reply.shortcut) != reply.title:
        reply.title = clean_line(title, 200) or reply.shortcut
        changed.append("title")
    if language is not None:
        code = _language(language, offered, reply.language)
        if code != reply.language:
            _clash(
                session,
                tenant_id,
                shortcut=reply.shortcut,
                language=code,
                group_key=reply.group_key,
                skip=reply.id,
            )
            reply.language = code
            changed.append("language")
    if shortcut is not None and _shortcut(shortcut) != reply.shortcut:
        new = _shortcut(shortcut)
        group = session.scalars(
            select(CannedReply).where(
                CannedReply.tenant_id == tenant_id, CannedReply.group_key == reply.group_key
            )
        ).all()
        for version in group:
            _clash(
                session,
                tenant_id,
                shortcut=new,
                language=version.language,
                group_key=reply.group_key,
                skip=version.id,
            )
        for version in group:
            if version.title == version.shortcut:
                version.title = new
            version.shortcut = new
        changed.append("shortcut")
    if changed:
        reply.updated_at = utcnow()
        session.flush()
    return reply, changed


def for_conversation(
    session: Session, tenant_id: int, conv: Conversation, default: str
) -> list[dict[str, Any]]:
    """Every answer once, in the version an agent inserts into ``conv``: its language, else ``default``.

    Each row is `canned_dict` of the version with ``wanted`` (the conversation's language, or the
    default while it is unknown), ``fallback`` and ``languages`` (every language the answer has)."""
    wanted = conv.language or default
    rows = session.scalars(
        select(CannedReply)
        .where(CannedReply.tenant_id == tenant_id)
        .order_by(CannedReply.shortcut, CannedReply.id)
    ).all()
    groups: dict[str, list[CannedReply]] = {}
    for row in rows:
        groups.setdefault(row.group_key, []).append(row)
    answers = []
    for versions in groups.values():
        chosen = choose_version(versions, wanted, default)
        if chosen is None:
            continue
        answers.append(
            canned_dict(chosen.reply)
            | {
                "wanted": chosen.wanted,
                "fallback": chosen.fallback,
                "languages": sorted(v.language for v in versions),
            }
        )
    return answers
