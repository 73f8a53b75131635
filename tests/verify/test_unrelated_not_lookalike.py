"""Real-world domains, numbers, addresses and handles that have nothing to do with the
demo retailer must never be called `lookalike` (written by hand for these tests)."""

from __future__ import annotations

import pytest

from trustdesk.verify import Registry, Verdict

UNRELATED_DOMAINS = """
google.com youtube.com facebook.com instagram.com twitter.com x.com wikipedia.org amazon.com amazon.co.uk
ebay.com ebay.co.uk etsy.com walmart.com target.com bestbuy.com costco.com homedepot.com lowes.com
ikea.com zara.com hm.com uniqlo.com gap.com oldnavy.com nike.com adidas.com puma.com reebok.com
patagonia.com rei.com columbia.com thenorthface.com llbean.com landsend.com jcrew.com abercrombie.com
hollisterco.com urbanoutfitters.com anthropologie.com freepeople.com nordstrom.com macys.com kohls.com
jcpenney.com dillards.com saksfifthavenue.com neimanmarcus.com bloomingdales.com asos.com boohoo.com
next.co.uk marksandspencer.com johnlewis.com argos.co.uk currys.co.uk tesco.com sainsburys.co.uk
asda.com waitrose.com ocado.com boots.com superdrug.com selfridges.com harrods.com debenhams.com
apple.com microsoft.com github.com gitlab.com bitbucket.org stackoverflow.com python.org pypi.org
mozilla.org debian.org ubuntu.com kernel.org apache.org spamassassin.apache.org sourceforge.net
cloudflare.com akamai.com fastly.com netflix.com spotify.com hulu.com disneyplus.com bbc.co.uk
theguardian.com nytimes.com washingtonpost.com reuters.com apnews.com bloomberg.com ft.com economist.com
paypal.com stripe.com squareup.com visa.com mastercard.com americanexpress.com chase.com
bankofamerica.com wellsfargo.com citi.com hsbc.co.uk barclays.co.uk lloydsbank.com natwest.com
monzo.com revolut.com wise.com coinbase.com ups.com fedex.com usps.com dhl.com royalmail.com
dpd.co.uk hermesworld.com evri.com canadapost-postescanada.ca auspost.com.au gmail.com outlook.com
yahoo.com icloud.com proton.me zoho.com fastmail.com hey.com shopify.com bigcommerce.com
woocommerce.com squarespace.com wix.com wordpress.com medium.com substack.com reddit.com
linkedin.com pinterest.com tiktok.com snapchat.com whatsapp.com telegram.org signal.org discord.com
slack.com zoom.us dropbox.com box.com atlassian.com salesforce.com zendesk.com freshdesk.com
intercom.com hubspot.com mailchimp.com sendgrid.com twilio.com okta.com auth0.com duckduckgo.com
bing.com baidu.com yandex.ru naver.com rakuten.co.jp mercadolibre.com alibaba.com aliexpress.com
temu.com shein.com wayfair.com overstock.com chewy.com petco.com petsmart.com sephora.com ulta.com
acme.com outfitters.com theoutfitters.co.nz acmetools.com acmemarkets.com acmebrick.com
outdoorresearch.com backcountry.com moosejaw.com cabelas.com basspro.com sierra.com trekkinn.com
mountainwarehouse.com cotswoldoutdoor.com blacks.co.uk millets.co.uk gooutdoors.co.uk
decathlon.com decathlon.co.uk sportsdirect.com jdsports.co.uk footlocker.com zalando.de otto.de
lidl.de aldi.co.uk carrefour.fr fnac.com cdiscount.com leboncoin.fr bol.com coolblue.nl
allegro.pl mediamarkt.de saturn.de conrad.de elgiganten.se komplett.no jumia.com.ng takealot.com
flipkart.com myntra.com snapdeal.com jd.com taobao.com tmall.com coupang.com gmarket.co.kr
""".split()

UNRELATED_PHONES = [
    "+1 800 275 8777",
    "+1 800 642 7676",
    "+1 800 692 7753",
    "+1 202 456 1111",
    "+1 212 736 3100",
    "+1 800 555 1212",
    "+1 650 253 0000",
    "+1 206 266 1000",
    "+1 303 555 0182",
    "+44 20 7219 3000",
    "+44 20 7946 0999",
    "+44 161 496 0000",
    "+44 800 111 4000",
    "+33 1 42 92 81 00",
    "+49 30 227 0",
    "+61 2 9250 7111",
    "+81 3 3581 0101",
    "+1 416 555 0142",
    "(206) 555-0100",
    "312-555-0199",
]

UNRELATED_OTHER = [
    "support@github.com",
    "Jane Doe <jane.doe@gmail.com>",
    "orders@urbanoutfitters.com",
    "help@outfitters.com",
    "noreply@amazon.co.uk",
    "Customer Service <care@northface.com>",
    "@github",
    "@nasa",
    "instagram:@patagonia",
    "x:@outdoorresearch",
    "https://en.wikipedia.org/wiki/Acme_Corporation",
    "https://www.rei.com/help/contact",
    "https://github.com/python/cpython",
    "com.spotify.music",
]


def test_list_is_long_enough() -> None:
    assert len(set(UNRELATED_DOMAINS)) >= 150
    assert len(UNRELATED_PHONES) >= 20


@pytest.mark.parametrize("domain", sorted(set(UNRELATED_DOMAINS)))
def test_unrelated_domain_is_not_lookalike(demo_registry: Registry, domain: str) -> None:
    result = demo_registry.check(domain)
    assert result.verdict is Verdict.UNKNOWN, (domain, result.reasons)


@pytest.mark.parametrize("number", UNRELATED_PHONES)
def test_unrelated_number_is_not_lookalike(demo_registry: Registry, number: str) -> None:
    result = demo_registry.check(number)
    assert result.verdict is Verdict.UNKNOWN, (number, result.reasons)


@pytest.mark.parametrize("contact", UNRELATED_OTHER)
def test_unrelated_contact_is_not_lookalike(demo_registry: Registry, contact: str) -> None:
    result = demo_registry.check(contact)
    assert result.verdict is Verdict.UNKNOWN, (contact, result.reasons)
