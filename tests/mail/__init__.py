"""Tests of the mail package (parsing, SPF, DKIM, DMARC) against a real local DNS server."""
