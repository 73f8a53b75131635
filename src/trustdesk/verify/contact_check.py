"""One check of one contact against a `Registry`: official -> reported -> look-alike, then the verdict.

Why one module: it is one class; every step reads and adds to the same check in progress.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from trustdesk.verify import explain
from trustdesk.verify.domains import HostName, parse_host
from trustdesk.verify.emails import EmailAddress, parse_email
from trustdesk.verify.errors import ContactInputError
from trustdesk.verify.extract import ParsedContact
from trustdesk.verify.handles import SOCIAL_HOSTS, SocialHandle, normalize_app_id, parse_handle
from trustdesk.verify.index import Candidate, Posting, flatten
from trustdesk.verify.lookalike import (
    MIN_LEN_EDIT1,
    MIN_LEN_EDIT2,
    LabelMatch,
    Technique,
    compare_labels,
    technique,
)
from trustdesk.verify.model import (
    N_,
    ChannelKind,
    ExtractedContact,
    OfficialChannel,
    Reason,
    ReportedIndicator,
    Verdict,
    VerificationResult,
    reason,
)
from trustdesk.verify.phones import PhoneNumber, format_phone, is_vanity, parse_phone
from trustdesk.verify.urls import ParsedUrl, parse_url
from trustdesk.verify.words import FREEMAIL_DOMAINS, Core, is_affix_word, label_cores

if TYPE_CHECKING:
    from trustdesk.verify.registry import Registry


_HOST_KINDS = (ChannelKind.DOMAIN, ChannelKind.SENDING_DOMAIN)
_GENERIC_SUBDOMAINS = frozenset({"www", "m", "mail", "email", "web", "app", "login", "secure", "my"})
_WORD = re.compile(r"[^\W_]+")


@dataclass(slots=True)
class _Match:
    """One confirmed look-alike: which official label, how, and how strongly."""

    tenant: str
    label: str
    techniques: list[Technique]
    score: float
    postings: set[Posting] = field(default_factory=set)


class _Check:
    """One check in progress: parse the contact, then official -> reported -> look-alike."""

    def __init__(self, registry: Registry, contact: ExtractedContact, tenant: str | None) -> None:
        self.r = registry
        self.contact = contact
        self.tenant = tenant
        self.kind = contact.kind
        self.official_ids: set[str] = set()
        self.reasons: list[Reason] = []
        self.cautions: list[Reason] = []
        self.matches: list[_Match] = []
        self.reported: ReportedIndicator | None = None

    # -- helpers ----------------------------------------------------------------

    def _channel(self, channel_id: str) -> OfficialChannel:
        return self.r._channels[channel_id]

    def _in_scope(self, tenant: str) -> bool:
        return self.tenant is None or tenant == self.tenant

    def _host_official(self, host: HostName) -> set[str]:
        """Channel ids whose host is `host` or one of its parents."""
        ids: set[str] = set()
        name = host.name
        while name:
            ids |= self.r._hosts.get(name, set())
            if "." not in name:
                break
            name = name.split(".", 1)[1]
        return ids

    def _report(self, family: str, value: str) -> None:
        found = self.r._reported.get((family, value))
        if found is not None and self.reported is None:
            self.reported = found

    def _report_host(self, host: HostName) -> None:
        name = host.name
        while name and self.reported is None:
            self._report("domain", name)
            if "." not in name:
                break
            name = name.split(".", 1)[1]

    def _add_match(
        self, candidate: Candidate, match: LabelMatch, extra: list[Technique], weight: float
    ) -> None:
        postings = {p for p in self.r._brands.postings(candidate.label) if self._in_scope(p[0])}
        by_tenant: dict[str, set[Posting]] = defaultdict(set)
        for posting in postings:
            by_tenant[posting[0]].add(posting)
        for tenant, owned in by_tenant.items():
            self.matches.append(
                _Match(tenant, candidate.label, [*extra, *match.techniques], match.score * weight, owned)
            )

    def _probe(
        self,
        text: str,
        *,
        edits: int,
        contains: bool,
        weight: float,
        extra: list[Technique],
        exact_only: bool = False,
    ) -> None:
        """Look `text` up in the brand index and confirm each candidate precisely."""
        if len(flatten(text)) < 3:
            return
        for candidate in self.r._brands.candidates(text, edits=edits, contains=contains):
            if candidate.via == "contains":
                official = flatten(candidate.label)
                rest = flatten(text).replace(official, " ", 1) if official in flatten(text) else ""
                if rest.strip():
                    embedded = technique(
                        "brand-embedded",
                        N_("contains the brand name '{brand}' with '{added}' added"),
                        brand=candidate.label,
                        added=rest.strip(),
                    )
                else:
                    embedded = technique(
                        "brand-embedded", N_("contains the brand name '{brand}'"), brand=candidate.label
                    )
                match = LabelMatch(text, candidate.label, (embedded,), 0.8)
            else:
                compared = compare_labels(text.lower(), candidate.label)
                if compared is None or (exact_only and not compared.exact and compared.score < 0.95):
                    continue
                match = compared
            self._add_match(candidate, match, extra, weight)

    # -- per kind -----------------------------------------------------------------

    def run(self, parsed: ParsedContact = None) -> VerificationResult:
        """Check the contact; `parsed` is what parsing its value gives, when the caller has it."""
        kind = self.kind
        value = self.contact.value or ""
        if kind in _HOST_KINDS:
            self._check_host(parse_host(value), url=None)
        elif kind is ChannelKind.URL:
            self._check_url(parsed if isinstance(parsed, ParsedUrl) else parse_url(value))
        elif kind is ChannelKind.EMAIL:
            address = parsed if isinstance(parsed, EmailAddress) else parse_email(value)
            if self.contact.display_name:
                address = EmailAddress(address.local, address.host, self.contact.display_name)
            self._check_email(address)
        elif kind is ChannelKind.PHONE:
            number = parsed if isinstance(parsed, PhoneNumber) else None
            if number is None:
                # A contact parsed elsewhere (the API, a scanned text): its E.164 value has no letters
                # left, so whether it was written as a vanity number is read from the raw text.
                number = parse_phone(value, self.r.default_region)
                if not number.vanity and is_vanity(self.contact.raw):
                    number = replace(number, vanity=True)
            self._check_phone(number)
        elif kind is ChannelKind.SOCIAL:
            self._check_handle(parse_handle(value, self.contact.platform))
        else:
            self._check_app(normalize_app_id(value))
        return self._verdict()

    def _check_host(self, host: HostName, url: ParsedUrl | None) -> None:
        self.official_ids |= self._host_official(host)
        self._report_host(host)
        if self.official_ids:
            return
        self._host_lookalike(host)

    def _host_lookalike(self, host: HostName) -> None:
        if host.registrable:
            platform = []
            if host.is_private_suffix:
                platform = [
                    technique(
                        "shared-hosting", N_("hosted on the shared platform {platform}"), platform=host.suffix
                    )
                ]
            self._probe_core(Core(host.label, ()), host, platform)
            if not any(m.score >= 0.9 for m in self.matches):
                # The name itself is no close copy: try it without affix words ("acme-support").
                for core in label_cores(host.label)[1:]:
                    self._probe_core(core, host, platform)
        subs = [label for label in host.subdomain_labels if label not in _GENERIC_SUBDOMAINS]
        if host.subdomain:
            # dnstwist "subdomain": a dot inserted into the brand ("acme.outfitters.com").
            joined = "".join(host.subdomain_labels[-1:]) + host.label
            for candidate in self.r._brands.candidates(joined, edits=0, contains=False):
                match = compare_labels(joined, candidate.label)
                if match is not None and match.score >= 0.95:
                    dotted = f"{host.subdomain_labels[-1]}.{host.label}"
                    self._add_match(
                        candidate,
                        match,
                        [technique("subdomain", N_("a dot inserted into the name: '{name}'"), name=dotted)],
                        0.95,
                    )
            where = host.registrable or host.name
            for label in subs:
                for core in label_cores(label):
                    extra = [
                        technique(
                            "brand-in-subdomain",
                            N_("'{label}' used as a subdomain of unrelated {where}"),
                            label=label,
                            where=where,
                        )
                    ]
                    if core.removed:
                        extra.append(_dictionary(core))
                    self._probe(core.text, edits=1, contains=not core.removed, weight=0.85, extra=extra)
            official_in_sub = self._official_domain_inside(host.subdomain)
            if official_in_sub is not None:
                written = technique(
                    "brand-in-subdomain",
                    N_("the official domain {domain} is written in front of unrelated {where}"),
                    domain=official_in_sub.value,
                    where=where,
                )
                self._add_channel_match(official_in_sub, written, 1.0)

    def _official_domain_inside(self, text: str) -> OfficialChannel | None:
        labels = text.split(".")
        for start in range(len(labels) - 1):
            for channel_id in self.r._hosts.get(".".join(labels[start:]), ()):
                channel = self._channel(channel_id)
                if self._in_scope(channel.tenant):
                    return channel
        return None

    def _add_channel_match(self, channel: OfficialChannel, technique: Technique, score: float) -> None:
        host = self.r._channel_hosts.get(channel.id)
        label = host.label if host is not None else channel.value
        self.matches.append(_Match(channel.tenant, label, [technique], score, {(channel.tenant, channel.id)}))

    def _probe_core(self, core: Core, host: HostName, platform: list[Technique]) -> None:
        """Probe one core of a registrable label; name tld-swap / dictionary techniques."""
        extra = list(platform)
        if core.removed:
            extra.append(_dictionary(core))
        length = len(flatten(core.text))
        edits = (
            2 if not core.removed and length >= MIN_LEN_EDIT2 else (1 if length >= MIN_LEN_EDIT1 - 1 else 0)
        )
        before = len(self.matches)
        self._probe(
            core.text,
            edits=edits,
            contains=not core.removed,
            weight=1.0 if not core.removed else 0.9,
            extra=extra,
        )
        for match in self.matches[before:]:
            swap = self._tld_swap(match, host)
            if swap is not None:
                match.techniques.append(swap)
            if not match.techniques:
                # Identical label and suffix under another tenant's scope: nothing imitated.
                match.score = 0.0

    def _tld_swap(self, match: _Match, host: HostName) -> Technique | None:
        suffixes = []
        hosts = self.r._channel_hosts
        for _tenant, channel_id in match.postings:
            official = hosts.get(channel_id) if channel_id else None
            if official is not None:
                suffixes.append(official.suffix)
        if not suffixes or host.suffix in suffixes or host.is_private_suffix:
            return None
        return technique(
            "tld-swap", N_(".{official} -> .{used}"), official=sorted(suffixes)[0], used=host.suffix
        )

    def _check_url(self, url: ParsedUrl) -> None:
        if url.has_password or url.username:
            self.cautions.append(
                reason(
                    "url-has-credentials",
                    N_("the link carries a user name or password before the host, a phishing trick"),
                )
            )
        if url.nonstandard_port:
            self.cautions.append(
                reason("nonstandard-port", N_("it uses the unusual port {port}"), port=str(url.port))
            )
        path = url.path.rstrip("/")
        for prefix_len in range(len(path), -1, -1):
            if prefix_len < len(path) and path[prefix_len] != "/":
                continue
            self.official_ids |= self.r._url_prefixes.get(url.host_text + path[:prefix_len], set())
        self._report("url", url.value)
        if url.username:
            self._userinfo(url)
        if url.host is None:
            self.reasons.append(
                reason("ip-address-host", N_("the link points at a bare IP address ({ip})"), ip=str(url.ip))
            )
        else:
            self._check_host(url.host, url)
            if url.host.registrable in SOCIAL_HOSTS and not self.official_ids:
                self._social_url(url)
        if not self.official_ids:
            self._path_probes(url)

    def _userinfo(self, url: ParsedUrl) -> None:
        user = url.username.lower()
        real = url.host_text
        trick = technique(
            "url-credentials", N_("starts with '{shown}' but really goes to {real}"), shown=user, real=real
        )
        try:
            shown = parse_host(user)
        except ContactInputError:
            shown = None
        if shown is not None:
            for channel_id in self._host_official(shown):
                channel = self._channel(channel_id)
                if self._in_scope(channel.tenant):
                    self._add_channel_match(channel, trick, 1.0)
                    return
            if shown.registrable:
                for core in label_cores(shown.label):
                    self._probe(core.text, edits=1, contains=False, weight=0.95, extra=[trick])
                return
        self._probe(user, edits=1, contains=True, weight=0.9, extra=[trick])

    def _social_url(self, url: ParsedUrl) -> None:
        segments = [segment for segment in url.path.split("/") if segment]
        if not segments:
            return
        platform = SOCIAL_HOSTS[url.host.registrable] if url.host else ""
        try:
            handle = parse_handle(segments[0], platform)
        except ContactInputError:
            return
        sub = _Check(self.r, self.contact, self.tenant)
        sub._check_handle(handle)
        self.official_ids |= sub.official_ids
        self.matches.extend(sub.matches)

    def _path_probes(self, url: ParsedUrl) -> None:
        where = url.host_text
        segments = [segment.lower() for segment in url.path.split("/") if segment][:8]
        for segment in segments:
            inside = self._official_domain_inside(segment + ".") if "." in segment else None
            if inside is None and "." in segment:
                try:
                    host = parse_host(segment)
                    inside = next(
                        (
                            self._channel(i)
                            for i in self._host_official(host)
                            if self._in_scope(self._channel(i).tenant)
                        ),
                        None,
                    )
                except ContactInputError:
                    inside = None
            if inside is not None:
                in_path = technique(
                    "brand-in-path",
                    N_("the official domain {domain} appears in the path of unrelated {where}"),
                    domain=inside.value,
                    where=where,
                )
                self._add_channel_match(inside, in_path, 0.85)
        for token in url.path_tokens:
            if len(token) >= 4 and not is_affix_word(token):
                extra = [
                    technique(
                        "brand-in-path",
                        N_("'{word}' appears in the path of unrelated {where}"),
                        word=token,
                        where=where,
                    )
                ]
                self._probe(token, edits=0, contains=False, weight=0.75, extra=extra, exact_only=True)

    def _check_email(self, address: EmailAddress) -> None:
        self.official_ids |= self.r._emails.get(address.normalized, set())
        self._report("email", address.normalized)
        if not self.official_ids:
            host_ids = self._host_official(address.host)
            if host_ids:
                self.official_ids |= host_ids
                self.reasons.append(
                    reason(
                        "official-domain",
                        N_("the address is on the official domain {domain}"),
                        domain=address.host.name,
                    )
                )
                return
        self._report_host(address.host)
        if self.official_ids:
            return
        freemail = address.host.registrable in FREEMAIL_DOMAINS
        if not freemail:
            self._host_lookalike(address.host)
        where = address.host.registrable
        if freemail:
            local_technique = technique(
                "freemail-brand", N_("a free-mail address at {where} using the brand name"), where=where
            )
        else:
            local_technique = technique(
                "brand-in-local-part",
                N_("the brand name is used before the @ of unrelated {where}"),
                where=where,
            )
        local = address.local.lower()
        for part in {local, *re.split(r"[._+\-]", local)}:
            for core in label_cores(part):
                extra = [local_technique] + ([_dictionary(core)] if core.removed else [])
                self._probe(core.text, edits=1, contains=not core.removed, weight=0.9, extra=extra)
        if address.display_name:
            self._display_name(address.display_name, where)

    def _display_name(self, display: str, where: str) -> None:
        words = [word.lower() for word in _WORD.findall(display)][:12]
        claim = technique(
            "display-name",
            N_("the sender name '{name}' claims the brand but the address is at {where}"),
            name=display[:60],
            where=where,
        )
        grams = {
            "".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 4) + 1)
        }
        for gram in grams:
            if len(gram) >= 4:
                self._probe(gram, edits=0, contains=False, weight=0.85, extra=[claim], exact_only=True)

    def _check_phone(self, number: PhoneNumber) -> None:
        self.official_ids |= self.r._phones.get(number.e164, set())
        self._report("phone", number.e164)
        if number.vanity:
            self.cautions.append(
                reason("vanity-number", N_("letters were converted to digits as on a phone keypad"))
            )
        if self.official_ids or len(number.e164) < 9:
            return
        for official, relation in self.r._phone_index.near(number.e164, number.national_number):
            near = _phone_technique(number.e164, official, relation)
            if near is None:
                continue
            for channel_id in self.r._phones.get(official, set()):
                channel = self._channel(channel_id)
                if self._in_scope(channel.tenant):
                    score = (
                        0.95
                        if near.code in ("phone-one-digit", "phone-transposed", "phone-country-code")
                        else 0.85
                    )
                    self.matches.append(
                        _Match(channel.tenant, official, [near], score, {(channel.tenant, channel_id)})
                    )

    def _check_handle(self, handle: SocialHandle) -> None:
        if handle.platform:
            self.official_ids |= self.r._handles.get(f"{handle.platform}:{handle.handle}", set())
        else:
            self.official_ids |= self.r._handles.get(f":{handle.handle}", set())
        self._report("social", handle.value)
        self._report("social", f"@{handle.handle}")
        if self.official_ids:
            if not handle.platform:
                platforms = sorted({self._channel(i).platform for i in self.official_ids})
                self.reasons.append(
                    reason(
                        "official-handle",
                        N_("an official handle on {platforms}"),
                        platforms=", ".join(platforms),
                    )
                )
            return
        same_elsewhere = [
            i
            for i in self.r._handles.get(f":{handle.handle}", set())
            if self._in_scope(self._channel(i).tenant)
        ]
        for channel_id in same_elsewhere:
            channel = self._channel(channel_id)
            elsewhere = technique(
                "handle-other-platform",
                N_("the official handle @{handle} is on {platform}, not on {used}"),
                handle=channel.value,
                platform=channel.platform,
                used=handle.platform,
            )
            self._add_channel_match(channel, elsewhere, 1.0)
        imitation = technique("handle-imitation", N_("a social-media handle imitating the brand"))
        for core in label_cores(handle.compact):
            extra = [imitation] + ([_dictionary(core)] if core.removed else [])
            edits = 1 if len(core.text) >= MIN_LEN_EDIT1 else 0
            self._probe(core.text, edits=edits, contains=not core.removed, weight=0.95, extra=extra)

    def _check_app(self, app_id: str) -> None:
        self.official_ids |= self.r._apps.get(app_id, set())
        self._report("app", app_id)
        if self.official_ids or app_id.startswith("id"):
            return
        imitation = technique("app-imitation", N_("an app identifier imitating the brand"))
        for part in app_id.split(".")[:6]:
            if part in ("com", "net", "org", "app", "android", "ios", "co"):
                continue
            for core in label_cores(part):
                self._probe(core.text, edits=1, contains=False, weight=0.9, extra=[imitation])

    # -- verdict --------------------------------------------------------------------

    def _pick_official(self) -> OfficialChannel | None:
        scoped = [self._channel(i) for i in self.official_ids if self._in_scope(self._channel(i).tenant)]
        if not scoped:
            return None
        exact_kind = [c for c in scoped if c.kind is self.kind]
        return min(exact_kind or scoped, key=lambda c: (c.kind is not ChannelKind.DOMAIN, c.value))

    def _best_channel(
        self, tenant: str, kind: ChannelKind, hint: OfficialChannel | None
    ) -> OfficialChannel | None:
        """The official channel a customer should use instead (same kind when possible)."""
        platform = self.contact.platform or ""
        if kind is ChannelKind.SOCIAL and ":" in (self.contact.value or ""):
            platform = (self.contact.value or "").split(":", 1)[0]
        key = (tenant, kind, platform, hint.id if hint is not None else "")
        if key not in self.r._advice:
            self.r._advice[key] = self._advise(tenant, kind, platform, hint)
        return self.r._advice[key]

    def _advise(
        self, tenant: str, kind: ChannelKind, platform: str, hint: OfficialChannel | None
    ) -> OfficialChannel | None:
        owned = [self._channel(i) for i in self.r._by_tenant.get(tenant, ())]
        if kind is ChannelKind.SOCIAL and platform:
            on_platform = [c for c in owned if c.kind is kind and c.platform == platform]
            if on_platform:
                return sorted(on_platform, key=lambda c: c.value)[0]
        if hint is not None and hint.kind is kind:
            return hint
        wanted = {
            ChannelKind.URL: (ChannelKind.DOMAIN, ChannelKind.URL),
            ChannelKind.SENDING_DOMAIN: (ChannelKind.EMAIL, ChannelKind.DOMAIN),
        }.get(kind, (kind, ChannelKind.DOMAIN))
        for wanted_kind in wanted:
            pool = [c for c in owned if c.kind is wanted_kind]
            if hint is not None:
                same_platform = [c for c in pool if c.platform and c.platform == hint.platform]
                pool = same_platform or pool
            if pool:
                return sorted(pool, key=lambda c: (c.purpose != "support", c.value))[0]
        return hint

    def _rank(self, match: _Match) -> tuple[float, int, bool, bool, str, str]:
        """Smallest is best: strongest match, fewest techniques, then a channel of the contact's own
        kind (a web address imitates a domain before an Instagram handle). The tenant and label
        break the remaining ties, so the answer never depends on set order (hash seed)."""
        kinds = {self._channel(channel_id).kind for _tenant, channel_id in match.postings if channel_id}
        preferred = ChannelKind.SOCIAL if self.kind is ChannelKind.SOCIAL else ChannelKind.DOMAIN
        return (
            -match.score,
            len(match.techniques),
            self.kind not in kinds,
            preferred not in kinds,
            match.tenant,
            match.label,
        )

    def _imitated_channel(self, match: _Match) -> OfficialChannel | None:
        ids = [channel_id for _tenant, channel_id in match.postings if channel_id]
        preferred = ChannelKind.SOCIAL if self.kind is ChannelKind.SOCIAL else ChannelKind.DOMAIN
        if ids:
            kind = self.kind
            return min(
                (self._channel(i) for i in ids),
                key=lambda c: (c.kind is not kind, c.kind is not preferred, c.value),
            )
        return self._best_channel(match.tenant, ChannelKind.DOMAIN, None)

    def _verdict(self) -> VerificationResult:
        contact = self.contact
        official = self._pick_official()
        if official is not None:
            reasons = [
                reason(
                    "official",
                    N_("an official {kind} channel of {name}"),
                    kind=official.kind.value,
                    name=official.tenant_name,
                )
            ]
            reasons += self.reasons + self.cautions
            if self.reported is not None:
                reasons.append(
                    reason("reported-conflict", N_("also listed as reported fraud; staff should review"))
                )
            return VerificationResult(
                contact=contact,
                verdict=Verdict.OFFICIAL,
                reasons=tuple(reasons),
                explanation=explain.explain_official(self.kind, official, reasons),
                official=official,
            )
        if self.official_ids:
            owner = self._channel(sorted(self.official_ids)[0])
            other = reason(
                "official-other-tenant", N_("it is an official channel of {name}"), name=owner.tenant_name
            )
            return self.r._unknown(contact, self.tenant, [other])
        best = min((m for m in self.matches if m.score > 0), key=self._rank, default=None)
        imitates = self._imitated_channel(best) if best is not None else None
        if self.reported is not None:
            if self.reported.note:
                reasons = [Reason("reported", self.reported.note)]
            else:
                reasons = [reason("reported", N_("confirmed as fraudulent by a report"))]
            if best is not None:
                reasons += [Reason(t.code, t.detail, t.message, t.params) for t in best.techniques]
            return VerificationResult(
                contact=contact,
                verdict=Verdict.REPORTED,
                reasons=tuple(reasons),
                explanation=explain.explain_reported(self.kind, imitates),
                imitates=imitates,
                reported=self.reported,
            )
        if best is not None and imitates is not None:
            seen: set[tuple[str, str]] = set()
            reasons = []
            for found in best.techniques:
                if (found.code, found.detail) not in seen:
                    seen.add((found.code, found.detail))
                    reasons.append(Reason(found.code, found.detail, found.message, found.params))
            reasons += self.reasons + self.cautions
            also = sorted({m.tenant for m in self.matches if m.score > 0 and m.tenant != best.tenant})
            if also:
                names = ", ".join(self.r._tenant_names[t] for t in also[:3])
                reasons.append(
                    reason("also-resembles", N_("also resembles channels of {names}"), names=names)
                )
            instead = self._best_channel(best.tenant, _instead_kind(self.kind), imitates)
            return VerificationResult(
                contact=contact,
                verdict=Verdict.LOOKALIKE,
                reasons=tuple(reasons),
                explanation=explain.explain_lookalike(self.kind, imitates, reasons, instead),
                imitates=imitates,
                extra={"score": round(best.score, 3), "instead": instead},
            )
        return self.r._unknown(contact, self.tenant, self.reasons + self.cautions)


def _instead_kind(kind: ChannelKind) -> ChannelKind:
    return ChannelKind.DOMAIN if kind is ChannelKind.URL else kind


def _dictionary(core: Core) -> Technique:
    words = " + ".join(f"'{word}'" for word in core.removed)
    return technique("dictionary", N_("the brand with {words} added"), words=words)


def _phone_technique(candidate: str, official: str, relation: str) -> Technique | None:
    shown = format_phone(official)
    if relation == "country-code":
        return technique(
            "phone-country-code", N_("the same digits as {number} under another country code"), number=shown
        )
    if relation == "omission":
        return technique("phone-digit-omitted", N_("one digit left out compared with {number}"), number=shown)
    if relation == "insertion":
        return technique("phone-digit-added", N_("one digit added compared with {number}"), number=shown)
    if len(candidate) != len(official):
        return None
    diffs = [i for i, (a, b) in enumerate(zip(candidate, official, strict=True)) if a != b]
    if len(diffs) == 1:
        return technique("phone-one-digit", N_("one digit differs from {number}"), number=shown)
    if len(diffs) == 2:
        i, j = diffs
        if j == i + 1 and candidate[i] == official[j] and candidate[j] == official[i]:
            return technique(
                "phone-transposed", N_("two neighbouring digits of {number} swapped"), number=shown
            )
        return technique("phone-two-digits", N_("two digits differ from {number}"), number=shown)
    return None
