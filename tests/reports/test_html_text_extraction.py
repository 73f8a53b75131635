"""The judge reads the words a reader sees: no style sheets, scripts, head, comments or Office
conditional comments from the HTML, and no CSS from a plain alternative made by stripping tags."""

from __future__ import annotations

import pytest
from tests.reports.mailbuild import mail, raw

from trustdesk.reports.analysis import wording_text
from trustdesk.reports.mail_html import html_to_text
from trustdesk.reports.mailview import read_report
from trustdesk.reports.mime_walk import is_style_sheet_dump

STYLE_SHEET = (
    ".ExternalClass {width: 100%;} body {-webkit-text-size-adjust:100%; margin:0 !important;} "
    "p { margin: 1em 0;} @media only screen and (max-width: 480px) { .container {width: 100% "
    "!important;} .mobile-hidden { display:none !important; } }"
)


@pytest.mark.parametrize(
    ("html", "seen"),
    [
        (
            "<html><head><title>Tab title</title><style>.a{color:red}</style>"
            "<script>var tracking = 1;</script></head><body><p>Hello</p></body></html>",
            "Hello",
        ),
        ('<body><STYLE type="text/css">p {margin:0 !important;}</STYLE><p>Hi</p></body>', "Hi"),
        ("<p>Before</p><!-- a note for the designer --><p>after</p>", "Before\n\nafter"),
        (
            "<!--[if mso]><style>td{font-family:Arial}</style><xml><o:OfficeDocumentSettings>"
            "<o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]--><p>Body</p>",
            "Body",
        ),
        # Downlevel-revealed conditional comments: every other client shows what they wrap.
        (
            "<![if !mso]><p>shown</p><![endif]><!--[if !mso]><!--><p>revealed</p><!--<![endif]-->",
            "shown\n\nrevealed",
        ),
        ("<xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><p>word</p>", "word"),
        ("<table><style>.t{u:v}</style><tr><td>cell</td></tr></table>", "cell"),
        ("<p>unclosed</p><style>.x{y:z} p {a:b}", "unclosed"),
        (
            "<p>text</p><noscript>enable scripts</noscript><template>later</template><iframe>frame</iframe>",
            "text",
        ),
        ('<p style="color:red;font-size:0">inline style keeps its words</p>', "inline style keeps its words"),
    ],
)
def test_html_text_has_only_what_a_reader_sees(html: str, seen: str) -> None:
    assert html_to_text(html)[0] == seen


def test_a_style_sheet_plain_alternative_gives_way_to_the_html() -> None:
    """The plain alternative some senders make by stripping tags (phishing_pot sample-1439 is one)."""
    message = mail(
        f"{STYLE_SHEET}\nWebby Talks is back to explore the AI explosion.",
        html=f"<html><head><style>{STYLE_SHEET}</style></head><body><p>Webby Talks is back</p></body></html>",
        subject="Webby Talks",
    )
    text = wording_text(read_report(raw(message)))
    assert "important" not in text and "{" not in text
    assert "Webby Talks is back" in text


def test_a_plain_alternative_with_prose_is_still_read() -> None:
    message = mail("Only the plain part says: verify your account now.", html="<p>Hello</p>")
    assert "verify your account now" in read_report(raw(message)).text


def test_a_lone_plain_part_is_never_dropped() -> None:
    # No HTML says it in other words: the text stays, CSS and all.
    assert "Read me" in read_report(raw(mail(f"{STYLE_SHEET}\nRead me"))).text


def test_style_sheet_detection() -> None:
    assert is_style_sheet_dump(STYLE_SHEET)
    assert not is_style_sheet_dump("Dear customer,\nyour order {12345} ships today: thank you.")
    assert not is_style_sheet_dump("int main() { return 0; }\nvoid f(void) { g(); }")


def test_the_mail_channel_reader_drops_office_xml_islands_too() -> None:
    from trustdesk.mail.html_text import html_to_text as mail_html_to_text

    assert (
        mail_html_to_text("<xml><w:View>Normal</w:View></xml><!--[if mso]>x<![endif]--><p>word</p>") == "word"
    )
