"""`fast_init`: the faster constructor of the frozen value types behaves like the generated one."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from trustdesk.verify import ChannelKind, ExtractedContact, Reason, Verdict, VerificationResult
from trustdesk.verify.frozen import fast_init


@dataclasses.dataclass(frozen=True, slots=True)
class _Generated:
    a: str
    b: int = 3
    c: dict[str, int] = dataclasses.field(default_factory=dict)


@fast_init
@dataclasses.dataclass(frozen=True, slots=True)
class _Fast:
    a: str
    b: int = 3
    c: dict[str, int] = dataclasses.field(default_factory=dict)


def test_same_values_defaults_and_factories() -> None:
    for args, kwargs in (((("x",)), {}), (("x", 5), {}), (("x",), {"c": {"k": 1}}), ((), {"a": "y", "b": 0})):
        generated, fast = _Generated(*args, **kwargs), _Fast(*args, **kwargs)
        assert (fast.a, fast.b, fast.c) == (generated.a, generated.b, generated.c)
    assert _Fast("x").c is not _Fast("x").c  # a fresh dict each time, as default_factory promises
    assert list(inspect.signature(_Fast).parameters) == ["a", "b", "c"]
    with pytest.raises(TypeError):
        _Fast()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Fast("x", 1, {}, 4)  # type: ignore[call-arg]


def test_still_frozen_equal_and_hashable() -> None:
    reason = Reason("official", "an official domain channel")
    with pytest.raises(dataclasses.FrozenInstanceError):
        reason.code = "other"  # type: ignore[misc]
    assert reason == Reason(code="official", detail="an official domain channel")
    assert len({reason, Reason("official", "an official domain channel")}) == 1
    assert repr(reason) == "Reason(code='official', detail='an official domain channel')"
    contact = ExtractedContact(ChannelKind.DOMAIN, "Acme.com", "acme.com", 0, 8)
    assert contact.display_name is None and contact.defanged is False and contact.problem is None
    result = VerificationResult(contact=contact, verdict=Verdict.UNKNOWN, reasons=(reason,), explanation="x")
    assert result.extra == {} and result.official is None and result.imitates is None
    assert dataclasses.replace(result, explanation="y").explanation == "y"
    assert dataclasses.asdict(reason) == {
        "code": "official",
        "detail": "an official domain channel",
        "message": "",
        "params": (),
    }


def test_refuses_what_it_cannot_copy() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class WithPostInit:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        a: int

    for cls in (WithPostInit, NotFrozen):
        with pytest.raises(TypeError):
            fast_init(cls)
