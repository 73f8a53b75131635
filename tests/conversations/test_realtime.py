"""WebSockets: live delivery, reconnect catch-up by seq, idempotent sends, bad frames and floods."""

from __future__ import annotations

import json

import pytest
from starlette.websockets import WebSocketDisconnect
from tests.conversations.conftest import start_chat


def _path(conv_id: str) -> str:
    return f"/api/v1/public/acme/chat/conversations/{conv_id}/ws"


def _until(ws, kind: str, limit: int = 20) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(limit):
        frame = ws.receive_json()
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")


def _messages(ws, count: int) -> list[dict]:  # type: ignore[no-untyped-def]
    got = []
    while len(got) < count:
        frame = ws.receive_json()
        if frame["type"] == "message":
            got.append(frame["message"])
    return got


def test_customer_and_agent_talk_live_and_reconnect_catches_up(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer, message="first")
    conv_id, token = started["conversation"]["id"], started["access_token"]
    sam = desk.agent
    with sam.client.websocket_connect("/api/v1/agent/ws") as agent_ws:
        assert agent_ws.receive_json()["type"] == "ready"
        agent_ws.send_json({"type": "subscribe", "conversation_id": conv_id, "last_seq": 0})
        assert _until(agent_ws, "subscribed")["last_seq"] == 0
        assert [m["body"] for m in _messages(agent_ws, 1)] == ["first"]

        with customer.websocket_connect(_path(conv_id)) as cws:
            cws.send_json({"type": "hello", "token": token, "last_seq": 1})
            assert cws.receive_json()["type"] == "ready"
            cws.send_json({"type": "send", "client_msg_id": "c-2", "body": "second"})
            assert _messages(cws, 1)[0]["seq"] == 2
            ack = _until(cws, "ack")
            assert ack["seq"] == 2 and ack["duplicate"] is False
            assert _messages(agent_ws, 1)[0]["body"] == "second"
            # A retry of the same send (e.g. after a lost ack) is acknowledged, not stored again.
            cws.send_json({"type": "send", "client_msg_id": "c-2", "body": "second"})
            again = _until(cws, "ack")
            assert again["seq"] == 2 and again["duplicate"] is True

        # While the customer is away the agent answers twice and writes a note.
        for i, body in enumerate(["answer one", "answer two"]):
            agent_ws.send_json(
                {"type": "send", "conversation_id": conv_id, "client_msg_id": f"a-{i}", "body": body}
            )
            _until(agent_ws, "ack")
        agent_ws.send_json(
            {
                "type": "send",
                "conversation_id": conv_id,
                "client_msg_id": "n-1",
                "body": "note",
                "internal": True,
            }
        )
        _until(agent_ws, "ack")

    with customer.websocket_connect(_path(conv_id)) as cws:
        cws.send_json({"type": "hello", "token": token, "last_seq": 2})
        assert cws.receive_json()["type"] == "ready"
        missed = _messages(cws, 2)
        assert [m["body"] for m in missed] == ["answer one", "answer two"]
        assert [m["seq"] for m in missed] == [3, 4]
        cws.send_json({"type": "ping"})
        assert cws.receive_json()["type"] == "pong"  # nothing else queued: the note was not sent


def test_bad_frames_get_error_frames_and_the_socket_survives(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer, message=None)
    with customer.websocket_connect(_path(started["conversation"]["id"])) as cws:
        cws.send_json({"type": "hello", "token": started["access_token"], "last_seq": 0})
        assert cws.receive_json()["type"] == "ready"
        cws.send_text("{not json")
        assert cws.receive_json()["code"] == "invalid_json"
        cws.send_bytes(b"\x00\x01")
        assert cws.receive_json()["code"] == "text_frames_only"
        cws.send_json(["a", "list"])
        assert cws.receive_json()["code"] == "invalid_frame"
        cws.send_json({"type": "explode"})
        assert cws.receive_json()["code"] == "unknown_type"
        cws.send_text(json.dumps({"type": "send", "body": "x" * 70_000}))
        assert cws.receive_json()["code"] == "frame_too_large"
        cws.send_json({"type": "send", "client_msg_id": "big", "body": "y" * 6000})
        error = _until(cws, "error")
        assert error["code"] == "message_too_long" and error["client_msg_id"] == "big"
        cws.send_json({"type": "send", "client_msg_id": "ok-1", "body": "still here"})
        assert _until(cws, "ack")["seq"] == 1


def test_a_last_seq_beyond_the_store_is_an_invalid_frame(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer)
    conv_id = started["conversation"]["id"]
    with customer.websocket_connect(_path(conv_id)) as cws:
        cws.send_json({"type": "hello", "token": started["access_token"], "last_seq": 2**63})
        assert cws.receive_json()["code"] == "invalid_frame"
        with pytest.raises(WebSocketDisconnect) as closed:
            cws.receive_json()
        assert closed.value.code == 4400
    with desk.agent.client.websocket_connect("/api/v1/agent/ws") as agent_ws:
        agent_ws.receive_json()
        for bad in (2**63, 2**31, True, -1):
            agent_ws.send_json({"type": "subscribe", "conversation_id": conv_id, "last_seq": bad})
            assert _until(agent_ws, "error")["code"] == "invalid_frame"
        agent_ws.send_json({"type": "subscribe", "conversation_id": conv_id, "last_seq": 0})
        assert _until(agent_ws, "subscribed")["last_seq"] == 0
        assert _messages(agent_ws, 1)[0]["body"] == "Hello, where is my order?"


def test_too_many_bad_frames_close_the_socket(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer, message=None)
    with customer.websocket_connect(_path(started["conversation"]["id"])) as cws:
        cws.send_json({"type": "hello", "token": started["access_token"], "last_seq": 0})
        cws.receive_json()
        for _ in range(21):
            cws.send_text("junk")
        codes = []
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                codes.append(cws.receive_json()["code"])
        assert codes[-1] == "too_many_bad_frames" and closed.value.code == 1008


def test_flood_on_a_socket_is_rate_limited_and_accepted_messages_are_kept(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer, message=None)
    conv_id = started["conversation"]["id"]
    with customer.websocket_connect(_path(conv_id)) as cws:
        cws.send_json({"type": "hello", "token": started["access_token"], "last_seq": 0})
        cws.receive_json()
        for i in range(25):
            cws.send_json({"type": "send", "client_msg_id": f"f-{i}", "body": f"flood {i}"})
        acks, limited = 0, 0
        while acks + limited < 25:
            frame = cws.receive_json()
            if frame["type"] == "ack":
                acks += 1
            elif frame["type"] == "error":
                assert frame["code"] == "rate_limited" and frame["retry_after"] >= 1
                limited += 1
    assert (acks, limited) == (20, 5)
    history = customer.get(
        f"/api/v1/public/acme/chat/conversations/{conv_id}",
        headers={"Authorization": f"Bearer {started['access_token']}"},
    ).json()
    assert len(history["messages"]) == 20


def test_sockets_refuse_the_wrong_people(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer, message=None)
    with customer.websocket_connect(_path(started["conversation"]["id"])) as cws:
        cws.send_json({"type": "hello", "token": "wrong", "last_seq": 0})
        assert cws.receive_json()["code"] == "not_found"
        with pytest.raises(WebSocketDisconnect) as closed:
            cws.receive_json()
        assert closed.value.code == 4404
    with customer.websocket_connect(_path(started["conversation"]["id"])) as cws:
        cws.send_json({"type": "send", "body": "no hello"})
        assert cws.receive_json()["code"] == "hello_required"
    with customer.websocket_connect("/api/v1/agent/ws") as anonymous:
        assert anonymous.receive_json()["code"] == "unauthenticated"
    sam = desk.agent.client
    with sam.websocket_connect("/api/v1/agent/ws", headers={"Origin": "https://evil.example"}) as hijack:
        assert hijack.receive_json()["code"] == "forbidden_origin"
    with sam.websocket_connect("/api/v1/agent/ws") as agent_ws:
        agent_ws.receive_json()
        agent_ws.send_json({"type": "subscribe", "conversation_id": "other-tenant-or-nothing", "last_seq": 0})
        assert agent_ws.receive_json()["code"] == "not_found"


def test_agent_queue_updates_live(desk) -> None:  # type: ignore[no-untyped-def]
    sam = desk.agent
    with sam.client.websocket_connect("/api/v1/agent/ws") as agent_ws:
        agent_ws.receive_json()
        started = start_chat(desk.customer(), message="I need help")
        update = _until(agent_ws, "conversation")
        assert update["conversation"]["id"] == started["conversation"]["id"]
        assert update["conversation"]["status"] == "new"
        desk.other_agent.client.post(
            f"/api/v1/conversations/{started['conversation']['id']}/claim", headers=desk.other_agent.headers()
        )
        for _ in range(5):
            update = _until(agent_ws, "conversation")
            if update["conversation"]["assignee"]:
                break
        assert update["conversation"]["assignee"]["id"] == desk.other_agent.user_id
