"""Campaign grouping equals the connected components of the shared-indicator graph, whatever the
arrival order; common indicators do not glue unrelated reports."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.reports import CampaignGrouper, GlueRule, Indicator, IndicatorKind, glue_keys

K = IndicatorKind
RULE = GlueRule.for_tenant(["shop.example.com", "phone:+18005550100"])

POOL = [
    Indicator(K.DOMAIN, "evil-a.example.net"),
    Indicator(K.DOMAIN, "login.evil-a.example.net"),  # same registrable domain as the one above
    Indicator(K.DOMAIN, "evil-b.example.org"),
    Indicator(K.URL, "https://bit.ly/3xyz"),
    Indicator(K.EMAIL, "refunds.team@gmail.com"),
    Indicator(K.PHONE, "+18885550199"),
    Indicator(K.PHONE, "+18885550123"),
    Indicator(K.HANDLE, "fakehelp", "telegram"),
    Indicator(K.WALLET, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bitcoin"),
    Indicator(K.IBAN, "DE89370400440532013000"),
    # common: must never glue
    Indicator(K.DOMAIN, "gmail.com"),
    Indicator(K.DOMAIN, "bit.ly"),
    Indicator(K.DOMAIN, "www.shop.example.com"),
    Indicator(K.URL, "https://www.shop.example.com/help"),
    Indicator(K.PHONE, "+18005550100"),
]


def components(reports: dict[int, list[Indicator]], rule: GlueRule) -> dict[int, int]:
    """From scratch: BFS over the report/glue-key bipartite graph; report -> smallest id in component."""
    by_key: dict[str, list[int]] = defaultdict(list)
    keys = {rid: glue_keys(inds, rule) for rid, inds in reports.items()}
    for rid, ks in keys.items():
        for key in ks:
            by_key[key].append(rid)
    label: dict[int, int] = {}
    for start in sorted(reports):
        if start in label:
            continue
        seen, frontier = {start}, [start]
        while frontier:
            rid = frontier.pop()
            for key in keys[rid]:
                for other in by_key[key]:
                    if other not in seen:
                        seen.add(other)
                        frontier.append(other)
        for rid in seen:
            label[rid] = min(seen)
    return label


reports_strategy = st.dictionaries(
    st.integers(min_value=0, max_value=10_000),
    st.lists(st.sampled_from(POOL), max_size=4),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(reports_strategy, st.randoms(use_true_random=False))
def test_grouping_equals_components_in_any_order(reports: dict[int, list[Indicator]], rng) -> None:  # type: ignore[no-untyped-def]
    order = list(reports)
    rng.shuffle(order)
    grouper = CampaignGrouper(RULE)
    store: dict[int, int] = {}  # what a database would hold, updated only through the events
    for rid in order:
        assignment = grouper.add(rid, reports[rid])
        for merge in assignment.merges:
            for other, campaign in store.items():
                if campaign == merge.absorbed:
                    store[other] = merge.into
        store[rid] = assignment.campaign_id
    expected = components(reports, RULE)
    assert {rid: grouper.campaign_of(rid) for rid in reports} == expected
    assert store == expected
    assert grouper.campaign_count() == len(set(expected.values()))


def test_shared_platform_domains_do_not_glue_but_accounts_on_them_do() -> None:
    grouper = CampaignGrouper(RULE)
    grouper.add(1, [Indicator(K.DOMAIN, "gmail.com"), Indicator(K.EMAIL, "a.scammer@gmail.com")])
    assert grouper.add(2, [Indicator(K.DOMAIN, "gmail.com")]).campaign_id == 2
    assert grouper.add(3, [Indicator(K.EMAIL, "a.scammer@gmail.com")]).campaign_id == 1
    assert grouper.add(4, [Indicator(K.URL, "https://bit.ly/abc")]).campaign_id == 4
    assert (
        grouper.add(5, [Indicator(K.URL, "https://bit.ly/abc"), Indicator(K.DOMAIN, "bit.ly")]).campaign_id
        == 4
    )


def test_the_retailers_own_channels_never_glue() -> None:
    grouper = CampaignGrouper(RULE)
    grouper.add(
        1, [Indicator(K.URL, "https://www.shop.example.com/help"), Indicator(K.PHONE, "+18005550100")]
    )
    second = grouper.add(
        2, [Indicator(K.URL, "https://www.shop.example.com/help"), Indicator(K.PHONE, "+18005550100")]
    )
    assert second.campaign_id == 2 and grouper.campaign_count() == 2


def test_subdomains_of_one_registrable_domain_glue() -> None:
    grouper = CampaignGrouper(RULE)
    grouper.add(1, [Indicator(K.DOMAIN, "a.evil-a.example.net")])
    assert grouper.add(2, [Indicator(K.DOMAIN, "b.evil-a.example.net")]).campaign_id == 1


def test_merge_events_and_out_of_order_ids() -> None:
    grouper = CampaignGrouper(RULE)
    grouper.add(10, [Indicator(K.PHONE, "+18885550199")])
    grouper.add(20, [Indicator(K.PHONE, "+18885550123")])
    bridge = grouper.add(5, [Indicator(K.PHONE, "+18885550199"), Indicator(K.PHONE, "+18885550123")])
    assert bridge.campaign_id == 5
    assert {(m.absorbed, m.into) for m in bridge.merges} == {(10, 5), (20, 5)}
    assert grouper.campaigns() == {5: [10, 20, 5]}


def test_a_report_is_grouped_once() -> None:
    grouper = CampaignGrouper()
    grouper.add("r1", [])
    with pytest.raises(ValueError, match="already grouped"):
        grouper.add("r1", [])
