"""The support bot: intents, classifier, conversation flows, knowledge base and escalation."""
