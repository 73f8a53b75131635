"""From reasons to a risk score and a verdict.

Two stages. The rule signals combine as a noisy-OR: each fired signal independently "explains" the
message as fraud with its weight, so rule score = 1 - prod(1 - weight); it is monotone (a new red flag
never lowers it), bounded in [0, 1], and traceable to the listed reasons. The final score then merges the
rule score with the learned wording model's log-odds in a small logistic regression (two positive
coefficients and a bias, `trustdesk.reports.wording.Combiner`): mail whose words read like ordinary
correspondence needs more red flags to be called suspicious, mail that reads like phishing fewer.
Verification findings (an indicator already reported as fraud, a look-alike of an official channel) are
decisive: their weight is a floor under the final score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustdesk.reports.model import Reason, Verdict
from trustdesk.reports.wording import shipped_model


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score cut-offs: at or above `phishing` the verdict is phishing, at or above `suspicious` suspicious."""

    suspicious: float
    phishing: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.suspicious <= self.phishing <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= suspicious <= phishing <= 1")


# Chosen with the wording model on the tune half of the benchmark corpus by a rule fixed in advance
# (trustdesk.reports.training); see docs/performance.md.
DEFAULT_THRESHOLDS = Thresholds(suspicious=shipped_model().suspicious, phishing=shipped_model().phishing)
# What the rule score alone used before the wording model (kept for the benchmark's "rules only" row).
RULES_ONLY_THRESHOLDS = Thresholds(suspicious=0.42, phishing=0.76)
WORDING_CODE = "phishing_wording"
DECISIVE_CODES = frozenset({"indicator_reported", "indicator_lookalike", "lookalike_domain"})


def risk_score(reasons: Iterable[Reason]) -> float:
    """Noisy-OR of the reasons' weights: the probability that at least one signal is a true alarm."""
    keep = 1.0
    for item in reasons:
        keep *= 1.0 - min(max(item.weight, 0.0), 1.0)
    return 1.0 - keep


# Evidence for legitimacy (weight 0): the trusted receiver authenticated the From domain; and all the
# links, images and reply addresses stay on it.
AUTHENTICATED_CODE = "authenticated_sender"
ALIGNED_CODE = "aligned_content"
# Red flags that stay red flags whoever sent the message: confirmed fraud, look-alikes, a brand the
# authenticated sender does not own, disguised text, dangerous attachments, forms inside the mail,
# forged sender fields, scams no shop writes and throw-away domains. A shop's genuine mail has none of them, so no vouch softens them.
HARD_CODES = frozenset(
    {
        "indicator_reported", "indicator_lookalike", "lookalike_domain", "brand_not_sender",
        "display_name_impersonation",
        "display_name_address_spoof", "freemail_brand_claim", "malformed_sender", "cloud_tenant_sender",
        "styled_characters", "mixed_script_words", "invisible_padding", "hidden_characters", "random_filler",
        "html_form", "html_attachment", "executable_attachment", "archive_with_executable",
        "suspicious_archive", "punycode_link", "ip_address_link", "link_text_mismatch",
        # scams no shop's own mail resembles, and throw-away sender domains (authenticated or not)
        "celebrity_sender", "crypto_giveaway", "advance_fee", "gambling_bonus", "romance_lure",
        "gift_card_payment", "crypto_payment", "remote_access", "callback_scam", "reply_to_freemail",
        "contact_elsewhere", "random_sender", "abused_tld_sender", "abused_tld_link", "free_hosting_link",
        "shortened_link", "dkim_fail", "spf_fail", "dmarc_fail",
    }
)  # fmt: skip
# How much of a soft signal's weight survives a vouch: level 1 (authenticated sender), level 2
# (authenticated sender whose every link, image and reply address is its own). The wording never counts
# against an authenticated sender: a shop's own receipt or dunning mail reads like what phishers copy.
VOUCH_KEEP = {0: 1.0, 1: 0.3, 2: 0.0}
VOUCH_CANCELLING = frozenset({"brand_not_sender", "lookalike_domain"})


def vouch_level(reasons: Iterable[Reason]) -> int:
    """0 (no vouch), 1 (the From domain was authenticated by a trusted receiver) or 2 (and every link,
    image and reply address is on that domain). A borrowed brand or a look-alike domain cancels any
    vouch: authentication then only proves the mail came from the impersonator."""
    codes = {r.code for r in reasons}
    if codes & VOUCH_CANCELLING or AUTHENTICATED_CODE not in codes:
        return 0
    return 2 if ALIGNED_CODE in codes else 1


def final_score(reasons: Iterable[Reason], wording_logit: float) -> float:
    """The rule signals' noisy-OR merged with the wording log-odds; decisive reasons set a floor.

    Evidence before wording: when a trusted receiver vouches for the sender, the soft signals (words
    of scams, sender-name heuristics) and the wording count for less or nothing (`VOUCH_KEEP`); the
    hard red flags (`HARD_CODES`) always count in full."""
    listed = list(reasons)
    keep = VOUCH_KEEP[vouch_level(listed)]
    rules = []
    for item in listed:
        if item.code == WORDING_CODE or item.weight <= 0:
            continue
        if item.code not in HARD_CODES and keep < 1.0:
            item = Reason(item.code, item.weight * keep, item.text)
        rules.append(item)
    score = shipped_model().combiner.score(risk_score(rules), wording_logit if keep == 1.0 else 0.0)
    decisive = [r.weight for r in rules if r.code in DECISIVE_CODES]
    return max([score, *decisive])


def verdict_for(score: float, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Verdict:
    """Map a score to phishing / suspicious / benign."""
    if score >= thresholds.phishing:
        return Verdict.PHISHING
    if score >= thresholds.suspicious:
        return Verdict.SUSPICIOUS
    return Verdict.BENIGN
