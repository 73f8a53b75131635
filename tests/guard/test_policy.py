"""Tenant policy: per-type actions, custom detectors compiled with RE2, JSON round trip."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.guard import CustomDetector, Policy, PolicyError, scan

GIFT_CARD = {
    "name": "GIFT_CARD",
    "pattern": r"GC-\d{4}-\d{4}-\d{4}",
    "label": "Acme gift card number",
    "show_last": 4,
}


def test_defaults_redact_secrets_and_keep_personal_data():
    policy = Policy()
    assert policy.action_for("PAYMENT_CARD") == "redact"
    assert policy.action_for("EMAIL") == "keep"
    assert policy.ask_action_for("ONE_TIME_CODE") == "block"


def test_json_round_trip():
    policy = Policy.from_dict(
        {"actions": {"EMAIL": "redact", "PHONE": "warn"}, "custom_detectors": [GIFT_CARD]}
    )
    again = Policy.from_json(policy.to_json())
    assert again == policy
    assert json.loads(policy.to_json())["actions"]["PHONE"] == "warn"


def test_warn_keeps_the_text_and_tells_the_customer():
    policy = Policy(actions={"ONE_TIME_CODE": "warn"})
    text = "my verification code is 482913"
    result = scan(text, policy=policy, brand="Acme")
    assert result.redacted == text
    assert [(f.type, f.action) for f in result.findings] == [("ONE_TIME_CODE", "warn")]
    assert result.customer_notice and "one-time code" in result.customer_notice


def test_keep_means_reported_but_untouched():
    policy = Policy(actions={"PAYMENT_CARD": "keep"})
    result = scan("4242 4242 4242 4242", policy=policy)
    assert result.redacted == "4242 4242 4242 4242"
    assert result.customer_notice is None


def test_custom_detector_finds_and_redacts_the_retailers_format():
    policy = Policy.from_dict({"custom_detectors": [GIFT_CARD]})
    result = scan("my gift card GC-1234-5678-9012 has no balance", policy=policy, brand="Acme")
    assert [(f.type, f.display) for f in result.findings] == [
        ("GIFT_CARD", "Acme gift card number ending 9012")
    ]
    assert result.redacted == "my gift card [removed: Acme gift card number ending 9012] has no balance"
    assert "an Acme gift card number" in (result.customer_notice or "")


def test_custom_detector_with_cue_and_luhn_checksum():
    detector = CustomDetector(name="LOYALTY", pattern=r"\d{10}", cues=("loyalty",), checksum="luhn")
    policy = Policy(custom_detectors=(detector,))
    assert [f.type for f in scan("loyalty number 1234567897", policy=policy).findings] == ["LOYALTY"]
    assert scan("loyalty number 1234567890", policy=policy).findings == ()  # fails Luhn
    assert scan("order 1234567897", policy=policy).findings == ()  # no cue


@pytest.mark.parametrize(
    "pattern,reason",
    [
        (r"(?=abc)abc", "RE2"),  # look-ahead
        (r"(a)\1", "RE2"),  # back-reference
        (r"a*", "empty"),
        ("x" * 501, "limit"),
        (r"[a-z]{1000}{1000}", "RE2"),
        (r"(?:\w{100}){9}", "instructions"),
    ],
)
def test_patterns_that_could_misbehave_are_refused(pattern, reason):
    with pytest.raises(PolicyError, match=reason):
        CustomDetector(name="BAD", pattern=pattern)


def test_a_classic_catastrophic_pattern_runs_in_linear_time():
    # (a+)+$ takes exponential time in a backtracking engine; RE2 is linear.
    policy = Policy(custom_detectors=(CustomDetector(name="EVIL", pattern=r"(a+)+b"),))
    start = time.perf_counter()
    scan("a" * 50_000 + "!", policy=policy)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "data,message",
    [
        ({"actions": {"PAYMENT_CARD": "block"}}, "not one of"),
        ({"actions": {"NOT_A_TYPE": "redact"}}, "unknown finding type"),
        ({"ask_actions": {"EMAIL": "block"}}, "not a type an agent can ask for"),
        ({"custom_detectors": [{"name": "gift", "pattern": "x"}]}, "must match"),
        ({"custom_detectors": [{"name": "PASSWORD", "pattern": "x"}]}, "built-in"),
        ({"custom_detectors": [GIFT_CARD, GIFT_CARD]}, "unique"),
        ({"custom_detectors": [{"name": "GC", "pattern": "x", "colour": "red"}]}, "unknown field"),
        ({"phone_region": "XX"}, "phone_region"),
        ({"surprise": 1}, "unknown field"),
        # Not a string: was a TypeError (a 500) from the pattern cache, which cannot hash a dict or list.
        ({"custom_detectors": [{"name": "GC", "pattern": {}}]}, "pattern must be"),
        ({"custom_detectors": [{"name": "GC", "pattern": ["x"]}]}, "pattern must be"),
        ({"phone_region": {}}, "phone_region"),
        ({"actions": {"PAYMENT_CARD": ["keep"]}}, "must map"),
        ({"custom_detectors": [{"name": "GC", "pattern": "x", "cues": [{}]}]}, "cues must be"),
        ({"custom_detectors": [{"name": "GC", "pattern": "x", "show_last": "4"}]}, "show_last"),
        ({"custom_detectors": [{"name": "GC", "pattern": "x", "label": 7}]}, "label must be"),
        ([], "JSON object"),
    ],
)
def test_invalid_policies_say_what_is_wrong(data, message):
    with pytest.raises(PolicyError, match=message):
        Policy.from_dict(data)  # type: ignore[arg-type]


def test_too_many_custom_detectors_are_refused():
    detectors = [{"name": f"D{i}", "pattern": f"X{i}Y"} for i in range(26)]
    with pytest.raises(PolicyError, match="at most 25"):
        Policy.from_dict({"custom_detectors": detectors})


def test_ask_action_warn_flags_but_does_not_block():
    policy = Policy(ask_actions={"ONE_TIME_CODE": "warn"})
    result = scan("Please send me the code we texted you.", "outbound", policy)
    assert not result.blocked
    assert [(f.type, f.action) for f in result.findings] == [("ONE_TIME_CODE", "warn")]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_FIELDS = {
    "actions": st.dictionaries(st.sampled_from(["PAYMENT_CARD", "PASSWORD", "X"]), _JSON, max_size=2),
    "ask_actions": st.dictionaries(st.sampled_from(["PASSWORD", "EMAIL"]), _JSON, max_size=2),
    "custom_detectors": st.lists(
        st.fixed_dictionaries(
            {"name": st.just("GC") | _JSON, "pattern": st.just("[0-9]{8}") | _JSON},
            optional={
                key: _JSON for key in ("label", "action", "checksum", "cues", "ignore_case", "show_last")
            },
        ),
        max_size=2,
    )
    | _JSON,
    "phone_region": st.just("DE") | _JSON,
}


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional=_FIELDS))
def test_any_json_gives_a_policy_or_a_policy_error(data):  # type: ignore[no-untyped-def]
    # The compiled (mypyc) classes check field types themselves; a wrong type must still come back as a
    # PolicyError (a 422 for the admin), never a bare TypeError (a 500).
    try:
        Policy.from_dict(data)
    except PolicyError:
        pass
