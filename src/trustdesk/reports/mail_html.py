"""Reading the HTML of a reported message: sanitised with nh3, then its visible text, links, forms and
images. Nothing is rendered or executed.

Only the words a reader sees count: nh3 (html5ever's parser, the one browsers' rules describe) drops
comments, and with them Outlook's conditional comments (`<!--[if mso]><style>...<![endif]-->`), and
drops the content of elements that are never shown as text: the head and its title, style sheets,
scripts, Office XML islands (`<xml>`), embedded frames, objects, SVG and MathML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from trustdesk.reports.mail_values import Link

_BLOCK_TAGS = frozenset({"p", "br", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "td"})
_KEPT_TAGS = _BLOCK_TAGS | {"a", "form", "input", "textarea", "select", "img"}
# Elements whose content a reader never sees as text: dropped with everything inside them.
_INVISIBLE_TAGS = frozenset(
    {"head", "title", "style", "script", "noscript", "template", "xml", "iframe", "object", "svg", "math"}
)
# Input types that are not something the reader types into.
_NOT_TYPED = frozenset({"hidden", "submit", "button", "image", "reset", "checkbox", "radio"})
_SECRET_FIELD_RE = re.compile(
    r"pass|pwd|senha|passwort|card|cvv|cvc|ssn|pin|otp|login|user|e-?mail|phone|tel|account|iban|cpf",
    re.IGNORECASE,
)


class _TextAndLinks(HTMLParser):
    """Collects visible text, anchors and form targets from already-sanitised HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[Link] = []
        self.forms: list[str] = []
        self.lookup_forms: list[str] = []
        self.images: list[str] = []
        self._href: str | None = None
        self._anchor: list[str] = []
        # Within the current form: visible fields typed into, and whether one asks for a secret.
        self._form: tuple[str, int, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")
        if tag == "img":
            source = (dict(attrs).get("src") or "").strip()
            if source and len(self.images) < 200:
                self.images.append(source)
        elif tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._anchor = []
        elif tag == "form":
            self._close_form()
            action = dict(attrs).get("action") or ""
            self.forms.append(action)
            self._form = (action, 0, False)
        elif tag in ("input", "textarea", "select") and self._form is not None:
            fields = dict(attrs)
            kind = (fields.get("type") or "text").lower() if tag == "input" else tag
            if kind not in _NOT_TYPED:
                secret = kind in ("password", "email", "tel") or bool(
                    _SECRET_FIELD_RE.search(fields.get("name") or "")
                )
                action, typed, asks_secret = self._form
                self._form = (action, typed + (tag != "select"), asks_secret or secret)

    def _close_form(self) -> None:
        if self._form is not None:
            action, typed, asks_secret = self._form
            if typed <= 1 and not asks_secret:
                self.lookup_forms.append(action)
            self._form = None

    def close(self) -> None:
        super().close()
        self._close_form()

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._close_form()
        if tag == "a" and self._href is not None:
            self.links.append(Link(self._href.strip(), " ".join("".join(self._anchor).split())))
            self._href = None
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if self._href is not None:
            self._anchor.append(data)


def html_to_text(html: str) -> tuple[str, list[Link], list[str]]:
    """Sanitise `html` with nh3 (scripts, styles and event handlers removed) and return its text, links
    and form targets. Nothing is rendered or executed."""
    return _html_result(_parse_html(html))


def _parse_html(html: str) -> _TextAndLinks:
    cleaned = nh3.clean(
        html,
        tags=set(_KEPT_TAGS),
        clean_content_tags=set(_INVISIBLE_TAGS),
        attributes={
            "a": {"href"},
            "img": {"src"},
            "form": {"action"},
            "input": {"type", "name"},
            "textarea": {"name"},
            "select": {"name"},
        },
        link_rel=None,
        url_schemes={"http", "https", "mailto", "tel"},
    )
    parser = _TextAndLinks()
    parser.feed(cleaned)
    parser.close()
    return parser


def _html_result(parser: _TextAndLinks) -> tuple[str, list[Link], list[str]]:
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(parser.chunks))
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return text.strip(), parser.links, parser.forms
