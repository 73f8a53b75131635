"""Crypto wallet addresses: find candidates in text and keep only those whose checksum is valid.

Supported, each with its own checksum so random strings are not reported:
- Bitcoin and Litecoin base58check (P2PKH / P2SH) and bech32 / bech32m segwit (BIP 173, BIP 350);
- Dogecoin and Tron base58check;
- Ethereum (and EVM chains): 0x + 40 hex; EIP-55 checksum enforced when the address uses mixed case.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from trustdesk.reports.keccak import keccak256

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {ch: i for i, ch in enumerate(_B58_ALPHABET)}
_BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {ch: i for i, ch in enumerate(_BECH32_ALPHABET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3

# base58check version byte -> network
_BASE58_VERSIONS: dict[int, str] = {
    0x00: "bitcoin",  # P2PKH, "1..."
    0x05: "bitcoin",  # P2SH, "3..." (Litecoin's legacy P2SH shares it)
    0x30: "litecoin",  # "L..."
    0x32: "litecoin",  # "M..."
    0x1E: "dogecoin",  # "D..."
    0x41: "tron",  # "T..."
}
_BECH32_HRPS: dict[str, str] = {"bc": "bitcoin", "ltc": "litecoin"}

# Word boundaries made explicit so "x1A1zP1..." inside a longer token is not taken.
_BASE58_RE = re.compile(r"(?<![0-9A-Za-z])[13LMDT][1-9A-HJ-NP-Za-km-z]{25,34}(?![0-9A-Za-z])")
_BECH32_RE = re.compile(r"(?<![0-9A-Za-z])(?:bc|ltc|BC|LTC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![0-9A-Za-z])")
_ETH_RE = re.compile(r"(?<![0-9A-Za-z])0x[0-9a-fA-F]{40}(?![0-9A-Za-z])")


@dataclass(frozen=True, slots=True)
class Wallet:
    """A validated wallet address and the network it belongs to."""

    network: str
    address: str


def _b58decode(text: str) -> bytes | None:
    number = 0
    for ch in text:
        digit = _B58_INDEX.get(ch)
        if digit is None:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading = len(text) - len(text.lstrip("1"))
    return b"\x00" * leading + body


def base58check_network(address: str) -> str | None:
    """Return the network of a valid base58check address (25 bytes, double-SHA256 checksum), else None."""
    raw = _b58decode(address)
    if raw is None or len(raw) != 25:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return _BASE58_VERSIONS.get(payload[0])


def _bech32_polymod(values: list[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for value in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ value
        for i in range(5):
            if (top >> i) & 1:
                chk ^= generators[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> list[int] | None:
    acc = 0
    bits = 0
    out = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    # Segwit decoding: leftover bits must be fewer than from_bits and all zero.
    if bits >= from_bits or ((acc << (to_bits - bits)) & maxv):
        return None
    return out


def segwit_network(address: str) -> str | None:
    """Return the network of a valid bech32/bech32m segwit address (BIP 173/350), else None."""
    if address.lower() != address and address.upper() != address:
        return None  # mixed case is invalid in bech32
    address = address.lower()
    hrp, sep, data_part = address.rpartition("1")
    network = _BECH32_HRPS.get(hrp)
    if not sep or network is None or len(data_part) < 7 or len(address) > 90:
        return None
    try:
        data = [_BECH32_INDEX[c] for c in data_part]
    except KeyError:
        return None
    const = _bech32_polymod(_hrp_expand(hrp) + data)
    version = data[0]
    if version > 16:
        return None
    if (version == 0 and const != _BECH32_CONST) or (version > 0 and const != _BECH32M_CONST):
        return None
    program = _convert_bits(data[1:-6], 5, 8)
    if program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    return network


def eip55_checksum(address: str) -> str:
    """Return the EIP-55 mixed-case form of a 0x-prefixed 40-hex-digit address."""
    lower = address[2:].lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(ch.upper() if int(digest[i], 16) >= 8 else ch for i, ch in enumerate(lower))


def ethereum_address(address: str) -> str | None:
    """Return the checksummed form of a valid Ethereum address, else None.

    All-lower or all-upper hex carries no checksum and is accepted; mixed case must match EIP-55.
    """
    if not _ETH_RE.fullmatch(address):
        return None
    body = address[2:]
    checksummed = eip55_checksum(address)
    if body != body.lower() and body != body.upper() and address != checksummed:
        return None
    if int(body, 16) == 0:
        return None  # the zero address is a burn placeholder, not somebody's wallet
    return checksummed


def find_wallets(text: str) -> list[Wallet]:
    """Return every valid wallet address in `text`, in order of appearance, without duplicates."""
    found: list[tuple[int, Wallet]] = []
    for match in _BASE58_RE.finditer(text):
        network = base58check_network(match.group())
        if network:
            found.append((match.start(), Wallet(network, match.group())))
    for match in _BECH32_RE.finditer(text):
        network = segwit_network(match.group())
        if network:
            found.append((match.start(), Wallet(network, match.group().lower())))
    for match in _ETH_RE.finditer(text):
        checksummed = ethereum_address(match.group())
        if checksummed:
            found.append((match.start(), Wallet("ethereum", checksummed)))
    seen: set[Wallet] = set()
    out = []
    for _, wallet in sorted(found, key=lambda item: item[0]):
        if wallet not in seen:
            seen.add(wallet)
            out.append(wallet)
    return out
