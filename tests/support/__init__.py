"""Test helpers shared across areas (real local servers, not mocks)."""
