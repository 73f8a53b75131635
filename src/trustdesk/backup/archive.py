"""The backup archive: a gzip'd tar whose manifest.json lists every other member with its size and
SHA-256. Reading checks the manifest before anything is used; members are plain files under known
folders, never links, absolute paths or '..'."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "trustdesk-backup"
VERSION = 1
MANIFEST = "manifest.json"
FOLDERS = ("database", "attachments", "keys")
CHUNK = 1 << 20


class BackupError(Exception):
    """The archive cannot be written, read or trusted; the message says why in plain words."""


@dataclass
class Manifest:
    created_at: str
    database: str  # "sqlite" or "postgresql"
    revision: str | None
    keys_included: bool
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # member -> {"sha256", "bytes"}
    key_seal: dict[str, Any] | None = None  # how the keys are sealed with the passphrase (passphrase.KeySeal)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "created_at": self.created_at,
            "database": self.database,
            "revision": self.revision,
            "keys_included": self.keys_included,
            "key_seal": self.key_seal,
            "files": self.files,
        }

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError("this is not a Trustdesk backup (its manifest is missing or foreign)")
        if data.get("version") != VERSION:
            raise BackupError(
                f"backup format version {data.get('version')!r} is not supported (expected {VERSION})"
            )
        files = data.get("files")
        if not isinstance(files, dict) or data.get("database") not in ("sqlite", "postgresql"):
            raise BackupError("the backup's manifest is damaged")
        return cls(
            created_at=str(data.get("created_at", "")),
            database=str(data["database"]),
            revision=data.get("revision") if isinstance(data.get("revision"), str) else None,
            keys_included=bool(data.get("keys_included")),
            files={str(k): dict(v) for k, v in files.items() if isinstance(v, dict)},
            key_seal=data.get("key_seal") if isinstance(data.get("key_seal"), dict) else None,
        )

    def summary(self) -> dict[str, Any]:
        """Counts and sizes per folder, for the CLI's JSON."""
        folders: dict[str, dict[str, int]] = {}
        for name, meta in self.files.items():
            folder = folders.setdefault(name.split("/", 1)[0], {"files": 0, "bytes": 0})
            folder["files"] += 1
            folder["bytes"] += int(meta.get("bytes", 0))
        return {
            "created_at": self.created_at,
            "database": self.database,
            "revision": self.revision,
            "keys_included": self.keys_included,
            "folders": folders,
        }


def safe_member_name(name: str) -> str:
    """The member's path if it is a plain relative path under one of our folders; BackupError otherwise."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] not in FOLDERS:
        raise BackupError(f"the archive holds a path that is not allowed: {name!r}")
    return str(path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(out: Path, manifest: Manifest, members: dict[str, Path]) -> None:
    """Write the archive atomically (a temporary file renamed into place), readable by its owner only:
    it can hold the keys."""
    for name, source in members.items():
        manifest.files[safe_member_name(name)] = {
            "sha256": sha256_file(source),
            "bytes": source.stat().st_size,
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = json.dumps(manifest.to_json(), indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(body), 0o600
            tar.addfile(info, io.BytesIO(body))
            for name, source in sorted(members.items()):
                info = tarfile.TarInfo(name)
                info.size, info.mode = source.stat().st_size, 0o600
                with source.open("rb") as handle:
                    tar.addfile(info, handle)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:gz")
    except FileNotFoundError:
        raise BackupError(f"no backup at {path}") from None
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({type(exc).__name__})") from None


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        data = json.loads(handle.read(1 << 24)) if handle is not None else None
    except KeyError:
        raise BackupError("this is not a Trustdesk backup (it has no manifest.json)") from None
    except (ValueError, tarfile.TarError, EOFError):
        raise BackupError("the backup's manifest is damaged") from None
    return Manifest.from_json(data)


def _members(tar: tarfile.TarFile, manifest: Manifest) -> Iterator[tuple[str, tarfile.TarInfo]]:
    seen = set()
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        name = safe_member_name(member.name)
        if not member.isfile():
            raise BackupError(f"the archive holds something that is not a plain file: {member.name!r}")
        if name not in manifest.files:
            raise BackupError(f"the archive holds a file its manifest does not list: {name!r}")
        seen.add(name)
        yield name, member
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise BackupError(
            f"files listed in the manifest are missing from the archive: {', '.join(missing[:5])}"
        )


def _copy_checked(
    tar: tarfile.TarFile, name: str, member: tarfile.TarInfo, expected: dict[str, Any], out: Any
) -> None:
    """Stream one member to out (or nowhere), checking its size and SHA-256 against the manifest."""
    handle = tar.extractfile(member)
    digest, size = hashlib.sha256(), 0
    while handle is not None and (chunk := handle.read(CHUNK)):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    if size != expected.get("bytes") or digest.hexdigest() != expected.get("sha256"):
        raise BackupError(f"{name} does not match its checksum: the archive is damaged or was changed")


def verify_backup(path: Path) -> Manifest:
    """Check every member against the manifest (size and SHA-256); BackupError names the first problem."""
    with _open(path) as tar:
        manifest = read_manifest(tar)
        try:
            for name, member in _members(tar, manifest):
                _copy_checked(tar, name, member, manifest.files[name], None)
        except (tarfile.TarError, OSError, EOFError):
            raise BackupError(f"{path} is truncated or damaged") from None
    return manifest


def extract_verified(path: Path, staging: Path) -> Manifest:
    """Unpack into an empty staging folder, checking each member as it is written. On any problem
    BackupError is raised and the caller discards the staging folder: nothing unchecked is used."""
    with _open(path) as tar:
        manifest = read_manifest(tar)
        try:
            for name, member in _members(tar, manifest):
                destination = staging / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    _copy_checked(tar, name, member, manifest.files[name], out)
        except (tarfile.TarError, EOFError):
            raise BackupError(f"{path} is truncated or damaged") from None
    return manifest
