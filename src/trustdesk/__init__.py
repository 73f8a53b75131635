"""Trustdesk: a customer-support desk built around the impersonation threat."""

__version__ = "0.1.0"
