"""Demo reports: what a retailer's customers reported over the last fortnight, so the security pages
of a fresh demo show campaigns, indicators and alerts instead of "No campaigns yet".

The reports go through the same intake as the public report form (analysis, guard redaction,
grouping into campaigns, alert thresholds); only the time they arrived is set back.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.channels.index import RegistryCache
from trustdesk.reports.intake import ReportInput, submit_report
from trustdesk.store.models import Report, Tenant
from trustdesk.store.models.base import utcnow

# (days ago, channel, text). Written for the demo; the domains and numbers are invented
# (555-01xx numbers are reserved for fiction) and the look-alikes imitate the demo retailers.
_ACME = [
    (
        12,
        "sms",
        "Acme Outfitters: your parcel AO-88213 is held at customs. Pay the 1.99 fee at "
        "https://acmeoutfitters-delivery.com/pay within 24 hours or it is returned.",
    ),
    (
        9,
        "sms",
        "ACME OUTFITTERS - delivery attempt failed. Reschedule and pay the redelivery fee: "
        "https://acmeoutfitters-delivery.com/r/77",
    ),
    (
        6,
        "sms",
        "Acme: we could not deliver your order today. Confirm your address and card at "
        "acmeoutfitters-delivery.com/confirm",
    ),
    (
        5,
        "call",
        "Someone phoned me from +1 415 555 0142 saying he was Acme support about my refund. "
        "He asked me to read out the code that had just been texted to me. I hung up.",
    ),
    (
        3,
        "call",
        "Caller from +1 415 555 0142 claimed to be from Acme Outfitters fraud team and wanted "
        "my card number to 'cancel a suspicious order'.",
    ),
    (
        4,
        "social",
        "Instagram account @acme.outfitters.help answered my comment and offered a refund "
        "if I send my card details and the security code in a direct message.",
    ),
    (
        2,
        "email",
        "Got an e-mail 'Refund pending - action required' from support@acme-outfitters-refunds.net "
        "asking me to log in at http://acme-outfitters-refunds.net/login to release my refund.",
    ),
    (
        1,
        "popup",
        "A chat window popped up on a coupon site saying 'Acme support - you won a gift card', "
        "and asked for my Acme password to claim it.",
    ),
]

_NORTHWIND = [
    (
        8,
        "email",
        "Invoice overdue notice from billing@northwind-home-uk.com with a link to "
        "https://northwind-home-uk.com/invoice/pay - I never ordered anything.",
    ),
    (
        4,
        "sms",
        "Northwind Home: your sofa delivery is delayed, pay 2.50 GBP to rebook at "
        "northwind-home-uk.com/rebook",
    ),
    (
        2,
        "call",
        "A man from +44 20 7946 0000 said he was Northwind Home and asked for my online "
        "banking passcode to process a refund.",
    ),
]

DEMO_REPORTS = {"acme": _ACME, "northwind": _NORTHWIND}


def seed_demo_reports(session: Session, tenant: Tenant) -> None:
    """File the demo retailer's reports through the real intake, once."""
    reports = DEMO_REPORTS.get(tenant.slug)
    if not reports:
        return
    if session.scalar(select(func.count(Report.id)).where(Report.tenant_id == tenant.id)):
        return
    session.flush()  # the demo's official channels, added just before, belong in the registry
    registry = RegistryCache().get(session)
    now = utcnow()
    for days_ago, channel, text in sorted(reports, key=lambda item: -item[0]):
        at = now - timedelta(days=days_ago, hours=days_ago % 5)
        submit_report(
            session, tenant, ReportInput(text=text, channel=channel, seen_at=at), registry=registry, now=at
        )
    session.flush()
