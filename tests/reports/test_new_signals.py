"""Signals added with the wording model: answers asked at another webmail address, lookup boxes told
apart from data-collecting forms, and the wider brand list."""

from __future__ import annotations

from trustdesk.reports import analyze, read_report
from trustdesk.reports.domains import DEFAULT_BRANDS, brand_keywords
from trustdesk.reports.mail_values import MailView
from trustdesk.reports.signals import (
    celebrity_sender,
    contact_elsewhere,
    display_name_impersonation,
    html_form,
)

from .mailbuild import mail, raw


def view(**kwargs: object) -> MailView:
    base: dict[str, object] = {"text": "", "is_mail": True, "from_address": "mira@prgmd.example.net"}
    base.update(kwargs)
    return MailView(**base)  # type: ignore[arg-type]


def test_contact_elsewhere_fires_on_another_webmail_to_answer() -> None:
    reason = contact_elsewhere(
        view(text="I am 32 years old. It's my E-mail for response anngosa80@gmail.com .")
    )
    assert reason is not None and reason.code == "contact_elsewhere" and "anngosa80@gmail.com" in reason.text
    assert contact_elsewhere(view(text="Escreva para: lencinuck321@gmail.com, vou mandar foto")) is not None


def test_contact_elsewhere_stays_silent_otherwise() -> None:
    # The sender's own address, or its Reply-To.
    own = "Write to me at mira80@gmail.com"
    assert contact_elsewhere(view(text=own, from_address="mira80@gmail.com")) is None
    assert contact_elsewhere(view(text=own, reply_to=("mira80@gmail.com",))) is None
    # A company address, no request to answer, a quoted header line, a mailing list, pasted text.
    assert contact_elsewhere(view(text="Write to support@shop.example.com for help")) is None
    assert contact_elsewhere(view(text="Thanks to bob.smith@yahoo.com for the patch")) is None
    assert (
        contact_elsewhere(view(text="De: Laura <contact@x.example>\nPara: phishing <someone@hotmail.com>"))
        is None
    )
    assert contact_elsewhere(view(text=own, is_mailing_list=True)) is None
    assert contact_elsewhere(view(text=own, is_mail=False)) is None


LOOKUP = '<form action="https://search.example.org/q"><input type="hidden" name="site" value="x"><input name="q"><input type="submit"></form>'
QUOTE = '<form action="https://news.example.org/quote"><input type="text" name="symbol"><select name="x"></select></form>'
LOGIN = '<form action="https://evil.example.net/collect"><input type="password" name="p"></form>'
DETAILS = '<form action="https://evil.example.net/collect"><input name="first"><input name="last"></form>'
CARD = '<form action="https://evil.example.net/pay"><input name="card_number"></form>'


def forms_of(html: str) -> MailView:
    return read_report(raw(mail("see the HTML part", html=f"<html><body>{html}</body></html>")))


def test_lookup_boxes_are_not_forms_to_fill_in() -> None:
    for html in (LOOKUP, QUOTE):
        read = forms_of(html)
        assert read.forms == read.lookup_forms and len(read.forms) == 1
        assert html_form(read.forms, read.lookup_forms) is None


def test_forms_asking_for_secrets_or_several_fields_still_count() -> None:
    for html in (LOGIN, DETAILS, CARD, LOOKUP + LOGIN):
        read = forms_of(html)
        assert read.lookup_forms != read.forms
        reason = html_form(read.forms, read.lookup_forms)
        assert reason is not None and "evil.example.net" in reason.text
    # Without field details (another reader), the old rule applies: any form but a search target.
    assert html_form(["https://evil.example.net/collect"]) is not None


def test_wider_brand_list() -> None:
    brands = brand_keywords(list(DEFAULT_BRANDS))
    for display, address in [
        ("Ledger", "noreply@stealth.example.com"),
        ("OpenSea", "deutsche-bank@mail.example.com"),
    ]:
        reason = display_name_impersonation(view(from_display=display, from_address=address), brands)
        assert reason is not None and display in reason.text
    assert (
        display_name_impersonation(view(from_display="Ledger", from_address="news@ledger.com"), brands)
        is None
    )


def test_romance_bait_answered_elsewhere_is_flagged_end_to_end() -> None:
    message = mail(
        "Hello my dear! I am 32 years old and looking for a serious man. It's my E-mail for response "
        "anngosa80@gmail.com , I will send you my photo.",
        sender="Mira <georgianeuro@prgmd.example.net>",
        subject="Is everything fine? my Mister Amazing",
    )
    result = analyze(raw(message))
    assert "contact_elsewhere" in {r.code for r in result.reasons}


def test_celebrity_sender() -> None:
    reason = celebrity_sender(
        view(from_display="Eco Savings by Elon Musk", from_address="webbsfans@cundaze.example")
    )
    assert reason is not None and reason.code == "celebrity_sender" and "Elon Musk" in reason.text
    assert celebrity_sender(view(from_display="Jeff Bezos", from_address="jeffb@amazon.com")) is None
    assert celebrity_sender(view(from_display="Elona Muskova", from_address="elona@example.org")) is None
    assert celebrity_sender(view(from_display="Shop news", from_address="news@shop.example.com")) is None
