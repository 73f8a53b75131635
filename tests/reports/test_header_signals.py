"""Mail header anomalies: each signal fires on its pattern and stays silent on ordinary mail."""

from __future__ import annotations

from trustdesk.reports.domains import DEFAULT_BRANDS, brand_keywords
from trustdesk.reports.mail_values import MailView
from trustdesk.reports.signals import (
    abused_tld_sender,
    cloud_tenant_sender,
    display_name_address_spoof,
    display_name_impersonation,
    freemail_brand_claim,
    freemail_service_claim,
    malformed_sender,
    random_sender,
    recipient_address_in_subject,
    reply_to_mismatch,
    return_path_mismatch,
    sender_name_mismatch,
)

BRANDS = brand_keywords(list(DEFAULT_BRANDS) + ["Acme Outfitters"])


def view(**kwargs: object) -> MailView:
    base: dict[str, object] = {"text": "", "is_mail": True}
    base.update(kwargs)
    return MailView(**base)  # type: ignore[arg-type]


def test_reply_to_elsewhere() -> None:
    reason = reply_to_mismatch(
        view(from_address="support@shop.example.com", reply_to=("claims@other.example.net",))
    )
    assert reason is not None and reason.code == "reply_to_mismatch" and "example.net" in reason.text
    freemail = reply_to_mismatch(
        view(from_address="support@shop.example.com", reply_to=("refunds.desk@gmail.com",))
    )
    assert freemail is not None and freemail.code == "reply_to_freemail"


def test_reply_to_same_organisation_or_mailing_list_is_fine() -> None:
    assert (
        reply_to_mismatch(view(from_address="a@news.shop.example.com", reply_to=("b@shop.example.com",)))
        is None
    )
    assert (
        reply_to_mismatch(
            view(from_address="a@x.example.com", reply_to=("list@lists.example.org",), is_mailing_list=True)
        )
        is None
    )


def test_return_path_elsewhere() -> None:
    assert (
        return_path_mismatch(view(from_address="a@shop.example.com", return_path="b@bulk.example.net"))
        is not None
    )
    assert (
        return_path_mismatch(
            view(from_address="a@shop.example.com", return_path="bounce@mail.shop.example.com")
        )
        is None
    )


def test_display_name_impersonation() -> None:
    reason = display_name_impersonation(
        view(from_display="PayPal Service", from_address="x@secure-center.example.net"), BRANDS
    )
    assert reason is not None and "PayPal" in reason.text
    assert (
        display_name_impersonation(view(from_display="PayPal", from_address="service@paypal.de"), BRANDS)
        is None
    )
    assert (
        display_name_impersonation(
            view(from_display="Acme Outfitters", from_address="a@acmeoutfitters.com"), BRANDS
        )
        is None
    )
    tenant = display_name_impersonation(
        view(from_display="Acme Outfitters Support", from_address="a@help-desk.example"), BRANDS
    )
    assert tenant is not None
    # A brand on a free-mail account is the other signal's job.
    assert (
        display_name_impersonation(view(from_display="PayPal", from_address="paypal.help@gmail.com"), BRANDS)
        is None
    )


def test_freemail_claims() -> None:
    claim = freemail_brand_claim(
        view(from_display="Amazon Refunds", from_address="refund.team77@outlook.com"), BRANDS
    )
    assert claim is not None and claim.code == "freemail_brand_claim"
    service = freemail_service_claim(
        view(from_display="Customer Support", from_address="help.center9@yahoo.com")
    )
    assert service is not None
    assert freemail_service_claim(view(from_display="Jane Doe", from_address="jane.doe@gmail.com")) is None
    assert (
        freemail_brand_claim(view(from_display="Jane Doe", from_address="jane.doe@gmail.com"), BRANDS) is None
    )


def test_display_name_showing_another_address() -> None:
    spoof = display_name_address_spoof(
        view(from_display="service@paypal.com", from_address="x@evil.example.net")
    )
    assert spoof is not None
    assert (
        display_name_address_spoof(
            view(from_display="news@shop.example.com", from_address="news@shop.example.com")
        )
        is None
    )


def test_malformed_sender() -> None:
    assert malformed_sender(view(from_malformed=True, from_address="")) is not None
    assert malformed_sender(view(from_malformed=False, from_address="a@b.example.com")) is None


def test_sender_name_mismatch_for_organisation_names() -> None:
    assert (
        sender_name_mismatch(view(from_display="Harbor Rewards Team", from_address="x@mailer.example.net"))
        is not None
    )
    assert (
        sender_name_mismatch(view(from_display="LibertyMutualTeam", from_address="vp@love.example.net"))
        is not None
    )
    assert (
        sender_name_mismatch(view(from_display="Harbor Rewards Team", from_address="team@harbor.example.com"))
        is None
    )
    # Person names are not organisations.
    assert sender_name_mismatch(view(from_display="Robert Elz", from_address="kre@munnari.oz.au")) is None


def test_random_sender() -> None:
    assert random_sender(view(from_address="lqkmkvmnifpnvjd@eaux.example.com")) is not None
    assert random_sender(view(from_address="info@xkqwrtzplm.com")) is not None
    assert random_sender(view(from_address="stewart.smith@ee.ed.ac.uk")) is None
    # Bounce-tracking ids of bulk senders contain digits and are not flagged.
    assert (
        random_sender(view(from_address="online#3.20074.fe-hz1flt-yytptpdrr.1@newsletter.online.com")) is None
    )


def test_recipient_address_in_subject_or_greeting() -> None:
    to = ("victim@example.org",)
    assert (
        recipient_address_in_subject(view(subject="victim@example.org: your parcel", to_addresses=to))
        is not None
    )
    assert (
        recipient_address_in_subject(view(text="Hello victim@example.org, you won", to_addresses=to))
        is not None
    )
    assert (
        recipient_address_in_subject(view(subject="Your parcel", text="Hello Jane", to_addresses=to)) is None
    )


def test_cloud_tenant_and_abused_tld_senders() -> None:
    assert cloud_tenant_sender(view(from_address="info@scsettings.onmicrosoft.com")) is not None
    assert cloud_tenant_sender(view(from_address="info@microsoft.com")) is None
    assert abused_tld_sender(view(from_address="return@bruidswinkel.site")) is not None
    assert abused_tld_sender(view(from_address="a@shop.example.com")) is None
