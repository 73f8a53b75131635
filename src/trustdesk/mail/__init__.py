"""Mail: safe MIME parsing and inbound authentication (SPF, DKIM, DMARC) through a DNS resolver object.

Pure logic apart from DNS, which always goes through :class:`Resolver` so the servers are
configurable and tests run against a local DNS server.
"""

from trustdesk.mail.authenticate import AuthResults, authenticate, is_spoofing_own_domain
from trustdesk.mail.dkim_auth import (
    DEFAULT_SIGNED_HEADERS,
    DkimDnsRecord,
    DkimError,
    DkimKeyPair,
    DkimResult,
    DkimSignatureResult,
    dkim_dns_record,
    generate_dkim_keypair,
    public_key_b64,
    sign_message,
    verify_dkim,
)
from trustdesk.mail.dmarc import (
    DmarcOutcome,
    DmarcPolicy,
    DmarcRecord,
    DmarcResult,
    discover_dmarc,
    domains_aligned,
    evaluate_dmarc,
    organizational_domain,
    parse_dmarc_record,
)
from trustdesk.mail.dns_check import CheckStatus, DnsCheck, RecordCheck, check_dns_records
from trustdesk.mail.html_text import Link, html_links, html_to_text, text_links
from trustdesk.mail.limits import DEFAULT_LIMITS, MailLimits, MailParseError, MailTooLargeError
from trustdesk.mail.model import Address, Attachment, ParsedMail, ReceivedHop
from trustdesk.mail.parsing import parse_message
from trustdesk.mail.resolver import DnsAnswer, DnsStatus, Resolver
from trustdesk.mail.spf import SpfOutcome, SpfResult, check_spf, expand_macros, parse_spf_record

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_SIGNED_HEADERS",
    "Address",
    "Attachment",
    "AuthResults",
    "CheckStatus",
    "DkimDnsRecord",
    "DkimError",
    "DkimKeyPair",
    "DkimResult",
    "DkimSignatureResult",
    "DmarcOutcome",
    "DmarcPolicy",
    "DmarcRecord",
    "DmarcResult",
    "DnsAnswer",
    "DnsCheck",
    "DnsStatus",
    "Link",
    "MailLimits",
    "MailParseError",
    "MailTooLargeError",
    "ParsedMail",
    "ReceivedHop",
    "RecordCheck",
    "Resolver",
    "SpfOutcome",
    "SpfResult",
    "authenticate",
    "check_dns_records",
    "check_spf",
    "discover_dmarc",
    "dkim_dns_record",
    "domains_aligned",
    "evaluate_dmarc",
    "expand_macros",
    "generate_dkim_keypair",
    "html_links",
    "html_to_text",
    "is_spoofing_own_domain",
    "organizational_domain",
    "parse_dmarc_record",
    "parse_message",
    "parse_spf_record",
    "public_key_b64",
    "sign_message",
    "text_links",
    "verify_dkim",
]
