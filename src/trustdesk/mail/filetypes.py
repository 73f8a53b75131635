"""A coarse file type from the first bytes of a file, never from the type it declares."""

from __future__ import annotations

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"MZ", "pe-executable"),
    (b"\x7fELF", "elf-executable"),
    (b"\xcf\xfa\xed\xfe", "macho-executable"),
    (b"#!", "script"),
)
_EXECUTABLE_TYPES = {"pe-executable", "elf-executable", "macho-executable"}


def sniff_type(data: bytes) -> str | None:
    """A coarse file type from the first bytes (never from the declared type)."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None
