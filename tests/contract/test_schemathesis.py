"""Schemathesis against the served desk: every operation, every check, as an anonymous visitor, a customer,
an agent and an admin, then the stateful phase along the links the document declares. It must find nothing.

Seeded and bounded in examples so the four runs together stay under three minutes (about 100 s here), with
one worker: with two, CPython 3.11's ast module (used by the client in its threads) now and then fails with
"AST constructor recursion depth mismatch". The coverage phase (boundary and invalid values for every input)
runs as the anonymous visitor and as the admin, who may call every staff operation: past the sign-in its cases
do not depend on who sends them. Fuzzing and the stateful phase run as everyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.engine import Status, events
from tests.contract.conftest import Identity, ServedDesk

SEED = 20261124
MAX_EXAMPLES = 4
STATEFUL_STEPS = 6
STATEFUL_SEQUENCES = 25
COVERAGE_AS = ("anonymous", "admin")
IDENTITIES = {
    "anonymous": None,
    "customer": ("acme", "grace.garcia19@example.net"),
    "agent": ("northwind", "agent@northwindhome.co.uk"),
    "admin": ("acme", "admin@acmeoutfitters.com"),
}
# Operations that refuse, with 422 and a code naming the rule, input no JSON Schema can describe: a value
# that must parse as a phone number or domain of its kind, a host that must be public, a password that
# must be strong, a pattern RE2 must accept, text that must not ask for (or hold) a secret, a report the
# analysis finds nothing in, a role change for a customer's account (not_staff), a default language that is
# not among the offered ones (invalid_languages) or a conversation's language the retailer does not offer
# (language_not_offered), a mailbox address that must be one of the retailer's
# official e-mail addresses, an SLA policy's time zone, hours and dates. Their documents say so. Every other operation accepts schema-valid input (or
# answers 401, 403, 404, 409 or 429, which the check allows).
SEMANTIC_422 = [
    "request_change",
    "confirm_indicator",
    "open_agent_contact",
    "create_staff",
    "set_role",
    "webhook_create",
    "write_policy",
    "agent_send",
    "canned_create",
    "canned_update",  # a language the retailer does not offer; a text that asks for a secret
    "api_add_example",
    "api_create_article",
    "api_update_article",
    "public_report_api",
    "privacy_search",  # the value must parse as the e-mail address or phone number it is searched as
    "privacy_erase",  # `confirm` must repeat the address
    "write_languages",
    "mailbox_add",
    "write_sla_policy",  # a time zone zoneinfo knows, hours that do not overlap, a real date, an agent of ours
    "set_conversation_labels",  # a tag needs a letter or digit
    "agent_set_language",  # a supported language the retailer does not offer (language_not_offered)
    "customer_set_language",
    "read_attainment",  # since must not be after until
    "queue",  # a search: q must hold a word, since must come before until
]
# Signing out ends the session every other operation is tested with: it runs last, on its own.
SIGN_OUT = "logout"


@dataclass
class Outcome:
    found: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)
    links: int = 0


def _config(
    desk: ServedDesk, identity: Identity, operations: dict[str, Any], *, coverage: bool, stateful: bool
):  # type: ignore[no-untyped-def]
    project: dict[str, Any] = {
        "seed": SEED,
        "base-url": desk.url,
        "color": False,
        "cache": {"enabled": False},
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        "checks": {"enabled": True},
        "phases": {
            "coverage": {"enabled": coverage},
            "stateful": {
                "enabled": stateful,
                "max-steps": STATEFUL_STEPS,
                "generation": {"max-examples": STATEFUL_SEQUENCES},
                # Only the links the document declares: no guessing from parameter names.
                "inference": {"algorithms": []},
            },
        },
        "operations": [
            {
                "include-operation-id": SEMANTIC_422,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
                    }
                },
            },
            operations,
        ],
    }
    if identity.cookie:
        project["auth"] = {
            "openapi": {"session": {"api_key": identity.cookie}, "csrf": {"api_key": identity.csrf}}
        }
    return schemathesis.Config.from_dict(project)


def _run(
    desk: ServedDesk, identity: Identity, operations: dict[str, Any], *, coverage: bool, stateful: bool
) -> Outcome:
    config = _config(desk, identity, operations, coverage=coverage, stateful=stateful)
    schema = schemathesis.openapi.from_url(desk.url + "/api/v1/openapi.json", config=config)
    outcome = Outcome()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            if event.recorder.cases and event.recorder.label != "Stateful tests":
                outcome.operations.add(event.recorder.label)
            if event.status in (Status.FAILURE, Status.ERROR):
                for checks in event.recorder.checks.values():
                    for check in checks:
                        if check.failure_info is not None:
                            failure = check.failure_info.failure
                            outcome.found.append(
                                f"{identity.name} {failure.operation}: {failure.title}\n{failure.message}\n"
                                f"{check.failure_info.code_sample}"
                            )
        elif isinstance(event, events.PhaseStarted) and event.payload is not None:
            outcome.links = max(outcome.links, event.payload.transitions_selected)
        elif isinstance(event, events.NonFatalError):
            outcome.found.append(f"{identity.name} error in {event.label}: {event.info}")
        elif isinstance(event, events.FatalError):
            outcome.found.append(f"{identity.name} fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            outcome.found += [
                f"{identity.name} after the run: {f.title}: {f.message}" for f in event.failures
            ]
    return outcome


def operations(desk: ServedDesk) -> set[str]:
    spec = httpx.get(desk.url + "/api/v1/openapi.json").json()
    return {f"{m.upper()} {p}" for p, ops in spec["paths"].items() for m in ops}


@pytest.fixture(scope="module")
def identities(served_desk: ServedDesk) -> dict[str, Identity]:
    """Everyone signs in before any run: the runs try sign-in often enough to meet its rate limit."""
    return {
        who: Identity(who) if account is None else served_desk.sign_in(who, *account)
        for who, account in IDENTITIES.items()
    }


@pytest.mark.parametrize("who", list(IDENTITIES))
def test_the_api_keeps_its_contract(
    served_desk: ServedDesk, identities: dict[str, Identity], who: str
) -> None:
    identity = identities[who]
    coverage = who in COVERAGE_AS
    main = _run(
        served_desk,
        identity,
        {"include-operation-id": SIGN_OUT, "enabled": False},
        coverage=coverage,
        stateful=True,
    )
    sign_out = _run(
        served_desk,
        identity,
        {"exclude-operation-id": SIGN_OUT, "enabled": False},
        coverage=coverage,
        stateful=False,
    )
    found = main.found + sign_out.found
    assert not found, f"{len(found)} findings:\n\n" + "\n\n".join(found[:15])
    everything = main.operations | sign_out.operations
    assert len(everything) == len(operations(served_desk)), "every operation was exercised"
    assert main.links >= 30, "the stateful phase followed the declared links"
