"""The weight of every signal: the probability that the signal alone means fraud.

Set by judgement first, then checked against the tuning half of the benchmark corpus
(bench/reports.py --fit prints the maximum-likelihood noisy-OR weights for comparison). Keeping them in
one table makes the model easy to read and to recalibrate.
"""

from __future__ import annotations

WEIGHTS: dict[str, float] = {
    # verification of indicators
    "indicator_reported": 0.95,
    "indicator_lookalike": 0.85,
    # mail authentication
    "spf_fail": 0.37,
    "spf_softfail": 0.2,
    "dkim_fail": 0.39,
    "dmarc_fail": 0.71,
    # mail headers
    "reply_to_mismatch": 0.31,
    "reply_to_freemail": 0.52,
    "return_path_mismatch": 0.1,
    "display_name_impersonation": 0.63,
    "display_name_address_spoof": 0.58,
    "freemail_brand_claim": 0.7,
    "freemail_service_claim": 0.4,
    # language of support scams
    "urgency": 0.21,
    "account_threat": 0.35,
    "secret_request": 0.53,
    "gift_card_payment": 0.5,
    "crypto_payment": 0.36,
    "remote_access": 0.4,
    "verify_account_link": 0.48,
    "reward_lure": 0.40,
    "advance_fee": 0.52,
    "callback_scam": 0.47,
    "delivery_problem": 0.3,
    "romance_lure": 0.43,
    "crypto_giveaway": 0.56,
    "gambling_bonus": 0.39,
    "legal_threat": 0.26,
    "subscription_lapse": 0.32,
    # sender identity
    "malformed_sender": 0.72,
    "sender_name_mismatch": 0.23,
    "recipient_address_in_subject": 0.50,
    "cloud_tenant_sender": 0.52,
    "abused_tld_sender": 0.32,
    "random_sender": 0.44,
    "no_authentication": 0.37,
    # evasion
    "styled_characters": 0.53,
    "mixed_script_words": 0.5,
    "invisible_padding": 0.2,
    "random_filler": 0.44,
    "abused_tld_link": 0.22,
    # links and attachments
    "link_text_mismatch": 0.35,
    "ip_address_link": 0.39,
    "punycode_link": 0.4,
    "shortened_link": 0.27,
    "free_hosting_link": 0.37,
    "html_form": 0.40,
    "html_attachment": 0.4,
    "executable_attachment": 0.6,
    "archive_with_executable": 0.6,
    "suspicious_archive": 0.4,
}
