"""The modern legitimate corpus: shops' transactional and account mail rendered into real MIME mail.

Templates come from openly licensed shop systems (bench/data/modern_legit/templates.json, see its
SOURCE.md) and from our own phrasing (bench/data/legit_own.json). Each template is rendered for a few
fictional shops of its language into multipart/alternative mail with the headers a receiving server
leaves: Received, Return-Path, DKIM-Signature and the receiver's Authentication-Results (SPF, DKIM and
DMARC pass for the shop's domain, as for every real shop since 2024). A third of the shops send
through a mail service whose click-tracking links are not on their own domain.

The corpus is split once and for all into a tune and a held-out half by a hash of the mail's name
(`trustdesk.reports.training.half`); nothing is tuned on the held-out half.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path

from trustdesk.reports.training import half

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "bench" / "data" / "modern_legit" / "templates.json"
OWN_TEMPLATES = REPO / "bench" / "data" / "legit_own.json"
# The receiving server of the generated mail: the desk's intake in this benchmark.
RECEIVER = "mx.intake.trustdesk.test"


@dataclass(frozen=True, slots=True)
class Shop:
    name: str
    domain: str
    via_service: bool  # links tracked through a mail service's own domain


SHOPS: dict[str, tuple[Shop, ...]] = {
    "en": (Shop("Harbour Outfitters", "harbouroutfitters.co.uk", False),
           Shop("Juniper Home", "juniperhome.com", True), Shop("Copperleaf Books", "copperleafbooks.com", False)),
    "de": (Shop("Nordwind Outdoor", "nordwind-outdoor.de", False), Shop("Lindenhof Feinkost", "lindenhof-feinkost.de", True),
           Shop("Kaffeerösterei Brandt", "roesterei-brandt.at", False)),
    "fr": (Shop("Maison Lavande", "maisonlavande.fr", False), Shop("Atelier Brume", "atelierbrume.fr", True)),
    "es": (Shop("Tienda Olivar", "tiendaolivar.es", False), Shop("Calzados Ribera", "calzadosribera.es", True)),
    "it": (Shop("Bottega Verde Chiara", "bottegachiara.it", False), Shop("Ciclo Veloce", "cicloveloce.it", True)),
    "nl": (Shop("Fietshuis De Vries", "fietshuisdevries.nl", False), Shop("Tulpenmarkt", "tulpenmarkt.nl", True)),
    "pl": (Shop("Sklep Bursztyn", "sklepbursztyn.pl", False), Shop("Herbaciarnia Liść", "herbaciarnialisc.pl", True)),
    "pt": (Shop("Casa do Azulejo", "casadoazulejo.pt", False), Shop("Loja Ipê", "lojaipe.com.br", True)),
}  # fmt: skip
NAMES = {
    "en": ("Emily", "Clarke"), "de": ("Jonas", "Becker"), "fr": ("Camille", "Martin"), "es": ("Lucía", "García"),
    "it": ("Giulia", "Rossi"), "nl": ("Sanne", "de Jong"), "pl": ("Katarzyna", "Nowak"), "pt": ("Mariana", "Silva"),
}  # fmt: skip
CARRIERS = {"en": "Royal Mail", "de": "DHL", "fr": "Colissimo", "es": "Correos", "it": "BRT", "nl": "PostNL",
            "pl": "InPost", "pt": "CTT"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LegitMail:
    name: str
    lang: str
    kind: str
    half: str
    raw: bytes


def templates() -> list[dict[str, str]]:
    """Every template: the shared corpus (when present) and our own phrasing."""
    found: list[dict[str, str]] = []
    if TEMPLATES.is_file():
        found += json.loads(TEMPLATES.read_text(encoding="utf-8"))
    found += json.loads(OWN_TEMPLATES.read_text(encoding="utf-8"))
    return found


def _values(shop: Shop, lang: str, seed: int) -> dict[str, str]:
    first, last = NAMES[lang]
    number = 100000 + seed * 7919 % 900000
    return {
        "first": first,
        "last": last,
        "shop": shop.name,
        "order": f"{number}",
        "document": f"R-{number}",
        "date": "12.11.2026" if lang != "en" else "12 November 2026",
        "tracking": f"00340434{number:06d}",
        "status": "",
        "amount": f"{(seed % 90) + 9},95 €" if lang != "en" else f"£{(seed % 90) + 9}.95",
        "product": "Merino jumper" if lang == "en" else "Artikel 1",
        "email": "",
        "address": f"{shop.name}, 1 High Street",
        "carrier": CARRIERS[lang],
        "url": "{url}",
    }


def _link(shop: Shop, path: str, seed: int) -> str:
    if shop.via_service:
        token = hashlib.sha256(f"{shop.domain}{path}{seed}".encode()).hexdigest()[:32]
        return f"https://click.mailservice-links.net/ls/click?upn={token}"
    return f"https://www.{shop.domain}{path}"


def render(template: dict[str, str], shop: Shop, seed: int) -> bytes:
    """One template for one shop as a raw MIME message with receiver-added headers."""
    lang = template["lang"]
    values = _values(shop, lang, seed)
    subject = template["subject"].format_map(values).strip()
    body = template["body"].format_map(values)
    if template.get("footer"):
        body += "\n\n" + template["footer"].format_map(values)
    paths = iter(("/account/orders", "/help", "/account/settings", "/account"))
    links: list[str] = []

    def next_link() -> str:
        url = _link(shop, next(paths, "/"), seed + len(links))
        links.append(url)
        return url

    text_body = body.replace("{url}", "{}")
    text = text_body.format(*(next_link() for _ in range(text_body.count("{}"))))
    paragraphs = []
    for block in body.split("\n\n"):
        html = escape(block).replace("\n", "<br>")
        while "{url}" in html:
            url = links[min(len(paragraphs), len(links) - 1)] if links else next_link()
            html = html.replace("{url}", f'<a href="{escape(url)}">{escape(url.split("?")[0])}</a>', 1)
        paragraphs.append(f"<p>{html}</p>")
    logo = f"https://cdn.{shop.domain}/mail/logo.png"
    html_doc = (
        f'<html><body><img src="{logo}" alt="{escape(shop.name)}">'
        + "".join(paragraphs)
        + f'<p><a href="https://www.{shop.domain}/help">{escape(shop.name)}</a></p></body></html>'
    )
    when = datetime(2026, 11, 12, 9, 0, tzinfo=UTC) + timedelta(minutes=seed * 37)
    message = EmailMessage()
    first, last = NAMES[lang]
    bounce = f"bounce-{seed}@mail.{shop.domain}"
    message["Return-Path"] = f"<{bounce}>"
    message["Received"] = (
        f"from mail.{shop.domain} (mail.{shop.domain} [198.51.100.{seed % 250 + 1}]) by {RECEIVER} "
        f"with ESMTPS id {seed:08x}; {format_datetime(when)}"
    )
    message["Authentication-Results"] = (
        f"{RECEIVER}; spf=pass (domain of {bounce} designates 198.51.100.{seed % 250 + 1} as permitted sender) "
        f"smtp.mailfrom={bounce}; dkim=pass header.d={shop.domain} header.s=s{seed % 3}; "
        f"dmarc=pass (p=QUARANTINE) header.from={shop.domain}"
    )
    message["DKIM-Signature"] = (
        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={shop.domain}; s=s{seed % 3}; h=from:to:subject:date; "
        "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=c2lnbmF0dXJl"
    )
    message["From"] = f'"{shop.name}" <noreply@{shop.domain}>'
    message["Reply-To"] = f"service@{shop.domain}"
    message["To"] = f'"{first} {last}" <{first.lower()}.{last.lower().replace(" ", "")}@example.net>'
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<{seed}.{hashlib.sha1(subject.encode()).hexdigest()[:12]}@mail.{shop.domain}>"
    if template["kind"] == "newsletter":
        message["List-Unsubscribe"] = f"<https://www.{shop.domain}/newsletter/unsubscribe>"
    message.set_content(text)
    message.add_alternative(html_doc, subtype="html")
    return message.as_bytes()


def corpus() -> Iterator[LegitMail]:
    """Every template rendered for every shop of its language."""
    for index, template in enumerate(templates()):
        lang = template["lang"]
        for number, shop in enumerate(SHOPS[lang]):
            name = f"{template['id']}@{shop.domain}"
            yield LegitMail(
                name, lang, template["kind"], half(name), render(template, shop, index * 10 + number)
            )
