"""HTML mail bodies reduced to plain text, and the links they carry.

Text: the HTML is first cleaned by nh3 (an html5ever-based sanitiser) down to a small set
of structural tags, which drops scripts, styles, comments and broken markup; our own
HTMLParser walk then turns that well-formed tree into readable lines.
Links: read from the *original* HTML, because a phishing href (javascript:, data:, a
look-alike host) is exactly what the sanitiser would remove and what we need to see.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt", "dl",
}  # fmt: skip
_KEPT_TAGS = _BLOCK_TAGS | {"a", "td", "th", "tbody", "thead", "span", "b", "i", "em", "strong", "img"}
_DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "title",
    "head",
    "template",
    "noscript",
    "iframe",
    "object",
    "svg",
    "math",
    "xml",
}
_LINK_ATTRS = {"a": "href", "area": "href", "form": "action", "img": "src", "iframe": "src"}


@dataclass(frozen=True)
class Link:
    """A URL found in a mail body; ``text`` is the anchor text for HTML links."""

    url: str
    text: str = ""
    source: str = "text"  # "html" (an href/src/action) or "text" (a bare URL in text)
    tag: str = ""


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag in ("td", "th"):
            self.parts.append(" ")
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[{alt}]")
        if tag == "pre":
            self.in_pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "pre" and self.in_pre:
            self.in_pre -= 1

    def handle_data(self, data: str) -> None:
        if self.in_pre:
            self.parts.append(data)
        else:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str, *, max_chars: int = 1_000_000) -> str:
    """Readable plain text of an HTML body: sanitised with nh3, then flattened to lines."""
    markup = markup[: max_chars * 4]
    try:
        cleaned = nh3.clean(
            markup,
            tags=_KEPT_TAGS,
            clean_content_tags=_DROPPED_WITH_CONTENT,
            attributes={"img": {"alt"}},
            strip_comments=True,
            link_rel=None,
        )
    except Exception:  # noqa: BLE001 - nh3 should not fail, but a body must never crash parsing
        cleaned = html.escape(re.sub(r"<[^>]*>", " ", markup))
    writer = _TextWriter()
    writer.feed(cleaned)
    writer.close()
    text = "".join(writer.parts).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    collapsed = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return collapsed[:max_chars]


class _LinkCollector(HTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.links: list[Link] = []
        self._open: list[tuple[str, list[str]]] = []  # (href, anchor text parts) for open <a>
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        attr = _LINK_ATTRS.get(tag)
        if attr is None:
            return
        value = dict(attrs).get(attr)
        if not value or not value.strip():
            return
        url = value.strip()
        if tag == "a":
            self._open.append((url, []))
        elif len(self.links) < self.limit:
            if tag == "img" and not url.lower().startswith(("http:", "https:", "//")):
                return  # inline images (cid:, data:) are not links anyone follows
            self.links.append(Link(url, "", "html", tag))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "a" and self._open:
            url, parts = self._open.pop()
            if len(self.links) < self.limit:
                text = re.sub(r"\s+", " ", "".join(parts)).strip()
                self.links.append(Link(url, text, "html", "a"))

    def handle_data(self, data: str) -> None:
        if not self._skip and self._open:
            self._open[-1][1].append(data)

    def close(self) -> None:
        super().close()
        while self._open and len(self.links) < self.limit:
            url, parts = self._open.pop()
            self.links.append(Link(url, re.sub(r"\s+", " ", "".join(parts)).strip(), "html", "a"))


def html_links(markup: str, *, limit: int = 1000) -> list[Link]:
    """Every href/src/action URL in an HTML body, with the anchor text of <a> links."""
    collector = _LinkCollector(limit)
    collector.feed(markup)
    collector.close()
    return collector.links


_TEXT_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`]{1,2000}")
_TRAILING = ".,;:!?)]}>'\""


def text_links(text: str, *, limit: int = 1000) -> list[Link]:
    """Bare http(s):// and www. URLs in plain text."""
    links: list[Link] = []
    for match in _TEXT_URL.finditer(text):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) > 4:
            links.append(Link(url, "", "text"))
        if len(links) >= limit:
            break
    return links
