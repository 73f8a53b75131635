"""Crypto wallet addresses are found only when their checksum is valid."""

from __future__ import annotations

import hashlib

import pytest

from trustdesk.reports.keccak import keccak256
from trustdesk.reports.wallets import (
    base58check_network,
    eip55_checksum,
    ethereum_address,
    find_wallets,
    segwit_network,
)

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58check(version: int, payload: bytes) -> str:
    """Independent base58check encoder, to build addresses for other chains."""
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    number = int.from_bytes(raw, "big")
    out = ""
    while number:
        number, digit = divmod(number, 58)
        out = ALPHABET[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def test_keccak_known_digests() -> None:
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"abc").hex() == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    # Not NIST SHA3-256, whose padding differs.
    assert keccak256(b"abc") != hashlib.sha3_256(b"abc").digest()


@pytest.mark.parametrize(
    "address",
    ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"],
)
def test_bitcoin_base58check(address: str) -> None:
    assert base58check_network(address) == "bitcoin"
    broken = address[:-1] + ("b" if address[-1] != "b" else "c")
    assert base58check_network(broken) is None


@pytest.mark.parametrize(
    "address",
    [
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",  # P2WPKH, bech32
        "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",  # P2WSH, bech32
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",  # taproot, bech32m
        "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",  # upper case is valid too
    ],
)
def test_bitcoin_segwit(address: str) -> None:
    assert segwit_network(address) == "bitcoin"


def test_segwit_rejects_wrong_checksum_variant_and_mixed_case() -> None:
    # A v1 program with a bech32 (not bech32m) checksum is invalid under BIP 350.
    assert (
        segwit_network("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx") is None
    )
    assert segwit_network("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr") is None
    assert segwit_network("bc1qAr0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq") is None


def test_other_base58_chains() -> None:
    payload = bytes(range(20))
    assert base58check_network(b58check(0x30, payload)) == "litecoin"
    assert base58check_network(b58check(0x1E, payload)) == "dogecoin"
    tron = b58check(0x41, payload)
    assert tron.startswith("T") and base58check_network(tron) == "tron"
    assert base58check_network(b58check(0x6F, payload)) is None  # testnet is not a payment target


@pytest.mark.parametrize(
    "address",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_vectors(address: str) -> None:
    assert eip55_checksum(address.lower()) == address
    assert ethereum_address(address) == address
    assert ethereum_address(address.lower()) == address  # no checksum to check: accepted, checksummed
    wrong_case = address[:-1] + (address[-1].swapcase() if address[-1].isalpha() else address[-1])
    if wrong_case != address:
        assert ethereum_address(wrong_case) is None


def test_find_wallets_in_prose() -> None:
    text = (
        "Send 0.05 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq or 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa. "
        "USDT (ERC-20): 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed. "
        "Order 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb is not an address; neither is 0x" + "0" * 40 + "."
    )
    found = [(w.network, w.address) for w in find_wallets(text)]
    assert found == [
        ("bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        ("bitcoin", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
    ]


def test_addresses_glued_to_other_text_are_not_taken() -> None:
    assert find_wallets("id=x1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") == []
