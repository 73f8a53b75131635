"""Describing a reported message's attachments without opening them: name, type, size, and the member
names of a zip archive read from its central directory (never decompressed).
"""

from __future__ import annotations

import io
import zipfile
from email.message import Message

from trustdesk.reports.mail_headers import _PARSE_ERRORS
from trustdesk.reports.mail_values import Attachment, Limits

_ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".iso", ".img", ".cab", ".arj", ".lzh")


def _describe_attachment(part: Message, filename: str, content_type: str, limits: Limits) -> Attachment:
    try:
        payload = part.get_payload(decode=True)
    except _PARSE_ERRORS:
        payload = None
    body = payload if isinstance(payload, bytes) else b""
    members: tuple[str, ...] = ()
    notes: list[str] = []
    lowered = filename.lower()
    if body[:4] == b"PK\x03\x04" or lowered.endswith(".zip") or content_type in ("application/zip",):
        members, notes = inspect_zip(body, limits)
    elif lowered.endswith(_ARCHIVE_SUFFIXES):
        notes.append("archive not inspected")
    return Attachment(filename, content_type, len(body), members, tuple(notes))


def inspect_zip(data: bytes, limits: Limits) -> tuple[tuple[str, ...], list[str]]:
    """List a zip archive's member names from its central directory without decompressing anything.

    Returns the names (capped at `limits.max_archive_entries`) and notes: an unreadable archive, an
    archive whose declared sizes betray a zip bomb, or nested archives (which are never opened).
    """
    notes: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return (), ["archive could not be read"]
    if len(infos) > limits.max_archive_entries:
        notes.append(f"archive lists {len(infos):,} entries; only {limits.max_archive_entries:,} were listed")
        infos = infos[: limits.max_archive_entries]
    declared = sum(info.file_size for info in infos)
    compressed = max(1, sum(info.compress_size for info in infos))
    if declared / compressed > limits.max_compression_ratio:
        notes.append("archive declares an extreme compression ratio (possible zip bomb); not unpacked")
    names = tuple(info.filename[:255] for info in infos)
    if any(name.lower().endswith(_ARCHIVE_SUFFIXES) for name in names):
        notes.append("archive contains nested archives; they were not opened")
    return names, notes
