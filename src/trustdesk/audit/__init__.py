"""Tamper-evident audit log: every entry is chained to the one before it by a SHA-256 hash."""

from trustdesk.audit.chain import GENESIS_HASH, ChainBreak, entry_hash, find_breaks

__all__ = ["GENESIS_HASH", "ChainBreak", "entry_hash", "find_breaks"]
