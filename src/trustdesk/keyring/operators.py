"""Who may rotate and retire the deployment's keys from the console.

The keys serve every retailer of a desk, so an admin of one retailer must not sign out, or break the
references of, another's staff and customers: only the admins of the operating retailer
(TRUSTDESK_KEYS_ADMIN_TENANT) may, or, when that is unset, the admins of a desk with a single retailer.
"""

from __future__ import annotations


def operates_keys(*, tenant_slug: str, is_admin: bool, configured: str | None, tenant_count: int) -> bool:
    """True when an admin of `tenant_slug` may manage the deployment's keys."""
    if not is_admin:
        return False
    if configured:
        return configured.strip().lower() == tenant_slug.lower()
    return tenant_count == 1
