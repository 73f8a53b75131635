"""The support bot: intents, classifier, conversation flows, knowledge base and escalation.

Public names are re-exported here lazily, so `from trustdesk.bot import Intent` does not pay
for importing NumPy; the classifier loads on first use of a name that needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "Intent": "intents",
    "INTENT_MEANINGS": "intents",
    "parse_intent": "intents",
    "Example": "examples",
    "ExampleFileError": "examples",
    "load_examples": "examples",
    "merge_examples": "examples",
    "shipped_examples": "examples",
    "IntentModel": "classifier",
    "ModelFileError": "classifier",
    "OperatingPoint": "classifier",
    "Prediction": "classifier",
    "TrainingError": "classifier",
    "train": "classifier",
    "ModelHolder": "registry",
    "default_model": "registry",
    "load_or_train": "registry",
    "EvalReport": "evaluation",
    "evaluate": "evaluation",
    "Article": "knowledge",
    "KnowledgeBase": "knowledge",
    "BotContext": "context",
    "ContactCheck": "context",
    "Customer": "context",
    "KnowledgeHit": "context",
    "Order": "context",
    "RetailerData": "context",
    "TenantProfile": "context",
    "Verdict": "context",
    "BotEvent": "state",
    "BotTurn": "state",
    "ConversationState": "state",
    "Handoff": "state",
    "HandoffReason": "state",
    "BotEngine": "engine",
}

__all__ = [
    "Article",
    "BotContext",
    "BotEngine",
    "BotEvent",
    "BotTurn",
    "ContactCheck",
    "ConversationState",
    "Customer",
    "EvalReport",
    "Example",
    "ExampleFileError",
    "Handoff",
    "HandoffReason",
    "INTENT_MEANINGS",
    "Intent",
    "IntentModel",
    "KnowledgeBase",
    "KnowledgeHit",
    "ModelFileError",
    "ModelHolder",
    "OperatingPoint",
    "Order",
    "Prediction",
    "RetailerData",
    "TenantProfile",
    "TrainingError",
    "Verdict",
    "default_model",
    "evaluate",
    "load_examples",
    "load_or_train",
    "merge_examples",
    "parse_intent",
    "shipped_examples",
    "train",
]

if TYPE_CHECKING:
    from trustdesk.bot.classifier import (
        IntentModel,
        ModelFileError,
        OperatingPoint,
        Prediction,
        TrainingError,
        train,
    )
    from trustdesk.bot.context import (
        BotContext,
        ContactCheck,
        Customer,
        KnowledgeHit,
        Order,
        RetailerData,
        TenantProfile,
        Verdict,
    )
    from trustdesk.bot.engine import BotEngine
    from trustdesk.bot.evaluation import EvalReport, evaluate
    from trustdesk.bot.examples import (
        Example,
        ExampleFileError,
        load_examples,
        merge_examples,
        shipped_examples,
    )
    from trustdesk.bot.intents import INTENT_MEANINGS, Intent, parse_intent
    from trustdesk.bot.knowledge import Article, KnowledgeBase
    from trustdesk.bot.registry import ModelHolder, default_model, load_or_train
    from trustdesk.bot.state import BotEvent, BotTurn, ConversationState, Handoff, HandoffReason


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'trustdesk.bot' has no attribute {name!r}")
    return getattr(importlib.import_module(f"trustdesk.bot.{module}"), name)
