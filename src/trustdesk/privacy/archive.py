"""The export archive: one zip with a JSON file per kind, the attachments, a note in the person's
language and a manifest of every file with its SHA-256 (pure: bytes in, bytes out)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trustdesk.i18n import words

FORMAT = "trustdesk-subject-export/1"
MANIFEST = "manifest.json"
README = "README.txt"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no clock: the same data gives the same bytes


@dataclass
class ExportContent:
    """What was found about one person, ready to be written."""

    tenant_slug: str
    tenant_name: str
    language: str
    generated_at: datetime
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # archive path (under attachments/) -> bytes
    files: dict[str, bytes] = field(default_factory=dict)


def readme(content: ExportContent) -> str:
    """The note for the person, in their language (English when it is not one the desk speaks)."""
    w = words(content.language)
    lines = [
        w.gettext(
            "This archive holds the personal data {retailer} keeps about you in its support desk, as of {date}.",
            retailer=content.tenant_name,
            date=content.generated_at.date().isoformat(),
        ),
        w.gettext("Each .json file lists one kind of data; the attachments folder holds the files you sent."),
        w.gettext(
            "manifest.json lists every file with its SHA-256 checksum, so you can check that nothing was changed."
        ),
        w.gettext(
            "Secrets you sent (card numbers, passwords, codes) were removed before anything was stored, "
            "so they do not appear here."
        ),
    ]
    return "\n\n".join(lines) + "\n"


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n").encode()


def build_archive(content: ExportContent) -> tuple[bytes, dict[str, Any]]:
    """The zip and its manifest: kinds with counts, and every other file's size and SHA-256."""
    entries: dict[str, bytes] = {README: readme(content).encode()}
    for kind, rows in content.records.items():
        entries[f"{kind}.json"] = _json_bytes(rows)
    for path, data in content.files.items():
        entries[f"attachments/{path}"] = data
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "tenant": content.tenant_slug,
        "language": words(content.language).code,
        "generated_at": content.generated_at.isoformat(),
        "kinds": {kind: len(rows) for kind, rows in content.records.items()},
        "files": [
            {"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in sorted(entries.items())
        ],
    }
    entries[MANIFEST] = _json_bytes(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(entries):
            info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, entries[path])
    return buffer.getvalue(), manifest


def attachment_name(public_id: str, filename: str) -> str:
    """A safe archive name for an attachment: its id and the (already guarded) name, no folders."""
    base = "".join(c if c.isalnum() or c in "._- " else "_" for c in filename.rsplit("/", 1)[-1])
    base = base.strip(" .")[:100] or "file"
    return f"{public_id}-{base}"
