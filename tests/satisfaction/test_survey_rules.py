"""The survey's pure rules: the signed link (forged, another retailer's, expired) and the counting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustdesk.satisfaction.survey import (
    InvalidAnswer,
    LinkExpired,
    LinkInvalid,
    LinkKey,
    check_score,
    tally,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
CONV = "q2xL7cT0yHk9mRr1aBcDeFgH"


def test_a_genuine_link_opens_its_conversation() -> None:
    key = LinkKey.derive("deployment secret")
    token = key.sign("acme", CONV, NOW + timedelta(days=14))
    assert key.open("acme", token, now=NOW) == CONV


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the MAC changed
        lambda t: t.replace(t.split(".")[1], str(int(t.split(".")[1]) + 86400)),  # expiry extended
        lambda t: "x" + t,  # another conversation
        lambda t: t.split(".")[0],  # cut short
        lambda t: "",
    ],
)
def test_a_forged_or_damaged_link_is_refused(tamper) -> None:  # type: ignore[no-untyped-def]
    key = LinkKey.derive("deployment secret")
    token = key.sign("acme", CONV, NOW + timedelta(days=14))
    with pytest.raises(LinkInvalid):
        key.open("acme", tamper(token), now=NOW)


def test_another_retailers_or_deployments_link_is_refused() -> None:
    key = LinkKey.derive("deployment secret")
    token = key.sign("acme", CONV, NOW + timedelta(days=14))
    with pytest.raises(LinkInvalid):
        key.open("globex", token, now=NOW)
    with pytest.raises(LinkInvalid):
        LinkKey.derive("another deployment").open("acme", token, now=NOW)


def test_an_expired_link_says_so_only_when_genuine() -> None:
    key = LinkKey.derive("deployment secret")
    token = key.sign("acme", CONV, NOW - timedelta(seconds=1))
    with pytest.raises(LinkExpired):
        key.open("acme", token, now=NOW)
    with pytest.raises(LinkInvalid):
        key.open("globex", token, now=NOW)


@pytest.mark.parametrize("score", [0, 6, -1, "5", 4.0, True, None])
def test_scores_are_whole_numbers_from_one_to_five(score: object) -> None:
    with pytest.raises(InvalidAnswer):
        check_score(score)


def test_csat_is_the_share_of_four_and_five() -> None:
    result = tally("all", [5, 4, 3, 1, None, 5, None])
    assert (result.offered, result.answers, result.satisfied) == (7, 5, 3)
    assert result.csat_percent == 60.0
    assert result.average == 3.6
    assert result.response_rate == round(100 * 5 / 7, 1)
    assert result.distribution == (1, 0, 1, 1, 2)
    empty = tally("none", [None])
    assert empty.csat_percent is None and empty.average is None and empty.response_rate == 0.0
