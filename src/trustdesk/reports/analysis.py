"""analyze(): read a report, extract its indicators, run every signal, score and decide."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from trustdesk.reports import signals
from trustdesk.reports.domains import DEFAULT_BRANDS, brand_keywords
from trustdesk.reports.evidence import NO_TRUST, TrustPolicy, receiver_auth
from trustdesk.reports.indicators import extract_indicators
from trustdesk.reports.lookalikes import ImitationCheck, imitation_checks
from trustdesk.reports.mail_values import AuthResults, Limits, MailView
from trustdesk.reports.mailview import read_report
from trustdesk.reports.model import Analysis, Indicator, IndicatorKind, Reason, Verdict
from trustdesk.reports.normalised import normalised_view, strip_invisible
from trustdesk.reports.scoring import DEFAULT_THRESHOLDS, Thresholds, final_score, verdict_for, vouch_level
from trustdesk.reports.signals import Check
from trustdesk.reports.signals._text import prose
from trustdesk.reports.signals.sender import (
    SenderEvidence,
    aligned_content,
    authenticated_sender,
    brand_not_sender,
    sender_evidence,
)
from trustdesk.reports.wording import Wording, shipped_model


def collect_signals(
    view: MailView,
    indicators: tuple[Indicator, ...],
    *,
    check: Check | None = None,
    brand_names: Iterable[str] = tuple(DEFAULT_BRANDS),
    evidence: SenderEvidence | None = None,
    raw: MailView | None = None,
    imitations: Iterable[ImitationCheck] | None = None,
) -> list[Reason]:
    """Run every signal over a read report and return the reasons that fired, strongest first.

    `view` is the normalised report (invisible characters dropped, look-alikes folded); `raw` the report
    as read, for the signals that look at the disguise itself; `evidence` what the trusted receiver
    vouched for; `imitations` the look-alike checks of brand and retailer domains (default: the
    DEFAULT_BRANDS, see `trustdesk.reports.lookalikes.imitation_checks`)."""
    brands = brand_keywords(brand_names)
    raw = raw or view
    raw_text = prose(raw.text)
    urls = [i.value for i in indicators if i.kind is IndicatorKind.URL]
    has_phone = any(i.kind is IndicatorKind.PHONE for i in indicators)
    has_wallet = any(i.kind is IndicatorKind.WALLET for i in indicators)
    text = prose(view.text)
    hosts = [
        i.value
        for i in indicators
        if i.kind is IndicatorKind.DOMAIN and i.value != view.from_address.rsplit("@", 1)[-1]
    ]
    candidates: list[Reason | None] = [
        *signals.verification_signals(indicators, check),
        *(
            (
                authenticated_sender(evidence),
                aligned_content(evidence),
                brand_not_sender(view, evidence, brands),
            )
            if evidence is not None
            else ()
        ),
        signals.lookalike_domain(view, imitation_checks() if imitations is None else imitations, urls),
        signals.spf_failure(view.auth),
        signals.dkim_failure(view.auth),
        signals.dmarc_failure(view.auth),
        signals.reply_to_mismatch(view),
        signals.return_path_mismatch(view),
        signals.display_name_impersonation(view, brands),
        signals.display_name_address_spoof(view),
        signals.freemail_brand_claim(view, brands),
        signals.freemail_service_claim(view),
        signals.freemail_invoice(view),
        signals.contact_elsewhere(view),
        signals.celebrity_sender(view),
        signals.urgency(text),
        signals.account_threat(text),
        signals.secret_request(text),
        signals.gift_card_payment(text),
        signals.crypto_payment(text, has_wallet),
        signals.remote_access(text),
        signals.verify_account_link(text, bool(urls) or bool(view.links)),
        signals.reward_lure(text),
        signals.advance_fee(text),
        signals.callback_scam(text, has_phone),
        signals.delivery_problem(text),
        signals.romance_lure(text),
        signals.crypto_giveaway(text),
        signals.gambling_bonus(text),
        signals.legal_threat(text),
        signals.subscription_lapse(text),
        # A story the customer typed, not a mail: list mail discusses scams without being one.
        *(
            (signals.narrated_secret_ask(text), signals.narrated_impersonation(text))
            if not view.is_mail
            else ()
        ),
        signals.malformed_sender(view),
        signals.sender_name_mismatch(view),
        signals.random_sender(view),
        signals.no_authentication(view.auth),
        signals.recipient_address_in_subject(view),
        signals.cloud_tenant_sender(view),
        signals.abused_tld_sender(view),
        signals.styled_characters(raw_text),
        signals.mixed_script_words(raw_text),
        signals.invisible_padding(raw_text),
        signals.hidden_characters(raw.subject, raw.from_display, raw_text),
        signals.random_filler(text),
        signals.abused_tld_link(hosts),
        signals.link_text_mismatch(view.links),
        signals.ip_address_link(urls),
        signals.punycode_link(urls),
        signals.shortened_link(urls),
        signals.free_hosting_link(urls),
        signals.html_form(view.forms, view.lookup_forms),
        *signals.risky_attachments(view.attachments),
    ]
    fired = [r for r in candidates if r is not None]
    # freemail_brand_claim already says what display_name_impersonation would; do not count it twice.
    return sorted(fired, key=lambda r: (-r.weight, r.code))


def wording_text(view: MailView) -> str:
    """What the wording model reads: the subject and the prose of the body (links and addresses removed)."""
    return f"{view.subject}\n{prose(view.text)}"


def rule_analysis(
    view: MailView,
    *,
    check: Check | None = None,
    brand_names: Iterable[str] = tuple(DEFAULT_BRANDS),
    default_region: str | None = "US",
    trust: TrustPolicy = NO_TRUST,
    imitations: Iterable[ImitationCheck] | None = None,
) -> tuple[tuple[Indicator, ...], list[Reason]]:
    """The indicators of a read report and the rule signals that fired (without the wording model).

    The report is normalised first (`trustdesk.reports.normalised`), so every signal reads the words a
    person sees; the evidence of the trusted receiver (`trust`) is read before any wording."""
    raw = view
    view = normalised_view(view)
    auth = receiver_auth(view.auth_headers, trust) if view.auth_headers else None
    if auth is not None:
        # The trusted receiver's results replace whatever the topmost header said.
        view = replace(view, auth=AuthResults(spf=auth.spf, dkim=auth.dkim, dmarc=auth.dmarc))
    evidence = sender_evidence(view, auth)
    senders = [a for a in (view.from_address, *view.reply_to) if a]
    senders += [
        link.href[7:].split("?", 1)[0] for link in view.links if link.href.lower().startswith("mailto:")
    ]
    indicators = extract_indicators(
        strip_invisible(raw.text),
        default_region=default_region,
        extra_urls=[link.href for link in view.links] + list(view.forms),
        extra_emails=senders,
    )
    reasons = collect_signals(
        view,
        indicators,
        check=check,
        brand_names=brand_names,
        evidence=evidence,
        raw=raw,
        imitations=imitations,
    )
    return indicators, reasons


def read_wording(view: MailView) -> Wording:
    """The wording model's reading of a report (normalised, like every signal)."""
    return shipped_model().wording.read(wording_text(normalised_view(view)))


def wording_reason(wording: Wording) -> Reason | None:
    """A reason quoting the words that made the message read like phishing, when the wording model alone
    leans that way."""
    if wording.probability < shipped_model().reason_probability:
        return None
    quoted = ", ".join(f"“{t}”" for t in wording.top_terms)
    example = f" (for example {quoted})" if quoted else ""
    return Reason(
        "phishing_wording",
        wording.probability,
        f"Its wording is typical of phishing and spam mail{example}.",
    )


def analyze_view(
    view: MailView,
    *,
    check: Check | None = None,
    brand_names: Iterable[str] = tuple(DEFAULT_BRANDS),
    default_region: str | None = "US",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    trust: TrustPolicy = NO_TRUST,
    imitations: Iterable[ImitationCheck] | None = None,
) -> Analysis:
    """Analyse an already-read report (for callers that parsed the mail themselves)."""
    indicators, reasons = rule_analysis(
        view,
        check=check,
        brand_names=brand_names,
        default_region=default_region,
        trust=trust,
        imitations=imitations,
    )
    wording = read_wording(view)
    score = final_score(reasons, wording.logit)
    if not any(r.weight > 0 for r in reasons) and score >= thresholds.phishing:
        # A "phishing" verdict needs at least one concrete red flag the user can check; wording alone
        # makes a message suspicious at most.
        score = max(thresholds.suspicious, thresholds.phishing - 0.01)
    verdict = verdict_for(score, thresholds)
    # The wording is named only where it helps explain a warning: on its own it is weak evidence (a
    # shop's ordinary order mail can read like one), and "typical of phishing" under a benign verdict
    # would only confuse.
    extra = wording_reason(wording) if verdict is not Verdict.BENIGN and vouch_level(reasons) == 0 else None
    if extra is not None:
        reasons = sorted([*reasons, extra], key=lambda r: (-r.weight, r.code))
    return Analysis(
        score=score,
        verdict=verdict,
        reasons=tuple(reasons),
        indicators=indicators,
        notes=view.notes,
        fingerprint=fingerprint(view, indicators),
        wording=wording.logit,
    )


_WORDS_RE = re.compile(r"\w+")


def fingerprint(view: MailView, indicators: Iterable[Indicator]) -> str:
    """A hex digest equal for two reports of the same message: its words (case, spacing and punctuation
    ignored, the reporter's forwarding note included) and its sorted indicator keys."""
    digest = hashlib.sha256()
    digest.update(" ".join(_WORDS_RE.findall(view.text.lower())).encode("utf-8", "replace"))
    for key in sorted(i.key for i in indicators):
        digest.update(b"\0" + key.encode("utf-8", "replace"))
    return digest.hexdigest()


def analyze(
    report: bytes | str,
    check: Check | None = None,
    brand_names: Iterable[str] = tuple(DEFAULT_BRANDS),
    *,
    default_region: str | None = "US",
    limits: Limits | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    trust: TrustPolicy = NO_TRUST,
    imitations: Iterable[ImitationCheck] | None = None,
) -> Analysis:
    """Analyse a reported message: raw .eml bytes, or pasted text (str or bytes).

    `check(indicator)` returns a verification verdict (official / lookalike / reported / unknown) and is
    typically bound to a tenant's registry; `brand_names` are the brands whose impersonation is looked
    for (the tenant's own names in production); `trust` says whose Authentication-Results headers to
    believe (`trustdesk.reports.evidence`); `imitations` which brands' and retailers' domains a
    look-alike is sought for (`trustdesk.reports.lookalikes.imitation_checks(registry)` for every
    registered retailer plus DEFAULT_BRANDS; by default DEFAULT_BRANDS only). Raises
    `ReportInputError` for unusable input.
    """
    view = read_report(report, limits)
    return analyze_view(
        view,
        check=check,
        brand_names=brand_names,
        default_region=default_region,
        thresholds=thresholds,
        trust=trust,
        imitations=imitations,
    )
