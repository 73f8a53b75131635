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
    "spf_fail": 0.35,
    "spf_softfail": 0.2,
    "dkim_fail": 0.3,
    "dmarc_fail": 0.6,
    # mail headers
    "reply_to_mismatch": 0.3,
    "reply_to_freemail": 0.5,
    "return_path_mismatch": 0.1,
    "display_name_impersonation": 0.6,
    "display_name_address_spoof": 0.6,
    "freemail_brand_claim": 0.7,
    "freemail_service_claim": 0.4,
    # language of support scams
    "urgency": 0.15,
    "account_threat": 0.35,
    "secret_request": 0.5,
    "gift_card_payment": 0.5,
    "crypto_payment": 0.35,
    "remote_access": 0.4,
    "verify_account_link": 0.45,
    "reward_lure": 0.3,
    "advance_fee": 0.5,
    "callback_scam": 0.45,
    "delivery_problem": 0.3,
    # links and attachments
    "link_text_mismatch": 0.45,
    "ip_address_link": 0.4,
    "punycode_link": 0.4,
    "shortened_link": 0.2,
    "free_hosting_link": 0.3,
    "html_form": 0.5,
    "html_attachment": 0.4,
    "executable_attachment": 0.6,
    "archive_with_executable": 0.6,
    "suspicious_archive": 0.4,
}
