"""The weight of every signal: the probability that the signal alone means fraud.

`JUDGEMENT_WEIGHTS` are set by judgement from how each scam works, before looking at data. `WEIGHTS`
(used by the scorer) are the maximum a posteriori noisy-OR weights on the tune half of the benchmark
corpus, with the judgement weights as a Beta prior worth 20 observations each:

    .venv/bin/python bench/reports.py --fit

The prior matters: the legitimate corpus is mail from 2002, where modern-only signals (authentication
results, new top-level domains, URL shorteners) cannot occur, so a plain maximum-likelihood fit would
push them to 1. Signals that never fired on the tune half keep their judgement weight.
"""

from __future__ import annotations

JUDGEMENT_WEIGHTS: dict[str, float] = {
    # verification of indicators
    "indicator_reported": 0.95,
    "indicator_lookalike": 0.85,
    # a sender or link domain imitating a known brand or any registered retailer (never fitted: it
    # judges by the name alone, like the verification look-alike above)
    "lookalike_domain": 0.85,
    # a brand the authenticated sender does not own (evidence *for* legitimacy carries no weight and is
    # not listed: see trustdesk.reports.signals.sender)
    "brand_not_sender": 0.8,
    # mail authentication
    "spf_fail": 0.35,
    "spf_softfail": 0.2,
    "dkim_fail": 0.3,
    "dmarc_fail": 0.6,
    "no_authentication": 0.3,
    # mail headers and sender identity
    "reply_to_mismatch": 0.3,
    "reply_to_freemail": 0.5,
    "return_path_mismatch": 0.1,
    "display_name_impersonation": 0.6,
    "display_name_address_spoof": 0.6,
    "freemail_brand_claim": 0.7,
    "freemail_service_claim": 0.4,
    "freemail_invoice": 0.45,
    "contact_elsewhere": 0.4,
    "celebrity_sender": 0.5,
    "malformed_sender": 0.6,
    "sender_name_mismatch": 0.3,
    "recipient_address_in_subject": 0.4,
    "cloud_tenant_sender": 0.5,
    "abused_tld_sender": 0.3,
    "random_sender": 0.35,
    # language of scams
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
    "romance_lure": 0.4,
    "crypto_giveaway": 0.5,
    "gambling_bonus": 0.35,
    "legal_threat": 0.25,
    "subscription_lapse": 0.3,
    # a scam the customer tells about (a call, a text, a chat)
    "narrated_secret_ask": 0.75,
    "narrated_impersonation": 0.35,
    # filter evasion
    "styled_characters": 0.5,
    "mixed_script_words": 0.5,
    "invisible_padding": 0.2,
    "random_filler": 0.4,
    "hidden_characters": 0.6,
    # links and attachments
    "abused_tld_link": 0.2,
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

WEIGHTS: dict[str, float] = {
    # verification of indicators
    "indicator_reported": 0.95,
    "indicator_lookalike": 0.85,
    # a sender or link domain imitating a known brand or any registered retailer (never fitted: it
    # judges by the name alone, like the verification look-alike above)
    "lookalike_domain": 0.85,
    # a brand the authenticated sender does not own (evidence *for* legitimacy carries no weight and is
    # not listed: see trustdesk.reports.signals.sender)
    "brand_not_sender": 0.8,
    # mail authentication
    "spf_fail": 0.37,
    "spf_softfail": 0.2,
    "dkim_fail": 0.39,
    "dmarc_fail": 0.71,
    "no_authentication": 0.37,
    # mail headers and sender identity
    "reply_to_mismatch": 0.31,
    "reply_to_freemail": 0.52,
    "return_path_mismatch": 0.1,
    "display_name_impersonation": 0.64,
    "display_name_address_spoof": 0.6,
    "freemail_brand_claim": 0.7,
    "freemail_service_claim": 0.4,
    "freemail_invoice": 0.48,
    "contact_elsewhere": 0.4,
    "celebrity_sender": 0.5,
    "malformed_sender": 0.72,
    "sender_name_mismatch": 0.24,
    "recipient_address_in_subject": 0.5,
    "cloud_tenant_sender": 0.52,
    "abused_tld_sender": 0.32,
    "random_sender": 0.44,
    # language of scams
    "urgency": 0.16,
    "account_threat": 0.38,
    "secret_request": 0.53,
    "gift_card_payment": 0.5,
    "crypto_payment": 0.37,
    "remote_access": 0.4,
    "verify_account_link": 0.48,
    "reward_lure": 0.4,
    "advance_fee": 0.52,
    "callback_scam": 0.46,
    "delivery_problem": 0.3,
    "romance_lure": 0.43,
    "crypto_giveaway": 0.56,
    "gambling_bonus": 0.39,
    "legal_threat": 0.25,
    "subscription_lapse": 0.33,
    # a scam the customer tells about: never seen in the tune half (no mail there tells a story),
    # so the judgement weights stand
    "narrated_secret_ask": 0.75,
    "narrated_impersonation": 0.35,
    # filter evasion
    "styled_characters": 0.53,
    "mixed_script_words": 0.5,
    "invisible_padding": 0.2,
    "random_filler": 0.44,
    "hidden_characters": 0.6,
    # links and attachments
    "abused_tld_link": 0.21,
    "link_text_mismatch": 0.35,
    "ip_address_link": 0.39,
    "punycode_link": 0.4,
    "shortened_link": 0.27,
    "free_hosting_link": 0.37,
    "html_form": 0.4,
    "html_attachment": 0.4,
    "executable_attachment": 0.6,
    "archive_with_executable": 0.6,
    "suspicious_archive": 0.4,
}
