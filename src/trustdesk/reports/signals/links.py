"""Signals from links, forms and attachments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from trustdesk.reports.domains import (
    has_public_suffix,
    host_of,
    is_free_hosting,
    is_ip_address,
    is_shortener,
    registrable_domain,
)
from trustdesk.reports.mail_values import Attachment, Link
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason
from trustdesk.verify.defang import refang

_SHOWN_HOST_RE = re.compile(
    r"^\s*(?:https?://)?((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24})(?:[/:?#]\S*)?\s*$", re.I
)
_EXECUTABLE_SUFFIXES = (
    ".exe", ".scr", ".com", ".pif", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta", ".ps1",
    ".jar", ".msi", ".lnk", ".iso", ".img", ".vhd", ".dll", ".cpl", ".reg", ".docm", ".xlsm", ".pptm",
    ".apk", ".one", ".svg",
)  # fmt: skip
_HTML_SUFFIXES = (".htm", ".html", ".shtml", ".xhtml", ".mht", ".mhtml")


def _hosts(urls: Iterable[str]) -> list[str]:
    hosts = []
    for url in urls:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            continue
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def link_text_mismatch(links: Sequence[Link]) -> Reason | None:
    """A link whose visible text shows one domain while it really leads to another."""
    for link in links:
        shown = _SHOWN_HOST_RE.match(refang(link.text))
        if shown is None or not link.href.lower().startswith(("http://", "https://")):
            continue
        shown_domain = registrable_domain(shown.group(1))
        try:
            target_host = urlsplit(link.href).hostname or ""
        except ValueError:
            continue
        target_domain = registrable_domain(target_host)
        if shown_domain and target_domain and shown_domain != target_domain:
            return reason(
                "link_text_mismatch",
                f"A link shows {shown.group(1).lower()} but really leads to {target_domain}.",
            )
    return None


def ip_address_link(urls: Iterable[str]) -> Reason | None:
    """A link to a bare IP address instead of a named site."""
    for host in _hosts(urls):
        if is_ip_address(host):
            return reason(
                "ip_address_link", f"A link points to a bare IP address ({host}), not to a named site."
            )
    return None


def punycode_link(urls: Iterable[str]) -> Reason | None:
    """A link to an internationalised (xn--) host name, a common way to fake a familiar name."""
    for host in _hosts(urls):
        if "xn--" in host:
            return reason(
                "punycode_link",
                f"A link uses an internationalised host name ({host}) that can imitate a familiar one.",
            )
    return None


def shortened_link(urls: Iterable[str]) -> Reason | None:
    """A link through a URL shortener, which hides where it leads."""
    for host in _hosts(urls):
        if is_shortener(host):
            return reason(
                "shortened_link", f"A link goes through the URL shortener {host}, hiding where it leads."
            )
    return None


def free_hosting_link(urls: Iterable[str]) -> Reason | None:
    """A link to a page or form on a platform where anyone can publish."""
    for host in _hosts(urls):
        if is_free_hosting(host) and has_public_suffix(host):
            return reason(
                "free_hosting_link",
                f"A link leads to {host}, a platform where anyone can publish a page or form.",
            )
    return None


def html_form(forms: Sequence[str], lookup_forms: Sequence[str] = ()) -> Reason | None:
    """The mail itself contains a form to fill in (real companies send you to their site instead)."""
    # Search and lookup boxes (one field, nothing secret) are the one form legitimate newsletters embed;
    # they ask for nothing. `lookup_forms` lists them when the reader could see the fields.
    lookups = list(lookup_forms)
    kept = []
    for form in forms:
        if form in lookups:
            lookups.remove(form)
        elif "search" not in form.lower():
            kept.append(form)
    forms = kept
    if not forms:
        return None
    target = host_of(urlsplit(forms[0]).netloc) if forms[0].startswith(("http://", "https://")) else ""
    where = f" that submits to {target}" if target else ""
    return reason(
        "html_form", f"The message contains a form{where}: never type data into a form inside an e-mail."
    )


def risky_attachments(attachments: Sequence[Attachment]) -> list[Reason]:
    """HTML pages, programs and archives attached to the message (described, never opened)."""
    out: list[Reason] = []
    codes: set[str] = set()

    def add(code: str, text: str) -> None:
        if code not in codes:
            codes.add(code)
            out.append(reason(code, text))

    for attachment in attachments:
        name = attachment.filename.lower()
        if name.endswith(_HTML_SUFFIXES) or (attachment.content_type == "text/html" and name):
            add(
                "html_attachment",
                f"An HTML page is attached ({attachment.filename}): such pages imitate sign-in forms.",
            )
        if name.endswith(_EXECUTABLE_SUFFIXES):
            add("executable_attachment", f"A program or script is attached ({attachment.filename}).")
        risky_members = [
            m for m in attachment.archive_members if m.lower().endswith(_EXECUTABLE_SUFFIXES + _HTML_SUFFIXES)
        ]
        if risky_members:
            add(
                "archive_with_executable",
                f"The attached archive {attachment.filename or '(unnamed)'} contains {risky_members[0]}; it was not unpacked.",
            )
        if any("zip bomb" in note or "nested archives" in note for note in attachment.notes):
            add(
                "suspicious_archive",
                f"The attached archive {attachment.filename or '(unnamed)'} is built to evade scanning.",
            )
    return out
