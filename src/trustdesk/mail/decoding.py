"""Decoding mail text: declared charsets (with the aliases mail really uses), 8-bit bytes and control characters."""

from __future__ import annotations

import codecs
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _clean_text(text: str) -> str:
    if _SURROGATES.search(text):
        # 8-bit bytes smuggled through surrogateescape: try UTF-8, else Windows-1252.
        data = text.encode("utf-8", errors="surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        text = _SURROGATES.sub("\ufffd", text)
    return _CONTROL.sub("", text)


def _clean_header(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", _clean_text(text)).strip()


_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-sjis": "shift_jis",
    "x-gbk": "gbk",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "iso-8859-1": "cp1252",  # WHATWG: labels for Latin-1 decode as Windows-1252
    "latin1": "cp1252",
    "x-user-defined": "cp1252",
}


def _codec_for(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # Refuse bytes-to-bytes "codecs" such as base64, zlib or rot13 named as a charset.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None, defects: list[str]) -> str:
    """Decode a body with its declared charset; unknown or wrong charsets never raise."""
    codec = _codec_for(charset)
    if codec == "ascii":
        codec = None  # "ascii" mail is routinely 8-bit in practice: UTF-8, else Windows-1252
    elif charset and codec is None:
        defects.append(f"unknown charset {charset[:40]!r}; decoded as UTF-8 or Windows-1252")
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            defects.append(
                f"body is not valid {charset[:40] if charset else codec}; undecodable bytes replaced"
            )
            return data.decode(codec, errors="replace")
        except Exception:  # noqa: BLE001 - exotic codecs can raise other errors on crafted input
            defects.append(f"charset {charset[:40] if charset else codec} failed; decoded as Windows-1252")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
