"""Domain facts the signals share: registrable domains, free-mail providers, link hosts abused by
phishers, and the brand names most often impersonated."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache

import tldextract

# The bundled public-suffix snapshot only: never fetch at run time. Private suffixes (github.io, web.app)
# count, so two tenants of a shared host are different organisations.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

FREEMAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "aol.com",
        "yahoo.com", "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com", "gmx.com", "gmx.net",
        "gmx.de", "web.de", "t-online.de", "mail.com", "mail.ru", "inbox.ru", "list.ru", "bk.ru",
        "yandex.com", "yandex.ru", "proton.me", "protonmail.com", "pm.me", "tutanota.com", "tuta.io",
        "zoho.com", "qq.com", "163.com", "126.com", "sina.com", "naver.com", "hushmail.com", "fastmail.com",
        "libero.it", "virgilio.it", "orange.fr", "laposte.net", "free.fr", "wanadoo.fr", "bol.com.br",
        "uol.com.br", "terra.com.br", "ig.com.br", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "rediffmail.com",
        "outlook.fr", "outlook.de", "hotmail.fr", "hotmail.de", "hotmail.co.uk", "hotmail.it", "hotmail.es",
        "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.com.br", "yahoo.co.jp",
        "live.fr", "live.de", "live.co.uk", "btinternet.com", "comcast.net", "verizon.net", "att.net",
    }
)  # fmt: skip

# Hosts whose links look harmless to filters but let anyone publish a page (or shorten a URL).
URL_SHORTENERS: frozenset[str] = frozenset(
    {
        "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly",
        "shorturl.at", "rb.gy", "tiny.cc", "s.id", "t.ly", "bitly.com", "shorte.st", "adf.ly", "lnkd.in",
        "v.gd", "qrco.de", "urlz.fr", "soo.gd", "clck.ru", "u.to",
    }
)  # fmt: skip
FREE_HOSTING_SUFFIXES: tuple[str, ...] = (
    "web.app", "firebaseapp.com", "firebasestorage.googleapis.com", "storage.googleapis.com", "appspot.com",
    "github.io", "gitlab.io", "pages.dev", "workers.dev", "r2.dev", "netlify.app", "vercel.app", "herokuapp.com",
    "glitch.me", "repl.co", "replit.app", "000webhostapp.com", "weebly.com", "wixsite.com", "blogspot.com",
    "wordpress.com", "webflow.io", "godaddysites.com", "square.site", "ipfs.io", "dweb.link", "ngrok.io",
    "ngrok-free.app", "trycloudflare.com", "azurewebsites.net", "blob.core.windows.net", "windows.net",
    "sharepoint.com", "amazonaws.com", "surge.sh", "tiiny.site", "framer.website", "forms.gle",
    "typeform.com", "jotform.com", "sites.google.com", "docs.google.com", "forms.office.com",
)  # fmt: skip

# Brands most impersonated in phishing according to public brand-phishing reports, each with the words
# its real sending domains contain. Single common words that are also first names or ordinary nouns
# (Chase, Target, Visa, Apple alone...) are left out on purpose: in production the tenant passes its own
# brand names, which is what matters.
DEFAULT_BRANDS: dict[str, tuple[str, ...]] = {
    "PayPal": ("paypal",), "Amazon": ("amazon",), "Microsoft": ("microsoft", "office", "live", "outlook"),
    "Office 365": ("microsoft", "office"), "OneDrive": ("microsoft", "onedrive", "live"),
    "SharePoint": ("microsoft", "sharepoint"), "Netflix": ("netflix",), "DHL": ("dhl",), "FedEx": ("fedex",),
    "USPS": ("usps",), "Royal Mail": ("royalmail",), "eBay": ("ebay",), "Walmart": ("walmart",),
    "Costco": ("costco",), "Best Buy": ("bestbuy",), "Geek Squad": ("geeksquad", "bestbuy"),
    "Wells Fargo": ("wellsfargo",), "Bank of America": ("bankofamerica", "bofa"),
    "American Express": ("americanexpress", "aexp", "amex"), "Mastercard": ("mastercard",),
    "Coinbase": ("coinbase",), "Binance": ("binance",), "MetaMask": ("metamask",), "Norton": ("norton",),
    "McAfee": ("mcafee",), "DocuSign": ("docusign",), "Dropbox": ("dropbox",), "Google": ("google",),
    "Facebook": ("facebook", "meta", "fb"), "Instagram": ("instagram", "facebook", "meta"),
    "WhatsApp": ("whatsapp", "facebook", "meta"), "LinkedIn": ("linkedin",), "Adobe": ("adobe",),
    "Spotify": ("spotify",), "Apple ID": ("apple",), "iCloud": ("apple", "icloud"), "AT&T": ("att",),
    "Verizon": ("verizon", "vzw"), "T-Mobile": ("tmobile",), "Xfinity": ("xfinity", "comcast"),
    "Comcast": ("comcast", "xfinity"), "HMRC": ("hmrc", "gov"), "IRS": ("irs", "treasury"),
    "AliExpress": ("aliexpress", "alibaba"), "Booking.com": ("booking",), "Airbnb": ("airbnb",),
    "Roblox": ("roblox",), "Steam Support": ("steampowered", "steamcommunity"), "Yahoo": ("yahoo",),
    "Santander": ("santander",), "HSBC": ("hsbc",), "Barclays": ("barclays",), "Lloyds": ("lloyds",),
    "Citibank": ("citi",), "Capital One": ("capitalone",), "Zelle": ("zelle",), "Venmo": ("venmo",),
    "Cash App": ("cash", "square"), "Chase Bank": ("chase",),
    # Crypto wallets, exchanges and marketplaces (wallet drainers and fake "security updates").
    "Ledger": ("ledger",), "Trezor": ("trezor",), "Trust Wallet": ("trustwallet",), "OpenSea": ("opensea",),
    "Kraken": ("kraken",), "Crypto.com": ("crypto",), "Robinhood": ("robinhood",), "Lido": ("lido",),
    "Uniswap": ("uniswap",), "Blockchain.com": ("blockchain",),
    # Insurers, streaming, telecoms and retail often named in lures.
    "Liberty Mutual": ("libertymutual",), "State Farm": ("statefarm",), "GEICO": ("geico",),
    "Allstate": ("allstate",), "Paramount+": ("paramount",), "Disney+": ("disney",), "Hulu": ("hulu",),
    "Vodafone": ("vodafone",), "Telekom": ("telekom",), "Home Depot": ("homedepot",), "Lowe's": ("lowes",),
    "Temu": ("temu",), "Shein": ("shein",), "Etsy": ("etsy",), "Shopify": ("shopify",), "AOL": ("aol",),
    "Zoom": ("zoom",), "WeTransfer": ("wetransfer",), "Avast": ("avast",), "Kaspersky": ("kaspersky",),
    # Banks, payments and post in Brazil and Europe, where much of the phishing corpus is aimed.
    "Mercado Pago": ("mercadopago", "mercadolivre", "mercadolibre"),
    "Mercado Livre": ("mercadolivre", "mercadopago", "mercadolibre"), "Nubank": ("nubank", "nu"),
    "Itaú": ("itau",), "Bradesco": ("bradesco",), "Caixa": ("caixa",), "Banco do Brasil": ("bb", "bancodobrasil"),
    "Correios": ("correios",), "Rabobank": ("rabobank",), "ABN AMRO": ("abnamro",), "PostNL": ("postnl",),
    "KPN": ("kpn",), "Deutsche Bank": ("db", "deutschebank"), "Sparkasse": ("sparkasse",),
    "La Poste": ("laposte",), "Correos": ("correos",), "UPS": ("ups",),
}  # fmt: skip


def host_of(value: str) -> str:
    """Lower-case host without trailing dot or port; accepts a bare domain or an e-mail address."""
    host = value.rsplit("@", 1)[-1].strip().rstrip(".").lower()
    if host.startswith("[") and "]" in host:
        return host[1 : host.index("]")]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host


def is_ip_address(host: str) -> bool:
    """True when `host` is an IPv4 or IPv6 literal."""
    try:
        ipaddress.ip_address(host_of(host))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def registrable_domain(value: str) -> str:
    """The registrable ("organisational") domain of a host, e-mail address or domain; "" if it has none.

    IP literals are returned unchanged; private public suffixes count, so `a.github.io` stays whole.
    """
    host = host_of(value)
    if not host:
        return ""
    if is_ip_address(host):
        return host
    parts = _EXTRACT(host)
    if not parts.suffix or not parts.domain:
        return ""
    return f"{parts.domain}.{parts.suffix}"


def has_public_suffix(host: str) -> bool:
    """True when `host` ends in a known public suffix and has a label in front of it."""
    return bool(registrable_domain(host)) and not is_ip_address(host)


def is_freemail(value: str) -> bool:
    """True when the address or domain belongs to a free webmail provider."""
    domain = registrable_domain(value)
    return domain in FREEMAIL_DOMAINS or host_of(value) in FREEMAIL_DOMAINS


def is_free_hosting(host: str) -> bool:
    """True when `host` is on a platform where anyone can publish a page or form."""
    host = host_of(host)
    return any(host == suffix or host.endswith("." + suffix) for suffix in FREE_HOSTING_SUFFIXES)


def is_shortener(host: str) -> bool:
    """True when `host` is a URL-shortening service."""
    return host_of(host) in URL_SHORTENERS


def brand_slug(name: str) -> str:
    """Letters and digits of a brand name, lower-cased: "Bank of America" -> "bankofamerica"."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def brand_keywords(brands: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Map each brand name to the words its real domains contain: the built-in table for known brands,
    the name's own slug otherwise."""
    known = {name.lower(): words for name, words in DEFAULT_BRANDS.items()}
    out: dict[str, tuple[str, ...]] = {}
    for name in brands:
        name = name.strip()
        if name:
            out[name] = known.get(name.lower(), (brand_slug(name),))
    return out


def domain_matches_brand(value: str, keywords: Iterable[str]) -> bool:
    """True when the host or address plausibly belongs to the brand: its labels contain one of `keywords`."""
    host = re.sub(r"[^a-z0-9]", "", host_of(value))
    return any(word and word in host for word in keywords)


@lru_cache(maxsize=256)
def compile_brand_pattern(brands: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word pattern matching any of `brands`; None when there are none."""
    names = sorted({b.strip() for b in brands if b.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"[\s\-]?") for n in names)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", re.IGNORECASE)


# Top-level domains with the highest shares of abuse in public statistics (Spamhaus "most abused TLDs",
# Interisle phishing landscape reports): cheap or free registrations that fraud favours.
ABUSED_TLDS: frozenset[str] = frozenset(
    {
        "top", "xyz", "click", "buzz", "rest", "cyou", "sbs", "icu", "monster", "skin", "site", "online",
        "shop", "store", "lol", "quest", "bond", "beauty", "hair", "makeup", "mom", "cfd", "autos", "boats",
        "yachts", "homes", "pw", "tk", "ml", "ga", "cf", "gq", "work", "support", "fun", "space", "website",
        "club", "vip", "win", "loan", "racing", "date", "review", "stream", "download", "trade", "bid", "men",
        "party", "science", "accountant", "cricket", "faith", "gdn", "kim", "ooo", "zip", "mov", "cam",
    }
)  # fmt: skip


def public_suffix(value: str) -> str:
    """The public suffix (e.g. "co.uk", "top") of a host or address; "" if none."""
    host = host_of(value)
    if not host or is_ip_address(host):
        return ""
    return _EXTRACT(host).suffix


def on_abused_tld(value: str) -> bool:
    """True when the host or address is under a heavily abused top-level domain."""
    suffix = public_suffix(value)
    return bool(suffix) and suffix.rsplit(".", 1)[-1] in ABUSED_TLDS
