"""The official-channel registry as stored: four-eyes changes, the in-memory index, signing keys."""
