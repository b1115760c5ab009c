"""Home is every organisation's, but shows only what its licensed modules allow: for EACH
module, an organisation without it sees none of that module's items on Home, no link on Home
leads to a route of that module, and no link on Home answers 404 (every one is followed, as
every role). With every module, the same items are there (so the checks can fail)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import resolve

from goldenthread.platform.planning.selectors.home import my_items
from goldenthread.tenants.models import Module, Organisation
from tests.fixtures.html import parse
from tests.platform.core.test_door import TENANT_URLCONF
from tests.platform.planning.support import count_queries

# What each module puts on Home for the pages data's people (tests.fixtures.pages_data):
# actions, risks and plans (planning), PIs (performance).
ITEMS = {
    Module.PLANNING: {
        "manager": ["Landfill tax rises faster than budgeted", "Waste service plan"],
        "provider": ["Roll out food waste collections"],
        "councillor": ["A cleaner, greener district"],  # the scorecard's priority
    },
    Module.PERFORMANCE: {
        "manager": ["Household waste recycled"],
        "provider": ["Fly-tipping incidents cleared within 48 hours"],
    },
    Module.PARTNERSHIPS: {},
    Module.BENCHMARKING: {},
}


def _hold_all_but(organisation: Organisation, module: str) -> None:
    modules = [m for m in Module.values if m != module]
    Organisation.objects.filter(pk=organisation.pk).update(licensed_modules=modules)
    organisation.licensed_modules = modules


def home_links(page) -> set[str]:
    """Every link on the page to this host (menu, body and footer alike)."""
    links = set()
    for a in page.find_all("a"):
        href = a.get("href") or ""
        if href.startswith("/") and not href.startswith("//"):
            links.add(href)
    return links


def module_of_link(link: str) -> str | None:
    return getattr(resolve(urlsplit(link).path, TENANT_URLCONF).func, "licensed_module", None)


@pytest.mark.parametrize("module", Module.values)
def test_home_shows_nothing_of_a_module_the_organisation_does_not_hold(
    module, org_a, pages_data, client_for
):
    # With every module the module's items are on Home (the check below could fail)
    for role, words in ITEMS[module].items():
        text = client_for(org_a, user=pages_data.users[role]).get("/").content.decode()
        assert all(word in text for word in words), role

    _hold_all_but(org_a, module)
    for role, user in pages_data.users.items():
        client = client_for(org_a, user=user)
        home = client.get("/")
        assert home.status_code == 200, role
        text = home.content.decode()
        assert [w for w in ITEMS[module].get(role, []) if w in text] == [], role
        links = home_links(parse(home))
        assert [link for link in links if module_of_link(link) == module] == [], role
        dead = {link: client.get(link).status_code for link in sorted(links)}
        assert {link: status for link, status in dead.items() if status == 404} == {}, role


def test_home_queries_nothing_of_a_part_it_does_not_show(org_a, pages_data):
    connection.set_tenant(org_a)
    manager = pages_data.users["manager"]
    assert count_queries(lambda: my_items(user=manager, parts=frozenset())) == 0
    everything = my_items(user=manager)
    assert everything.risks and everything.plans and everything.indicators
    planning_only = my_items(user=manager, parts={"actions", "risks", "strategy"})
    assert planning_only.risks and planning_only.plans
    assert planning_only.indicators == [] and planning_only.approvals_waiting == 0


def test_the_my_items_api_lists_no_pis_for_an_organisation_without_performance(
    org_a, pages_data, client_for
):
    client = client_for(org_a, user=pages_data.users["manager"])
    assert client.get("/api/v1/planning/my-items/").json()["indicators"] != []
    _hold_all_but(org_a, Module.PERFORMANCE)
    items = client.get("/api/v1/planning/my-items/").json()
    assert items["indicators"] == []
    assert items["risks"] != []  # planning's own items stay
