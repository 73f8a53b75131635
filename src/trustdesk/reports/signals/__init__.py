"""Every signal the analysis uses; each is a pure function returning a Reason (or None)."""

from trustdesk.reports.signals.auth import dkim_failure, dmarc_failure, spf_failure
from trustdesk.reports.signals.headers import (
    display_name_address_spoof,
    display_name_impersonation,
    freemail_brand_claim,
    freemail_service_claim,
    reply_to_mismatch,
    return_path_mismatch,
)
from trustdesk.reports.signals.language import (
    account_threat,
    advance_fee,
    callback_scam,
    crypto_payment,
    delivery_problem,
    gift_card_payment,
    remote_access,
    reward_lure,
    secret_request,
    urgency,
    verify_account_link,
)
from trustdesk.reports.signals.links import (
    free_hosting_link,
    html_form,
    ip_address_link,
    link_text_mismatch,
    punycode_link,
    risky_attachments,
    shortened_link,
)
from trustdesk.reports.signals.verification import Check, verdict_of, verification_signals

__all__ = [
    "Check",
    "account_threat",
    "advance_fee",
    "callback_scam",
    "crypto_payment",
    "delivery_problem",
    "display_name_address_spoof",
    "display_name_impersonation",
    "dkim_failure",
    "dmarc_failure",
    "free_hosting_link",
    "freemail_brand_claim",
    "freemail_service_claim",
    "gift_card_payment",
    "html_form",
    "ip_address_link",
    "link_text_mismatch",
    "punycode_link",
    "remote_access",
    "reply_to_mismatch",
    "return_path_mismatch",
    "reward_lure",
    "risky_attachments",
    "secret_request",
    "shortened_link",
    "spf_failure",
    "urgency",
    "verdict_of",
    "verification_signals",
    "verify_account_link",
]
