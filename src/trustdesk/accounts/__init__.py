"""Accounts: password hashing, two-factor codes, roles and permissions, lockout rules."""
