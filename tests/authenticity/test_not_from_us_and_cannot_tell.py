"""No valid reference: `not_from_us` with the evidence named, or `cannot_tell` when there is none."""

from __future__ import annotations

from trustdesk.authenticity import MessageVerdict, new_reference


def codes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["code"] for r in result.reasons]


def test_made_up_reference(desk) -> None:
    forged = new_reference()  # well-formed, never issued
    result = desk.check(
        f"Your refund is waiting. Reference {forged} \u00b7 check it at https://desk.example.net/t/acme/check"
    )
    assert result.verdict is MessageVerdict.NOT_FROM_US
    assert "unknown-reference" in codes(result)
    assert "made up" in result.explanation


def test_lookalike_contact_is_named(desk) -> None:
    result = desk.check(
        "Acme Outfitters: your account is on hold. Sign in at https://acmeoutfltters.com/login today."
    )
    assert result.verdict is MessageVerdict.NOT_FROM_US
    assert "lookalike-contact" in codes(result)
    assert "acmeoutfltters.com" in result.explanation
    lookalikes = [c for c in result.contacts if c["verdict"] == "lookalike"]
    assert lookalikes and lookalikes[0]["imitates"]["value"] == "acmeoutfitters.com"


def test_brand_name_with_strangers_contacts(desk) -> None:
    result = desk.check(
        "Acme Outfitters refund team: call 1-202-555-0175 to claim your refund.", tenant=False
    )
    assert result.verdict is MessageVerdict.NOT_FROM_US
    assert result.tenant == "acme"
    assert "brand-with-unofficial-contacts" in codes(result)
    assert any("Contact Acme Outfitters only through its official channels" in s for s in result.next_steps)


def test_plain_text_without_evidence_is_cannot_tell(desk) -> None:
    result = desk.check("Hi, your parcel will arrive tomorrow between 9 and 12.")
    assert result.verdict is MessageVerdict.CANNOT_TELL
    assert "no-reference" in codes(result)


def test_mistyped_reference_is_cannot_tell(desk) -> None:
    ref, sent = desk.send("Your parcel arrives on Friday.")
    body = ref[3:]
    wrong = "A" if body[4] != "A" else "B"
    typo = "TD-" + body[:4] + wrong + body[5:]
    result = desk.check(sent.replace(ref, typo))
    assert result.verdict is MessageVerdict.CANNOT_TELL
    assert "reference-mistyped" in codes(result)


def test_reference_alone(desk) -> None:
    ref, _ = desk.send("Your parcel arrives on Friday.", channel="chat")
    result = desk.check(ref.lower())
    assert result.verdict is MessageVerdict.CANNOT_TELL
    assert result.input_kind == "reference"
    assert "We did send a chat message" in result.explanation
    assert desk.check(new_reference()).verdict is MessageVerdict.NOT_FROM_US


def test_reference_of_another_tenant_counts_as_unknown(desk) -> None:
    from dataclasses import replace

    ref, sent = desk.send("Your parcel arrives on Friday.")
    other = replace(desk.records[ref], tenant=replace(desk.acme, slug="northwind", name="Northwind Home"))
    desk.records[ref] = other
    result = desk.check(sent)
    assert result.verdict is MessageVerdict.NOT_FROM_US
    assert "unknown-reference" in codes(result)


def test_garbage_never_crashes(desk) -> None:
    for data in (
        b"",
        b"\x00\xff" * 100,
        "From: \r\n\r\n",
        b"Received: x\r\nFrom: <>\r\n\r\n\xff",
        "TD-",
        "> > >",
    ):
        result = desk.check(data)
        assert result.verdict in set(MessageVerdict)
        assert set(result.auth) == {"spf", "dkim", "dmarc"}


def test_plain_text_answer_for_an_automatic_reply(desk) -> None:
    result = desk.check(
        "Acme Outfitters: your account is on hold. Sign in at https://acmeoutfltters.com/login today."
    )
    text = result.as_text()
    assert text.startswith("NOT FROM US: This did not come from Acme Outfitters.")
    assert "acmeoutfltters.com" in text.split("Contact details in it that are not ours:")[1]


def test_a_message_without_words_cannot_vouch_for_anything(desk) -> None:
    ref, sent = desk.send("\U0001f44d")
    result = desk.check("Call +1 202 555 0100 now!\n\n" + sent.split("\n\n", 1)[1])
    assert result.reference == ref
    assert result.verdict is MessageVerdict.CANNOT_TELL
