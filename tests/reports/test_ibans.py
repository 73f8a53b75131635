"""IBANs in prose: grouped or compact, several in a row, only with a valid checksum."""

from __future__ import annotations

from trustdesk.reports.iban import find_ibans, is_valid_iban


def test_grouped_and_compact_ibans_in_prose() -> None:
    text = "Pay the fee to DE89 3704 0044 0532 0130 00 today, or GB82WEST12345698765432 NL91ABNA0417164300."
    assert find_ibans(text) == ["DE89370400440532013000", "GB82WEST12345698765432", "NL91ABNA0417164300"]


def test_wrong_checksum_or_length_is_not_an_iban() -> None:
    assert find_ibans("ref DE89370400440532013001 and DE8937040044053201300") == []
    assert not is_valid_iban("XX89370400440532013000")


def test_iban_followed_by_capitals_keeps_its_registered_length() -> None:
    assert find_ibans("IBAN: DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX") == ["DE89370400440532013000"]


def test_duplicates_collapse() -> None:
    assert find_ibans("DE89370400440532013000 / DE89 3704 0044 0532 0130 00") == ["DE89370400440532013000"]
