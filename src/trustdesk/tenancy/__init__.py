"""Tenants: one retailer each, and the rules for their identifiers."""
