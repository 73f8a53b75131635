"""Public verification: API, page, confirmed-fraud feedback, bad input, rate limits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.channels.conftest import seed_registry

from trustdesk.channels.changes import ChannelInput


def _seed(sessions) -> None:  # type: ignore[no-untyped-def]
    seed_registry(
        sessions,
        [
            ChannelInput("domain", "acmeoutfitters.com", purpose="website"),
            ChannelInput("email", "support@acmeoutfitters.com", purpose="support"),
            ChannelInput("phone", "+1 800 555 0199", purpose="support", country="US"),
            ChannelInput("social", "@acmeoutfitters", platform="instagram"),
        ],
    )


def test_text_with_several_contacts(app, sessions, shop) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    text = "Your parcel is held. Call +1 800 555 0198 or log in at hxxps://acmeoutfiters[.]com/login. Questions: support@acmeoutfitters.com"
    r = TestClient(app).post("/api/v1/verify", json={"text": text})
    assert r.status_code == 200
    results = {x["contact"]: x for x in r.json()["results"]}
    assert results["+18005550198"]["verdict"] == "lookalike"
    assert results["+18005550198"]["imitates"]["value"] == "+18005550199"
    looked = [x for x in r.json()["results"] if x["kind"] in ("url", "domain")][0]
    assert looked["verdict"] == "lookalike" and looked["imitates"]["tenant"] == "acme"
    assert "Acme Outfitters" in looked["explanation"]
    assert results["support@acmeoutfitters.com"]["verdict"] == "official"


def test_confirmed_fraud_is_reported_at_once(app, sessions, shop, signed_in) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    public = TestClient(app)
    before = public.post("/api/v1/verify", json={"contact": "acme-refunds-desk.net"}).json()["results"][0][
        "verdict"
    ]
    assert before in ("unknown", "lookalike")
    sec = signed_in("sec@acme.test")
    confirmed = sec.client.post(
        "/api/v1/indicators",
        json={"kind": "domain", "value": "acme-refunds-desk.net", "note": "campaign #1"},
        headers=sec.headers(),
    )
    assert confirmed.status_code == 201, confirmed.text
    after = public.post("/api/v1/verify", json={"contact": "https://www.acme-refunds-desk.net/claim"}).json()[
        "results"
    ][0]
    assert after["verdict"] == "reported"
    assert "report" in after["explanation"].lower()
    sec.client.delete(f"/api/v1/indicators/{confirmed.json()['id']}", headers=sec.headers())
    assert (
        public.post("/api/v1/verify", json={"contact": "acme-refunds-desk.net"}).json()["results"][0][
            "verdict"
        ]
        == before
    )


def test_bad_input_gets_clear_answers(app, sessions, shop) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    c = TestClient(app)
    assert c.post("/api/v1/verify", json={"contact": "a", "text": "b"}).status_code == 422
    assert c.post("/api/v1/verify", json={}).status_code == 422
    assert c.post("/api/v1/verify", json={"text": "x" * 20_001}).status_code == 422
    assert c.post("/api/v1/verify", json={"contact": "x", "tenant": "nope"}).status_code == 404
    for garbage in (
        "xn--zz-invalid-punycode.com",
        "\u0000\u202e",
        "1-800-FLOWERS-NOW!!",
        "http://user:pw@acmeoutfitters.com:8443/x",
        "@@@@",
    ):
        r = c.post("/api/v1/verify", json={"contact": garbage})
        assert r.status_code == 200, garbage
        assert all(
            x["verdict"] in ("unknown", "lookalike", "reported", "official") for x in r.json()["results"]
        )
    creds = c.post("/api/v1/verify", json={"contact": "http://user:pw@acmeoutfitters.com:8443/x"}).json()[
        "results"
    ][0]
    assert "pw" not in creds["contact"]


def test_rate_limited_per_client(app, shop) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    codes = [c.post("/api/v1/verify", json={"contact": "example.org"}).status_code for _ in range(65)]
    assert codes.count(429) >= 1 and codes[0] == 200


def test_verify_page(app, sessions, shop) -> None:  # type: ignore[no-untyped-def]
    _seed(sessions)
    c = TestClient(app)
    assert "Is this really Acme Outfitters?" in c.get("/t/acme/verify").text
    page = c.post("/t/acme/verify", data={"text": "Call +1 800 555 0199"})
    assert page.status_code == 200 and "Official" in page.text and "support number" in page.text
    fake = c.post("/verify", data={"text": "acmeoutfitters-support.com"})
    assert "Look-alike" in fake.text and "Do not reply" in fake.text
    empty = c.post("/verify", data={"text": "   "})
    assert empty.status_code == 422
