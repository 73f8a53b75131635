"""Roles and the permissions each grants, checked in one place."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"
    SECURITY = "security"
    # An agent who also watches the bot's conversations, takes them over and reads satisfaction results.
    SUPERVISOR = "supervisor"


STAFF_ROLES = frozenset({Role.AGENT, Role.ADMIN, Role.SECURITY, Role.SUPERVISOR})


class Permission(StrEnum):
    VIEW_OWN_ACCOUNT = "view_own_account"
    VIEW_CUSTOMERS = "view_customers"
    VIEW_ORDERS = "view_orders"
    VIEW_CHANNELS = "view_channels"
    HANDLE_CONVERSATIONS = "handle_conversations"
    MANAGE_STAFF = "manage_staff"
    MANAGE_CHANNELS = "manage_channels"
    MANAGE_MAILBOXES = "manage_mailboxes"  # connect retailer mailboxes (holds their credentials): admins only
    APPROVE_CHANNELS = "approve_channels"
    MANAGE_POLICY = "manage_policy"
    MANAGE_BOT = "manage_bot"
    MANAGE_LANGUAGES = "manage_languages"
    MANAGE_SLA = "manage_sla"  # SLA targets, business hours, holidays, escalation: admins only
    VIEW_AUDIT = "view_audit"
    TRIAGE_REPORTS = "triage_reports"
    EXPORT_DATA = "export_data"
    IMPORT_DATA = "import_data"
    # Data-subject requests (export and erase a person): admins only.
    HANDLE_PRIVACY_REQUESTS = "handle_privacy_requests"
    # The deployment's key rings (rotate, retire): admins only, and only of the desk's operating retailer
    # (keyring.operators), since the keys serve every retailer of the desk.
    MANAGE_KEYS = "manage_keys"
    # Watch conversations the bot holds and take them over (admins and supervisors).
    SUPERVISE_CONVERSATIONS = "supervise_conversations"
    # Customer satisfaction results per agent and channel (admins and supervisors).
    VIEW_SATISFACTION = "view_satisfaction"
    # The dashboard's charts and their CSV exports (admins and supervisors).
    VIEW_DASHBOARD = "view_dashboard"


_AGENT = frozenset(
    {
        Permission.VIEW_OWN_ACCOUNT,
        Permission.VIEW_CUSTOMERS,
        Permission.VIEW_ORDERS,
        Permission.VIEW_CHANNELS,
        Permission.HANDLE_CONVERSATIONS,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CUSTOMER: frozenset({Permission.VIEW_OWN_ACCOUNT}),
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: _AGENT
    | {Permission.SUPERVISE_CONVERSATIONS, Permission.VIEW_SATISFACTION, Permission.VIEW_DASHBOARD},
    Role.SECURITY: frozenset(
        {
            Permission.VIEW_OWN_ACCOUNT,
            Permission.VIEW_CUSTOMERS,
            Permission.VIEW_ORDERS,
            Permission.VIEW_CHANNELS,
            Permission.VIEW_AUDIT,
            Permission.TRIAGE_REPORTS,
            Permission.EXPORT_DATA,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def has_permission(role: str, permission: Permission) -> bool:
    """True when `role` grants `permission`; unknown roles grant nothing."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


def is_staff(role: str) -> bool:
    return role in {r.value for r in STAFF_ROLES}
