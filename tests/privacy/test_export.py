"""Export (GDPR art. 15): one archive with every kind held about the person, checked by its manifest."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from tests.privacy.conftest import ATTACHMENT, CHAT_TEXT, EMAIL, MAIL_TEXT, NAME, ORDER, PHONE, Seeded

from trustdesk.privacy.service import export
from trustdesk.store.models import Tenant


def _export(seeded: Seeded) -> tuple[zipfile.ZipFile, dict]:  # type: ignore[type-arg]
    with seeded.world.sessions() as s:
        tenant = s.get(Tenant, seeded.acme)
        assert tenant is not None
        archive, manifest = export(s, tenant, EMAIL.upper(), seeded.deps(), actor="test")
        s.commit()
    return zipfile.ZipFile(io.BytesIO(archive)), manifest


def test_the_archive_holds_every_kind_and_matches_its_manifest(seeded: Seeded) -> None:
    archive, manifest = _export(seeded)
    assert json.loads(archive.read("manifest.json")) == manifest
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for path, entry in listed.items():
        data = archive.read(path)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    kinds = manifest["kinds"]
    assert kinds["customers"] == 1 and kinds["accounts"] == 1 and kinds["orders"] == 1
    assert kinds["conversations"] == 3  # the chat, the anonymous chat from the same browser, the e-mail
    assert kinds["mail"] == 1 and kinds["attachments"] == 1 and kinds["reports"] == 1 and kinds["bot"] == 1

    customer = json.loads(archive.read("customers.json"))[0]
    assert (customer["email"], customer["name"], customer["phone"]) == (EMAIL, NAME, PHONE)
    texts = [m["text"] for m in json.loads(archive.read("messages.json"))]
    assert any(CHAT_TEXT in t for t in texts) and any(MAIL_TEXT in t for t in texts)
    assert any("me again about the boots" in t for t in texts)
    assert "Same courier as" not in " ".join(texts)  # someone else's conversation is not exported
    order = json.loads(archive.read("orders.json"))[0]
    assert order["number"] == ORDER and order["shipping_address"]["street"] == "Lindenweg 5"
    attachment = json.loads(archive.read("attachments.json"))[0]
    assert attachment["filename"] == "receipt.png"
    assert archive.read(attachment["file"]) == ATTACHMENT
    assert json.loads(archive.read("reports.json"))[0]["reporter_contact"] == EMAIL
    assert json.loads(archive.read("bot.json"))[0]["state"]["engine"]["slots"]["order"] == ORDER


def test_the_note_is_written_in_the_customers_language(seeded: Seeded) -> None:
    archive, manifest = _export(seeded)
    assert manifest["language"] == "en"
    assert "personal data Acme Shop keeps about you" in archive.read("README.txt").decode()
    with seeded.world.sessions() as s:
        tenant = s.get(Tenant, seeded.acme)
        assert tenant is not None
        tenant.branding = {**tenant.branding, "languages": ["de", "en"]}
        s.commit()
    archive, manifest = _export(seeded)
    assert manifest["language"] == "de"
    assert "personenbezogenen Daten, die Acme Shop" in archive.read("README.txt").decode()


def test_an_export_is_audited_without_the_address(seeded: Seeded) -> None:
    from sqlalchemy import select

    from trustdesk.store.models import AuditEvent

    _export(seeded)
    with seeded.world.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.exported"))
        assert event is not None and event.tenant_id == seeded.acme
        assert EMAIL not in repr((event.actor, event.target, event.details))
        assert event.details["kinds"]["conversations"] == 3


def test_another_retailer_exports_only_its_own(seeded: Seeded) -> None:
    with seeded.world.sessions() as s:
        tenant = s.get(Tenant, seeded.globex)
        assert tenant is not None
        archive, manifest = export(s, tenant, EMAIL, seeded.deps(), actor="test")
    assert manifest["kinds"]["conversations"] == 1 and manifest["kinds"]["orders"] == 1
    opened = zipfile.ZipFile(io.BytesIO(archive))
    assert CHAT_TEXT not in b"".join(opened.read(n) for n in opened.namelist()).decode()
