"""Re-sealing under a new encryption key as a durable background job: batches in their own
transactions, progress in the job's row, the old key usable until the run is done, a worker without
the new key waits instead of sealing with the old one, and `keys retire` only when nothing needs
the old key."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user
from tests.support.databases import migrate
from typer.testing import CliRunner

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import verify_chain
from trustdesk.cli.main import build_app
from trustdesk.config import get_settings
from trustdesk.jobs import Worker
from trustdesk.runtime import default_handlers
from trustdesk.secretbox import SecretBox
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent, Job, WebhookEndpoint
from trustdesk.store.resealing import (
    RESEAL_JOB,
    encryption_key_id,
    latest_progress,
    start_reseal,
    unreadable_with_newest,
)

runner = CliRunner()
HOOKS = 23  # with batches of 5: five batches, the last one short


@pytest.fixture
def desk(sqlite_url, tmp_path, monkeypatch, request):  # type: ignore[no-untyped-def]
    data = tmp_path / "var"
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(data))
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("TRUSTDESK_ENCRYPTION_KEY", raising=False)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    key = get_settings().encryption_key or ""
    engine = make_engine(sqlite_url)
    migrate(engine)
    box = SecretBox(key)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme")
        user = make_user(s, tenant, "agent@acme.test", Role.AGENT)
        user.totp_secret_encrypted = box.seal("JBSWY3DPEHPK3PXP")
        for n in range(HOOKS):
            s.add(
                WebhookEndpoint(
                    tenant_id=tenant.id, url=f"https://h.example/{n}", secret_encrypted=box.seal(f"s{n}")
                )
            )
        s.commit()
    yield engine, data / "encryption_key", key
    engine.dispose()


def _secrets(engine, box: SecretBox) -> list[str]:  # type: ignore[no-untyped-def]
    with make_session_factory(engine)() as s:
        rows = s.scalars(select(WebhookEndpoint.secret_encrypted).order_by(WebhookEndpoint.id))
        return [box.open(token) for token in rows]


def _worker(engine, box: SecretBox) -> Worker:  # type: ignore[no-untyped-def]
    return Worker(make_session_factory(engine), default_handlers(), services={"box": box}, backoff_base=0.01)


def test_a_background_rotation_reseals_in_batches_and_keeps_the_old_key_until_retired(desk) -> None:  # type: ignore[no-untyped-def]
    engine, key_file, old = desk
    done = runner.invoke(build_app("keys"), ["keys", "rotate", "--background", "--json"])
    assert done.exit_code == 0, done.output
    started = json.loads(done.output)["background"]
    get_settings.cache_clear()  # each command is a new process: it reads the key file again
    assert started["total"] == HOOKS + 1
    keys = key_file.read_text().strip().split(",")
    assert len(keys) == 2 and keys[1] == old
    both = SecretBox(",".join(keys))
    sessions = make_session_factory(engine)
    with sessions() as s:  # smaller batches, so the run takes several
        job = s.get(Job, started["job"])
        job.payload = {**job.payload, "batch_size": 5}
        s.commit()

    # Before the run, retiring the old key is refused: nothing is lost.
    refused = runner.invoke(build_app("keys"), ["keys", "retire"])
    assert refused.exit_code == 1 and "still pending" in refused.output
    assert _secrets(engine, SecretBox(old))[0] == "s0"

    worker = _worker(engine, both)
    while worker.run_once():
        pass
    progress = runner.invoke(build_app("keys"), ["keys", "status", "--json"])
    status = json.loads(progress.output)
    assert status["encryption_keys"] == [encryption_key_id(k) for k in keys]
    assert status["reseal"]["status"] == "done" and status["reseal"]["done"] == HOOKS + 1
    assert status["reseal"]["resealed"] == {
        "users.totp_secret_encrypted": 1,
        "webhook_endpoints.secret_encrypted": HOOKS,
    }
    assert _secrets(engine, SecretBox(keys[0])) == [f"s{n}" for n in range(HOOKS)]

    with sessions() as s:
        finished = s.scalars(select(AuditEvent).where(AuditEvent.action == "keys.encryption_resealed")).all()
        assert len(finished) == 1 and finished[0].details["done"] == HOOKS + 1
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "keys.reseal_started")) is not None
        assert verify_chain(s).intact

    retired = runner.invoke(build_app("keys"), ["keys", "retire", "--json"])
    assert retired.exit_code == 0, retired.output
    assert key_file.read_text().strip() == keys[0]


def test_progress_survives_each_batch_and_the_old_key_opens_what_is_left(desk) -> None:  # type: ignore[no-untyped-def]
    engine, _, old = desk
    new = Fernet.generate_key().decode()
    both = SecretBox(f"{new},{old}")
    sessions = make_session_factory(engine)
    with sessions() as s:
        job = start_reseal(s, both, actor="test", batch_size=5)
        s.commit()
        job_id = job.id
    from trustdesk.store.resealing import reseal_batch

    # One batch by hand, as a worker that dies right after the commit would leave it.
    with sessions() as s:
        payload = dict(s.get(Job, job_id).payload)
        assert not reseal_batch(s, both, payload)
        s.get(Job, job_id).payload = payload
        s.commit()
    with sessions() as s:
        progress = latest_progress(s)
        assert progress is not None and progress.done == 1  # the one TOTP seed, then the next column
        left = unreadable_with_newest(s, both)
        assert left["webhook_endpoints.secret_encrypted"] == HOOKS
    assert _secrets(engine, both) == [f"s{n}" for n in range(HOOKS)]  # half-way, everything opens

    _worker_run = _worker(engine, both)
    while _worker_run.run_once():
        pass
    with sessions() as s:
        assert sum(unreadable_with_newest(s, both).values()) == 0
        assert latest_progress(s).done == HOOKS + 1  # type: ignore[union-attr]


def test_a_worker_without_the_new_key_waits_instead_of_sealing_with_the_old_one(desk) -> None:  # type: ignore[no-untyped-def]
    engine, _, old = desk
    new = Fernet.generate_key().decode()
    sessions = make_session_factory(engine)
    with sessions() as s:
        start_reseal(s, SecretBox(f"{new},{old}"), actor="test")
        s.commit()
    stale = _worker(engine, SecretBox(old))  # started before the key file changed
    assert stale.run_once() == 1
    with sessions() as s:
        job = s.scalar(select(Job).where(Job.kind == RESEAL_JOB))
        assert job.status == "pending" and "restart" in (job.last_error or "")
        assert latest_progress(s).done == 0  # type: ignore[union-attr]
    assert _secrets(engine, SecretBox(old))[0] == "s0"
