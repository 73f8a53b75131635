"""The demo retailer's official channels (Acme Outfitters), for demos, tests and benchmarks.

All numbers are in ranges reserved for fiction/drama (US 555-01xx, UK 020 7946 0xxx).
"""

from __future__ import annotations

from trustdesk.verify.channels import make_channel
from trustdesk.verify.model import ChannelKind, OfficialChannel

DEMO_TENANT = "acme"
DEMO_TENANT_NAME = "Acme Outfitters"


def demo_channels(tenant: str = DEMO_TENANT, name: str = DEMO_TENANT_NAME) -> list[OfficialChannel]:
    """A realistic registry: several domains, support addresses, phones in two countries, handles, apps."""
    rows: list[tuple[ChannelKind, str, dict[str, str]]] = [
        (ChannelKind.DOMAIN, "acmeoutfitters.com", {"purpose": "website"}),
        (ChannelKind.DOMAIN, "acme-outfitters.co.uk", {"purpose": "website", "country": "GB"}),
        (ChannelKind.DOMAIN, "acmeoutfitters.help", {"purpose": "help centre"}),
        (ChannelKind.SENDING_DOMAIN, "mail.acmeoutfitters.com", {"purpose": "notifications"}),
        (ChannelKind.EMAIL, "support@acmeoutfitters.com", {"purpose": "support"}),
        (ChannelKind.EMAIL, "orders@acmeoutfitters.com", {"purpose": "orders"}),
        (ChannelKind.EMAIL, "help@acme-outfitters.co.uk", {"purpose": "support", "country": "GB"}),
        (ChannelKind.EMAIL, "report-phishing@acmeoutfitters.com", {"purpose": "report suspicious messages"}),
        (ChannelKind.PHONE, "+1 800 555 0199", {"purpose": "support", "country": "US"}),
        (ChannelKind.PHONE, "(212) 555-0143", {"purpose": "orders", "country": "US"}),
        (ChannelKind.PHONE, "020 7946 0321", {"purpose": "support", "country": "GB"}),
        (ChannelKind.URL, "https://acmeoutfitters.com/help/chat", {"purpose": "chat"}),
        (ChannelKind.SOCIAL, "@acmeoutfitters", {"platform": "x"}),
        (ChannelKind.SOCIAL, "@acme.outfitters", {"platform": "instagram"}),
        (ChannelKind.SOCIAL, "acmeoutfittersofficial", {"platform": "facebook"}),
        (ChannelKind.APP, "com.acmeoutfitters.shop", {"platform": "android"}),
        (ChannelKind.APP, "id6448012345", {"platform": "ios"}),
    ]
    return [make_channel(tenant, name, kind, value, **extra) for kind, value, extra in rows]
