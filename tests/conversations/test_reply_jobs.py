"""The pipeline knows the job that sends an e-mail answer only by the name the composition root gives it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.conversations.conftest import Desk, agent_author

from trustdesk.conversations import Channel, CustomerRef, post_message, start_conversation
from trustdesk.conversations import Desk as PipelineDesk
from trustdesk.conversations.pipeline import ChannelNotWired
from trustdesk.runtime import build_desk
from trustdesk.store.models import Job, Message


def _mail_conversation(pipeline: PipelineDesk, tenant_id: int) -> str:
    started = start_conversation(
        pipeline,
        tenant_id,
        CustomerRef(name="Pat", email="pat@example.test"),
        channel=Channel.EMAIL,
        first_message="Where is my parcel?",
    )
    return started.conversation["id"]


def test_an_answer_in_a_mail_conversation_is_sent_by_the_job_the_root_registered(
    desk: Desk,
    settings_factory,
    database_url,  # type: ignore[no-untyped-def]
) -> None:
    settings = settings_factory(database_url, smtp_relay_max_attempts=3)
    wired = build_desk(desk.sessions, settings=settings)
    conv = _mail_conversation(wired, desk.tenant_id)
    post_message(wired, desk.tenant_id, conv, agent_author(desk), "It left our warehouse today.")
    with desk.sessions() as s:
        jobs = s.scalars(select(Job).where(Job.kind == "mail.send")).all()
        assert [(j.max_attempts, j.payload["seq"]) for j in jobs] == [(3, 2)]


def test_a_desk_without_the_mail_channel_refuses_the_answer_and_stores_nothing(desk: Desk) -> None:
    bare = PipelineDesk(desk.sessions)  # not built by trustdesk.runtime: no channel registered
    conv = _mail_conversation(bare, desk.tenant_id)  # the customer's own message needs no channel
    with pytest.raises(ChannelNotWired, match="email"):
        post_message(bare, desk.tenant_id, conv, agent_author(desk), "It left our warehouse today.")
    with desk.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 1
        assert s.scalar(select(func.count()).select_from(Job).where(Job.kind == "mail.send")) == 0
