"""Domains that put a well-known brand's name beside the words of a lure: "mbank-blokada.net",
"seur-entrega-pendiente.info", "dhl-pakket-status.top".

Whoever registers such a domain can publish SPF, DKIM and DMARC for it, so its mail authenticates
perfectly; what gives it away is its name. `trustdesk.reports.lookalikes` catches disguised spellings
of a brand ("paypa1"); this module catches the brand's name written as it is, as one hyphen-separated
part of a domain whose other parts include a word of accounts, security, delivery, payment or prizes
in one of the guard's languages. A name alone ("dhl-express.com", "amazon-corp.com") or a brand's own
domain never counts: brands register such names themselves, and a lure word is what a brand's real
domains lack.

The brands are the carriers, banks, payment services, shops, telecoms and tax offices most named in
phishing aimed at customers in the guard's languages (public brand-phishing reports); the names and
main domains listed are public facts. In production the retailers registered on the desk are checked
through the registry as well (`lookalikes.registry_imitations`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from trustdesk.reports.domains import registrable_domain

# brand -> (the hyphen-separated domain parts that name it, its main official domains)
BRAND_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # Parcel carriers and national posts.
    "DHL": (("dhl",), ("dhl.com", "dhl.de")), "DPD": (("dpd",), ("dpd.com", "dpd.de", "dpd.fr")),
    "GLS": (("gls",), ("gls-group.eu", "gls-group.com")), "Hermes": (("hermes",), ("myhermes.de", "hermesworld.com")),
    "UPS": (("ups",), ("ups.com",)), "FedEx": (("fedex",), ("fedex.com",)), "USPS": (("usps",), ("usps.com",)),
    "Royal Mail": (("royalmail",), ("royalmail.com",)), "Deutsche Post": (("deutschepost",), ("deutschepost.de",)),
    "La Poste": (("laposte",), ("laposte.fr", "laposte.net")), "Colissimo": (("colissimo",), ("colissimo.fr",)),
    "Chronopost": (("chronopost",), ("chronopost.fr",)), "Correos": (("correos",), ("correos.es",)),
    "SEUR": (("seur",), ("seur.com",)), "MRW": (("mrw",), ("mrw.es",)),
    "Poste Italiane": (("posteitaliane", "poste"), ("poste.it", "posteitaliane.it")), "BRT": (("brt",), ("brt.it",)),
    "PostNL": (("postnl",), ("postnl.nl",)), "bpost": (("bpost",), ("bpost.be",)),
    "InPost": (("inpost",), ("inpost.pl",)), "Poczta Polska": (("pocztapolska", "poczta"), ("poczta-polska.pl",)),
    "CTT": (("ctt",), ("ctt.pt",)), "Correios": (("correios",), ("correios.com.br",)),
    # Banks and payment services.
    "PayPal": (("paypal",), ("paypal.com",)), "Klarna": (("klarna",), ("klarna.com",)),
    "Mastercard": (("mastercard",), ("mastercard.com",)), "American Express": (("amex", "americanexpress"), ("americanexpress.com",)),
    "mBank": (("mbank",), ("mbank.pl",)), "PKO Bank Polski": (("pko", "pkobp", "ipko"), ("pkobp.pl", "pko.pl")),
    "BLIK": (("blik",), ("blik.com",)), "ING": (("ing",), ("ing.com", "ing.de", "ing.nl", "ing.pl", "ing.es")),
    "Santander": (("santander",), ("santander.com",)), "BBVA": (("bbva",), ("bbva.com", "bbva.es")),
    "CaixaBank": (("caixabank", "lacaixa"), ("caixabank.es",)), "Sabadell": (("sabadell",), ("bancsabadell.com",)),
    "Intesa Sanpaolo": (("intesa", "intesasanpaolo"), ("intesasanpaolo.com",)),
    "UniCredit": (("unicredit",), ("unicredit.it", "unicreditgroup.eu")), "Poste Pay": (("postepay",), ("postepay.it",)),
    "ABN AMRO": (("abnamro",), ("abnamro.nl", "abnamro.com")), "Rabobank": (("rabobank", "rabo"), ("rabobank.nl", "rabobank.com")),
    "Sparkasse": (("sparkasse",), ("sparkasse.de",)), "Commerzbank": (("commerzbank",), ("commerzbank.de",)),
    "Deutsche Bank": (("deutschebank",), ("deutsche-bank.de", "db.com")), "N26": (("n26",), ("n26.com",)),
    "Crédit Agricole": (("creditagricole",), ("credit-agricole.fr",)), "BNP Paribas": (("bnp", "bnpparibas"), ("bnpparibas.com",)),
    "Société Générale": (("societegenerale",), ("societegenerale.fr",)), "Millennium": (("millennium", "millenniumbcp"), ("millenniumbcp.pt", "bankmillennium.pl")),
    "Caixa Geral de Depósitos": (("cgd",), ("cgd.pt",)), "Itaú": (("itau",), ("itau.com.br",)),
    "Bradesco": (("bradesco",), ("bradesco.com.br",)), "Nubank": (("nubank",), ("nubank.com.br",)),
    "Caixa": (("caixa",), ("caixa.gov.br",)), "Banco do Brasil": (("bancodobrasil",), ("bb.com.br",)),
    "Mercado Pago": (("mercadopago",), ("mercadopago.com", "mercadopago.com.br")), "Revolut": (("revolut",), ("revolut.com",)),
    # Shops, marketplaces and online services.
    "Amazon": (("amazon",), ("amazon.com", "amazon.de", "amazon.fr", "amazon.es", "amazon.it", "amazon.nl", "amazon.pl", "amazon.com.br")),
    "eBay": (("ebay",), ("ebay.com",)), "Allegro": (("allegro",), ("allegro.pl",)), "bol.com": (("bolcom", "bol"), ("bol.com",)),
    "Zalando": (("zalando",), ("zalando.de", "zalando.com")), "Vinted": (("vinted",), ("vinted.com",)), "OLX": (("olx",), ("olx.pl", "olx.pt", "olx.com.br")),
    "Mercado Livre": (("mercadolivre", "mercadolibre"), ("mercadolivre.com.br", "mercadolibre.com")),
    "AliExpress": (("aliexpress",), ("aliexpress.com",)), "Temu": (("temu",), ("temu.com",)), "Shein": (("shein",), ("shein.com",)),
    "Netflix": (("netflix",), ("netflix.com",)), "Spotify": (("spotify",), ("spotify.com",)), "Disney+": (("disneyplus",), ("disneyplus.com",)),
    "Apple": (("apple", "icloud", "appleid"), ("apple.com", "icloud.com")),
    "Microsoft": (("microsoft", "office365", "outlook", "hotmail"), ("microsoft.com", "office.com", "outlook.com")),
    "Google": (("google", "gmail"), ("google.com",)), "Facebook": (("facebook",), ("facebook.com",)),
    "Instagram": (("instagram",), ("instagram.com",)), "WhatsApp": (("whatsapp",), ("whatsapp.com",)),
    "Booking.com": (("booking",), ("booking.com",)), "Airbnb": (("airbnb",), ("airbnb.com",)),
    # Telecoms.
    "Orange": (("orange",), ("orange.fr", "orange.com")), "Vodafone": (("vodafone",), ("vodafone.com", "vodafone.de")),
    "Telekom": (("telekom",), ("telekom.de",)), "Movistar": (("movistar",), ("movistar.es",)), "KPN": (("kpn",), ("kpn.com",)),
    "SFR": (("sfr",), ("sfr.fr",)), "Bouygues Telecom": (("bouygues",), ("bouyguestelecom.fr",)),
    # Tax offices.
    "Agencia Tributaria": (("aeat", "agenciatributaria"), ("agenciatributaria.gob.es",)),
    "Agenzia delle Entrate": (("agenziaentrate", "entrate"), ("agenziaentrate.gov.it",)),
    "impots.gouv.fr": (("impots", "impot"), ("impots.gouv.fr",)), "Belastingdienst": (("belastingdienst",), ("belastingdienst.nl",)),
    "Finanzamt": (("finanzamt",), ("elster.de",)), "HMRC": (("hmrc",), ("gov.uk",)), "Receita Federal": (("receita", "receitafederal"), ("gov.br",)),
    "Autoridade Tributária": (("portaldasfinancas", "financas"), ("portaldasfinancas.gov.pt",)),
}  # fmt: skip

# Words of a lure (accounts, security, delivery, payment, refunds, prizes, taxes), written as they appear
# in domain names: lower case, without diacritics. Words every company uses in its own domains ("online",
# "info", "app", "news", "group", "shop") are left out.
LURE_WORDS: frozenset[str] = frozenset(
    """
    account accounts secure security verify verification validate validation update updates confirm
    confirmation login signin logon auth authentication alert alerts notice notification notifications
    support helpdesk billing payment payments refund refunds invoice invoices delivery parcel parcels
    package packages tracking track shipment shipping customs fee fees pending blocked locked suspended
    unlock restore recovery reward rewards prize prizes bonus claim winner tax unpaid renew renewal
    konto konten sicherheit pruefung prufung bestaetigung bestatigung bestaetigen verifizierung
    verifizieren aktualisierung aktualisieren anmeldung anmelden sperre gesperrt entsperren sendung
    sendungsverfolgung paket pakete zustellung lieferung zahlung rechnung rueckerstattung erstattung
    gebuehr gebuhr zoll kundenservice warnung gewinn gewinnspiel steuer freigabe
    compte comptes securite verifier valider miseajour confirmer connexion alerte alertes colis suivi
    livraison expedition paiement facture remboursement frais douane bloque blocage suspendu debloquer
    gain cadeau amende messagerie
    cuenta cuentas seguridad verificacion verificar validacion validar actualizacion actualizar
    confirmacion confirmar acceso aviso alerta envio envios paquete paquetes entrega entregas seguimiento
    pago pagos factura reembolso devolucion tasa aduana pendiente bloqueo bloqueada bloqueado suspendida
    desbloquear premio premios regalo sorteo impuestos multa licencias renovar renovacion notificacion
    notificaciones
    conto sicurezza verifica convalida aggiornamento aggiornare conferma confermare accesso avviso avvisi
    spedizione spedizioni pacco pacchi consegna tracciamento pagamento pagamenti fattura rimborso rimborsi
    tassa dogana assistenza blocco bloccato sospeso sblocco premi notifica notifiche rimborsi
    rekening beveiliging verificatie verifieren bevestiging bevestigen controle inloggen melding pakket
    pakketten bezorging levering zending betaling betalen factuur terugbetaling douane klantenservice
    geblokkeerd blokkering deblokkeren prijs prijsvraag winnaar belasting bijwerken
    konta bezpieczenstwo weryfikacja weryfikuj potwierdzenie potwierdz aktualizacja logowanie zaloguj
    powiadomienie przesylka przesylki paczka paczki dostawa awizo sledzenie platnosc platnosci faktura
    zwrot oplata blokada zablokowane odblokuj nagroda wygrana podatek doplata
    conta contas seguranca verificacao validacao atualizacao actualizacao atualizar confirmacao acesso
    encomenda encomendas objeto rastreamento rastreio pagamento fatura reembolso taxa taxado alfandega
    pendente atendimento bloqueio bloqueada suspensa desbloqueio brinde resgate pontos cadastro
    """.split()
)


@dataclass(frozen=True, slots=True)
class BrandClaim:
    """`domain` names `brand` beside the lure words `words`; `official` is the brand's main domain."""

    domain: str
    brand: str
    words: tuple[str, ...]
    official: str


@lru_cache(maxsize=1)
def _brand_by_part() -> dict[str, str]:
    return {part: brand for brand, (parts, _) in BRAND_NAMES.items() for part in parts}


@lru_cache(maxsize=1)
def _official_domains() -> frozenset[str]:
    return frozenset(domain for _, domains in BRAND_NAMES.values() for domain in domains)


def brand_claim(domain: str) -> BrandClaim | None:
    """The brand a registrable `domain` names beside lure words ("mbank-blokada.net" -> mBank,
    "blokada"), or None: no brand's name as a whole part, no lure word, or one of the brands' own
    domains."""
    org = registrable_domain(domain)
    if not org or org in _official_domains():
        return None
    label = org.split(".", 1)[0]
    if "-" not in label or label.startswith("xn--"):
        return None
    parts = label.split("-")
    by_part = _brand_by_part()
    brands = [by_part[p] for p in parts if p in by_part]
    words = tuple(p for p in parts if p in LURE_WORDS)
    if len(brands) != 1 or not words:
        return None  # no brand, or two brands' names (a partnership, a comparison) rather than a lure
    brand = brands[0]
    return BrandClaim(org, brand, words, BRAND_NAMES[brand][1][0])
