"""Signals of the lure's packaging rather than its words: a domain built from a service's vocabulary
("paket-zustellung-info.com"), mail that is nearly all pictures and links, and calendar invitations that
plant a link in the recipient's calendar. They work in any language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from trustdesk.reports.domains import registrable_domain
from trustdesk.reports.mail_values import Attachment
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason

# Stems of the words phishing domains are assembled from, in the guard's eight languages: security and
# account, delivery and customs, payment and refund. Real companies keep such words in paths or
# sub-domains ("www.shop.de/account"); a registered name *made* of them next to a hyphen is a disguise.
_LURE_STEMS = (
    # English
    "secur", "verif", "login", "signin", "logon", "account", "updat", "unlock", "confirm", "alert",
    "billing", "refund", "wallet", "recover", "helpdesk", "authenti", "validat", "password", "suspend",
    "tracking", "parcel", "packag", "deliver", "shipment", "customs", "redeliver", "payment",
    # German, French, Spanish, Italian, Dutch, Polish, Portuguese
    "paket", "sendung", "zustell", "lieferung", "zoll", "zahlung", "konto", "sicherheit",
    "colis", "livraison", "suivi", "paiement", "compte", "securite", "rembours",
    "envio", "entrega", "paquete", "aduana", "pago", "cuenta", "seguridad", "devoluc",
    "pacco", "spedizion", "consegna", "pagament", "conto", "sicurezza", "rimborso",
    "pakket", "bezorg", "zending", "traceer", "betaal", "betaling", "rekening", "beveilig", "teruggaa",
    "paczk", "przesyl", "doreczen", "platnos", "doplat", "oplat", "bezpiecz", "weryfik", "blokad", "zwrot",
    "encomenda", "rastrea", "conta", "seguranca", "reembols", "notifica", "awizo",
)  # fmt: skip
_LURE_RE = re.compile("|".join(_LURE_STEMS))


def _lure_domain(host: str) -> str | None:
    """The registrable domain of `host` when its name is hyphenated and built from lure words."""
    domain = registrable_domain(host.lower().strip(".")) or ""
    label = domain.split(".", 1)[0]
    if "-" not in label or not _LURE_RE.search(label):
        return None
    return domain


def lookalike_service_domain(sender_address: str, urls: Iterable[str]) -> Reason | None:
    """The sender's domain, or a link's, is a hyphenated name assembled from words of accounts, delivery
    or payment ("dhl-paket-status.top", "konto-sicherheit-check.com"): a look-alike registered for the
    lure, whoever authenticated it."""
    places = [("sender", sender_address.rsplit("@", 1)[-1])] if "@" in sender_address else []
    for url in urls:
        try:
            places.append(("link", urlsplit(url).hostname or ""))
        except ValueError:
            continue
    for place, host in places:
        domain = _lure_domain(host) if host else None
        if domain is None:
            continue
        what = "The sender's domain" if place == "sender" else "A link's domain"
        return reason(
            "lookalike_service_domain",
            f"{what} {domain} is assembled from words of accounts, delivery or payment, the way look-alike "
            "domains are made; real companies use their own name.",
        )
    return None


_WORD_RE = re.compile(r"\w{2,}")
# Fewer readable words than this in the body of an HTML mail with pictures or links: the message is a
# picture (often with a QR code) or a bare button, which text filters cannot read.
_FEW_WORDS = 25


def image_only_mail(
    is_mail: bool, text: str, images: Sequence[str], links: Sequence[object]
) -> Reason | None:
    """A mail that is nearly all pictures and links, with hardly a sentence to read."""
    if not is_mail or not (images or links):
        return None
    if sum(1 for _ in _WORD_RE.finditer(text[:4000])) >= _FEW_WORDS:
        return None
    return reason(
        "image_only_mail",
        "The message is almost only pictures and links, with hardly any text: a way to hide its words "
        "(or a QR code) from filters.",
    )


def calendar_invite(attachments: Sequence[Attachment]) -> Reason | None:
    """A calendar invitation (.ics) attached: it places the sender's link in your calendar."""
    for attachment in attachments:
        if (
            attachment.filename.lower().endswith((".ics", ".vcs"))
            or attachment.content_type == "text/calendar"
        ):
            return reason(
                "calendar_invite",
                f"A calendar invitation is attached ({attachment.filename or 'unnamed'}): it can put the "
                "sender's link into your calendar.",
            )
    return None
