"""Account use cases: creating users, signing in with two factors, sessions and their rotation."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from trustdesk.accounts import passwords, totp
from trustdesk.accounts.lockout import LockoutPolicy
from trustdesk.accounts.permissions import Role, is_staff
from trustdesk.audit.log import record
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import RecoveryCode, Tenant, User, UserSession, utcnow


class AccountError(ValueError):
    """A request about an account cannot be honoured; the message is safe to show."""


class NotStaff(AccountError):
    """A role change that would turn a customer into staff, or staff into a customer."""


def normalise_email(email: str) -> str:
    email = email.strip()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise AccountError("enter a valid e-mail address")
    local, _, domain = email.rpartition("@")
    if not local or not domain or "." not in domain:
        raise AccountError("enter a valid e-mail address")
    return f"{local}@{domain.lower()}"


def audit_actor(user: User) -> str:
    """How the audit log names an account: staff by role and address (accountability), a customer by
    id only, so the audit chain holds no customer's personal data and survives their erasure."""
    if is_staff(user.role):
        return f"{user.role}:{user.email}"
    return f"customer:user:{user.id}"


def _next_agent_number(session: Session, tenant_id: int) -> str:
    existing = session.scalars(
        select(User.agent_number).where(User.tenant_id == tenant_id, User.agent_number.is_not(None))
    ).all()
    highest = max((int(n[1:]) for n in existing if n and n[1:].isdigit()), default=1000)
    return f"A{highest + 1}"


def create_user(
    session: Session,
    tenant: Tenant,
    *,
    email: str,
    display_name: str,
    role: Role | str,
    password: str,
    actor: str,
    ip: str | None = None,
    created_by: User | None = None,
    active: bool = True,
) -> User:
    """Create an account; staff get a public agent number. Audited.

    `created_by` is the staff member who created it (four-eyes: it never decides their changes);
    an inactive account (an admin waiting for a second admin's approval) cannot sign in."""
    role = Role(role)
    email = normalise_email(email)
    passwords.check_password_strength(password, email=email)
    if session.scalar(select(User.id).where(User.tenant_id == tenant.id, User.email == email)):
        raise AccountError("an account with this e-mail already exists")
    user = User(
        tenant_id=tenant.id,
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        role=role.value,
        password_hash=passwords.hash_password(password),
        agent_number=_next_agent_number(session, tenant.id) if is_staff(role) else None,
        created_by_id=created_by.id if created_by is not None else None,
        is_active=active,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(
        session,
        "user.created",
        actor=actor,
        tenant_id=tenant.id,
        target=f"user:{user.id}",
        # A customer's address stays out of the audit chain (erasable data lives in its own tables).
        details={
            "role": role.value,
            **({"email": email} if is_staff(role) else {}),
            **({} if active else {"active": False}),
        },
        ip=ip,
    )
    return user


def change_role(
    session: Session,
    user: User,
    new_role: Role | str,
    *,
    actor: str,
    ip: str | None = None,
    granted_by: User | None = None,
) -> None:
    """Change a staff member's role to another staff role. Audited.

    Customer accounts are never made staff and staff never become customers: a customer chose
    their own password and has no second factor, and staff rights do not belong to shoppers.
    """
    new_role = Role(new_role)
    old = user.role
    if not is_staff(old):
        raise NotStaff("this is a customer account; only staff accounts have roles to change")
    if not is_staff(new_role):
        raise NotStaff("a staff account can only be given a staff role (agent, admin or security)")
    if old == new_role.value:
        return
    user.role = new_role.value
    user.role_since = utcnow()
    user.promoted_by_id = granted_by.id if granted_by is not None else None
    if is_staff(new_role) and not user.agent_number:
        user.agent_number = _next_agent_number(session, user.tenant_id)
    # A role change invalidates existing sessions so new rights are granted only after a fresh sign-in.
    revoke_all_sessions(session, user)
    record(
        session,
        "user.role_changed",
        actor=actor,
        tenant_id=user.tenant_id,
        target=f"user:{user.id}",
        details={"from": old, "to": new_role.value},
        ip=ip,
    )


class LoginStep(StrEnum):
    DONE = "done"  # fully signed in
    TOTP_REQUIRED = "totp_required"  # password ok, second factor pending
    ENROLMENT_REQUIRED = "enrolment_required"  # staff without two-factor must enrol first


@dataclass(frozen=True)
class IssuedSession:
    token: str  # raw token: goes into the signed cookie only, never stored
    session: UserSession
    user: User
    step: LoginStep


class LoginFailed(AccountError):
    """Wrong tenant, e-mail or password; deliberately does not say which."""


class AccountLocked(AccountError):
    """The second factor while the account is locked (the password step answers LoginFailed instead)."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_session(
    session: Session, user: User, *, mfa_passed: bool, hours: int, ip: str | None
) -> tuple[str, UserSession]:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(
        tenant_id=user.tenant_id,
        token_hash=_token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        mfa_passed=mfa_passed,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=hours),
        ip=ip,
    )
    session.add(row)
    session.flush()
    return token, row


def login_step(user: User) -> LoginStep:
    if not is_staff(user.role):
        return LoginStep.DONE
    return LoginStep.TOTP_REQUIRED if user.totp_enabled else LoginStep.ENROLMENT_REQUIRED


def sign_in(
    session: Session,
    tenant: Tenant,
    *,
    email: str,
    password: str,
    ip: str | None,
    policy: LockoutPolicy,
    session_hours: int,
    previous_token: str | None = None,
) -> IssuedSession:
    """Check the password and issue a new session (rotating away any previous one)."""
    now = utcnow()
    try:
        email = normalise_email(email)
    except AccountError:
        raise LoginFailed("wrong e-mail or password") from None
    user = session.scalar(select(User).where(User.tenant_id == tenant.id, User.email == email))
    if user is None or not user.is_active:
        passwords.verify_password(passwords.DUMMY_HASH, password)  # equalise timing
        # The typed address is not kept: it may be a customer's, and the chain cannot forget it.
        record(
            session,
            "auth.login_failed",
            actor="unknown-account",
            tenant_id=tenant.id,
            details={"reason": "unknown"},
            ip=ip,
        )
        raise LoginFailed("wrong e-mail or password")
    if policy.is_locked(user.locked_until, now):
        # Answered like any failed sign-in, after the same work: a distinct answer (or a faster one) would
        # tell a guesser that the account exists. The audit log keeps the reason.
        passwords.verify_password(user.password_hash, password)
        record(
            session,
            "auth.login_locked",
            actor=audit_actor(user),
            tenant_id=tenant.id,
            target=f"user:{user.id}",
            ip=ip,
        )
        raise LoginFailed("wrong e-mail or password")
    if not passwords.verify_password(user.password_hash, password):
        user.failed_logins, user.locked_until = policy.after_failure(user.failed_logins, now)
        details = {"reason": "password", "failures": user.failed_logins}
        record(
            session,
            "auth.login_failed",
            actor=audit_actor(user),
            tenant_id=tenant.id,
            target=f"user:{user.id}",
            details=details,
            ip=ip,
        )
        if user.locked_until is not None:
            record(
                session,
                "auth.account_locked",
                actor="system",
                tenant_id=tenant.id,
                target=f"user:{user.id}",
                ip=ip,
            )
        raise LoginFailed("wrong e-mail or password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    if previous_token:
        revoke_session(session, previous_token)
    step = login_step(user)
    token, row = _issue_session(session, user, mfa_passed=step == LoginStep.DONE, hours=session_hours, ip=ip)
    if step == LoginStep.DONE:
        user.last_login_at = now
    record(
        session,
        "auth.password_ok" if step != LoginStep.DONE else "auth.login",
        actor=audit_actor(user),
        tenant_id=tenant.id,
        target=f"user:{user.id}",
        details={"step": step.value},
        ip=ip,
    )
    return IssuedSession(token, row, user, step)


def resolve_session(session: Session, token: str) -> tuple[UserSession, User] | None:
    """The live session and its user for a cookie token, or None when expired, revoked or unknown."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active or user.tenant_id != row.tenant_id:
        return None
    return row, user


def revoke_session(session: Session, token: str) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_sessions(session: Session, user: User) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _complete_second_factor(
    session: Session, pending: UserSession, user: User, *, session_hours: int, ip: str | None, how: str
) -> IssuedSession:
    # Rotate on privilege change: the pre-MFA token is revoked and a fresh one issued.
    pending.revoked_at = utcnow()
    token, row = _issue_session(session, user, mfa_passed=True, hours=session_hours, ip=ip)
    user.last_login_at = utcnow()
    record(
        session,
        "auth.login",
        actor=audit_actor(user),
        tenant_id=user.tenant_id,
        target=f"user:{user.id}",
        details={"second_factor": how},
        ip=ip,
    )
    return IssuedSession(token, row, user, LoginStep.DONE)


def verify_second_factor(
    session: Session,
    pending: UserSession,
    user: User,
    *,
    code: str,
    box: SecretBox,
    policy: LockoutPolicy,
    session_hours: int,
    ip: str | None,
) -> IssuedSession:
    """Finish sign-in with a TOTP code or a single-use recovery code."""
    if pending.mfa_passed:
        raise AccountError("this session has already completed two-factor sign-in")
    if not user.totp_enabled or not user.totp_secret_encrypted:
        raise AccountError("two-factor authentication is not set up for this account")
    now = utcnow()
    if policy.is_locked(user.locked_until, now):
        raise AccountLocked(
            "this account is temporarily locked after repeated failed sign-ins; try again later"
        )
    check = totp.check_code(box.open(user.totp_secret_encrypted), code, last_counter=user.totp_last_counter)
    if check.ok:
        user.totp_last_counter = check.counter
        user.failed_logins = 0
        return _complete_second_factor(session, pending, user, session_hours=session_hours, ip=ip, how="totp")
    code_hash = totp.hash_recovery_code(code)
    for recovery in session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if hmac.compare_digest(recovery.code_hash, code_hash):
            recovery.used_at = now
            user.failed_logins = 0
            record(
                session,
                "auth.recovery_code_used",
                actor=audit_actor(user),
                tenant_id=user.tenant_id,
                target=f"user:{user.id}",
                ip=ip,
            )
            return _complete_second_factor(
                session, pending, user, session_hours=session_hours, ip=ip, how="recovery_code"
            )
    user.failed_logins, user.locked_until = policy.after_failure(user.failed_logins, now)
    record(
        session,
        "auth.second_factor_failed",
        actor=audit_actor(user),
        tenant_id=user.tenant_id,
        target=f"user:{user.id}",
        ip=ip,
    )
    raise LoginFailed("that code is not valid")


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_svg: str


def begin_totp_enrolment(user: User, tenant: Tenant, box: SecretBox) -> Enrolment:
    """Generate (or re-show, until confirmed) the user's TOTP secret."""
    if user.totp_enabled:
        raise AccountError("two-factor authentication is already set up")
    if user.totp_secret_encrypted:
        secret = box.open(user.totp_secret_encrypted)
    else:
        secret = totp.new_secret()
        user.totp_secret_encrypted = box.seal(secret)
    uri = totp.provisioning_uri(secret, f"{user.email} ({tenant.slug})", issuer=f"Trustdesk {tenant.name}")
    return Enrolment(secret, uri, totp.qr_svg(uri))


def confirm_totp_enrolment(
    session: Session,
    pending: UserSession,
    user: User,
    *,
    code: str,
    box: SecretBox,
    session_hours: int,
    ip: str | None,
) -> tuple[IssuedSession, list[str]]:
    """Turn two-factor on once the user proves the authenticator works; returns recovery codes once."""
    if user.totp_enabled or not user.totp_secret_encrypted:
        raise AccountError("start two-factor enrolment first")
    check = totp.check_code(box.open(user.totp_secret_encrypted), code, last_counter=user.totp_last_counter)
    if not check.ok:
        raise LoginFailed("that code is not valid; check the time on your phone and try again")
    user.totp_enabled = True
    user.totp_last_counter = check.counter
    codes = totp.new_recovery_codes()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(
        RecoveryCode(tenant_id=user.tenant_id, user_id=user.id, code_hash=totp.hash_recovery_code(c))
        for c in codes
    )
    record(
        session,
        "auth.totp_enrolled",
        actor=audit_actor(user),
        tenant_id=user.tenant_id,
        target=f"user:{user.id}",
        ip=ip,
    )
    issued = _complete_second_factor(
        session, pending, user, session_hours=session_hours, ip=ip, how="enrolment"
    )
    return issued, codes


def touch(row: UserSession, now: datetime | None = None) -> None:
    row.last_seen_at = now or utcnow()
