"""The admin role under four-eyes: a new admin, or a promotion to admin, takes effect only when a
second, established admin approves (accounts.four_eyes); every admin is told; all of it audited.

A new admin account exists from the request on, inactive (it cannot sign in) until approved; a
promotion leaves the role as it is until approved. Taking the admin role away needs no second
admin (it only lowers rights), but every admin is told.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts import service as accounts
from trustdesk.accounts.admin_notices import notify_admins
from trustdesk.accounts.four_eyes import DEFAULT_COOL_OFF, Party, decision_refusal
from trustdesk.accounts.permissions import Role, is_staff
from trustdesk.audit.log import record
from trustdesk.store.models import AdminGrant, Tenant, User, utcnow

STAFF_CONSOLE = "/console/staff"


class GrantError(accounts.AccountError):
    """An admin grant cannot be requested or decided as asked; the message is safe to show."""


class GrantRefused(GrantError):
    """The four-eyes rules refuse this decider (audited)."""


def party(user: User) -> Party:
    """The four-eyes view of an account."""
    return Party(user.id, user.created_by_id, user.promoted_by_id, user.role_since or user.created_at)


def _actor(user: User) -> str:
    return f"{user.role}:{user.email}"


def _pending_for(session: Session, user: User) -> AdminGrant | None:
    return session.scalar(
        select(AdminGrant).where(
            AdminGrant.tenant_id == user.tenant_id,
            AdminGrant.user_id == user.id,
            AdminGrant.status == "pending",
        )
    )


def _requested(
    session: Session, tenant: Tenant, grant: AdminGrant, requester: User, user: User, ip: str | None
) -> None:
    what = "a new admin account" if grant.action == "create" else f"the admin role (now {grant.from_role})"
    record(
        session,
        "staff.admin_requested",
        actor=_actor(requester),
        tenant_id=tenant.id,
        target=f"user:{user.id}",
        details={"action": grant.action, "email": user.email, "grant": grant.id},
        ip=ip,
    )
    notify_admins(
        session,
        tenant,
        f"Admin requested for {user.email}",
        [
            f"{requester.email} asked for {what} for {user.email} ({user.display_name}).",
            "It takes effect only when another established admin approves it.",
        ],
        STAFF_CONSOLE,
    )


def create_admin(
    session: Session,
    tenant: Tenant,
    requester: User,
    *,
    email: str,
    display_name: str,
    password: str,
    ip: str | None = None,
) -> tuple[User, AdminGrant]:
    """A new admin account, inactive until a second admin approves (AccountError/WeakPassword as create_user)."""
    user = accounts.create_user(
        session,
        tenant,
        email=email,
        display_name=display_name,
        role=Role.ADMIN,
        password=password,
        actor=_actor(requester),
        ip=ip,
        created_by=requester,
        active=False,
    )
    grant = AdminGrant(
        tenant_id=tenant.id, user_id=user.id, action="create", requested_by_id=requester.id, from_role=""
    )
    session.add(grant)
    session.flush()
    _requested(session, tenant, grant, requester, user, ip)
    return user, grant


def set_role(
    session: Session, tenant: Tenant, requester: User, user: User, role: Role, *, ip: str | None = None
) -> AdminGrant | None:
    """Change a staff member's role. To admin: a pending grant (returned) for a second admin to
    approve; any other role at once, and every admin is told when an admin loses the role."""
    if user.id == requester.id:
        raise GrantError("you cannot change your own role")
    if not is_staff(user.role):
        raise accounts.NotStaff("this is a customer account; only staff accounts have roles to change")
    if _pending_for(session, user) is not None:
        raise GrantError(
            "an admin request for this account is waiting for approval; decide or withdraw it first"
        )
    if role == Role.ADMIN and user.role != Role.ADMIN.value:
        if not user.is_active:
            raise GrantError("this account is not active")
        grant = AdminGrant(
            tenant_id=tenant.id,
            user_id=user.id,
            action="promote",
            from_role=user.role,
            requested_by_id=requester.id,
        )
        session.add(grant)
        session.flush()
        _requested(session, tenant, grant, requester, user, ip)
        return grant
    was_admin = user.role == Role.ADMIN.value
    accounts.change_role(session, user, role, actor=_actor(requester), ip=ip, granted_by=requester)
    if was_admin and role != Role.ADMIN:
        notify_admins(
            session,
            tenant,
            f"{user.email} is no longer an admin",
            [f"{requester.email} changed the role of {user.email} from admin to {role.value}."],
            STAFF_CONSOLE,
        )
    return None


def decide_grant(
    session: Session,
    tenant: Tenant,
    grant_id: int,
    decider: User,
    *,
    approve: bool,
    cool_off: timedelta = DEFAULT_COOL_OFF,
    now: datetime | None = None,
    ip: str | None = None,
) -> AdminGrant:
    """Approve (the account becomes an active admin) or reject a pending grant.

    GrantRefused (audited as staff.admin_decision_refused; the caller commits) when the four-eyes
    rules refuse this decider; GrantError for an unknown or already decided grant.
    """
    grant = session.scalar(
        select(AdminGrant)
        .where(AdminGrant.tenant_id == tenant.id, AdminGrant.id == grant_id)
        .with_for_update()
    )
    if grant is None:
        raise GrantError("no such admin request")
    if grant.status != "pending":
        raise GrantError(f"this admin request was already {grant.status}")
    requester = session.get(User, grant.requested_by_id)
    user = session.get(User, grant.user_id)
    if requester is None or user is None:
        raise GrantError("no such admin request")
    moment = now or utcnow()
    refusal = decision_refusal(
        party(requester), party(decider), now=moment, cool_off=cool_off, subject_id=user.id
    )
    if refusal is not None:
        record(
            session,
            "staff.admin_decision_refused",
            actor=_actor(decider),
            tenant_id=tenant.id,
            target=f"user:{user.id}",
            details={"grant": grant.id, "reason": refusal},
            ip=ip,
        )
        raise GrantRefused(refusal)
    grant.decided_by_id = decider.id
    grant.decided_at = moment
    grant.status = "approved" if approve else "rejected"
    if approve:
        if grant.action == "create":
            user.is_active = True
            user.role_since = moment
        else:
            accounts.change_role(
                session, user, Role.ADMIN, actor=_actor(decider), ip=ip, granted_by=requester
            )
    record(
        session,
        "staff.admin_approved" if approve else "staff.admin_rejected",
        actor=_actor(decider),
        tenant_id=tenant.id,
        target=f"user:{user.id}",
        details={"grant": grant.id, "action": grant.action, "requested_by": requester.email},
        ip=ip,
    )
    outcome = "is now an admin" if approve else "was not made an admin"
    notify_admins(
        session,
        tenant,
        f"{user.email} {outcome}",
        [
            f"{decider.email} {'approved' if approve else 'rejected'} the request by {requester.email} "
            f"to make {user.email} an admin."
        ],
        STAFF_CONSOLE,
    )
    return grant


def cancel_grant(
    session: Session, tenant: Tenant, grant_id: int, user: User, *, ip: str | None = None
) -> AdminGrant:
    """The requester withdraws their pending grant (a new account stays inactive)."""
    grant = session.scalar(
        select(AdminGrant).where(AdminGrant.tenant_id == tenant.id, AdminGrant.id == grant_id)
    )
    if grant is None or grant.status != "pending":
        raise GrantError("no such pending admin request")
    if grant.requested_by_id != user.id:
        raise GrantError("only the requester can withdraw an admin request")
    grant.status = "cancelled"
    grant.decided_at = utcnow()
    record(
        session,
        "staff.admin_cancelled",
        actor=_actor(user),
        tenant_id=tenant.id,
        target=f"user:{grant.user_id}",
        details={"grant": grant.id},
        ip=ip,
    )
    return grant
