"""The main navigation offers a page only to those the page lets in (`core.navigation`): for
every role, every link in the menu and on the home page opens (200), never a refusal; and
the pages a role is not offered do refuse it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.factories import PASSWORD
from tests.fixtures.html import parse
from tests.fixtures.pages_data import ROLES

PAGE_ME = "/accounts/me/"


def menu_links(page) -> dict[str, str]:
    """The menu's links by their words (without the count of things waiting that some carry)."""
    nav = page.find("nav", aria_label="Main")
    counts = [count.text for count in page.find_all("span", **{"class": "nav-count"})]
    links = {}
    for a in page.find_all("a"):
        if nav in list(a.ancestors()):
            words = a.text
            for count in counts:
                words = words.replace(count, "")
            links[words.strip()] = a.get("href")
    return links


def main_links(page) -> set[str]:
    main = page.find("main")
    return {
        a.get("href")
        for a in page.find_all("a")
        if main in list(a.ancestors()) and a.get("href", "").startswith("/")
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_in_the_menu_and_on_home_opens_for_every_role(
    role, org_a, pages_data, client_for
):
    client = client_for(org_a, user=pages_data.users[role])
    home = client.get("/")
    assert home.status_code == 200
    page = parse(home)
    links = set(menu_links(page).values()) | main_links(page)
    refused = {}
    for link in sorted(links):
        response = client.get(link)
        if response.status_code != 200 or "You cannot" in response.content.decode():
            refused[link] = response.status_code
    assert refused == {}
    assert len(links) > 8


MENU = {
    "officer": [
        "Home", "Strategy", "Actions", "Risks", "Exceptions", "Search", "Indicators",
        "What I owe", "Approvals", "Notifications", "Report", "Reports", "Users",
        "Partnerships", "Benchmarking",
        "National catalogue", "API", "Your account",
    ],
    "provider": [
        "Home", "Strategy", "Actions", "Risks", "Exceptions", "Search", "Indicators",
        "What I owe", "Notifications", "Report", "Reports", "Partnerships", "Benchmarking",
        "National catalogue", "API", "Your account",
    ],
    "verifier": [
        "Home", "Strategy", "Actions", "Risks", "Exceptions", "Search", "Indicators",
        "Approvals", "Notifications", "Report", "Reports", "Partnerships", "Benchmarking",
        "National catalogue", "API", "Your account",
    ],
    "councillor": [
        "Home", "Strategy", "Actions", "Risks", "Exceptions", "Indicators", "Notifications",
        "Report", "Reports", "Partnerships", "Benchmarking", "National catalogue", "API",
        "Your account",
    ],
}  # fmt: skip


@pytest.mark.parametrize("role", list(MENU))
def test_each_role_is_offered_the_pages_it_may_use(role, org_a, pages_data, client_for):
    client = client_for(org_a, user=pages_data.users[role])
    assert list(menu_links(parse(client.get("/")))) == MENU[role]


@pytest.mark.parametrize(
    "path", ["/indicators/approvals/", "/indicators/owe/", "/planning/search/", "/users/"]
)
def test_the_pages_a_councillor_is_not_offered_refuse_them(path, org_a, pages_data, client_for):
    client = client_for(org_a, user=pages_data.users["councillor"])
    assert client.get(path).status_code == 403


def test_the_current_page_is_marked_in_the_menu(org_a, pages_data, client_for):
    client = client_for(org_a, user=pages_data.users["officer"])
    page = parse(client.get("/indicators/approvals/"))
    nav = page.find("nav", aria_label="Main")
    current = [
        label for label, href in menu_links(page).items() if href == "/indicators/approvals/"
    ]
    marked = [
        a.get("href") for a in page.find_all("a", aria_current="page") if nav in list(a.ancestors())
    ]
    assert current == ["Approvals"] and marked == ["/indicators/approvals/"]


def test_the_public_host_offers_staff_the_helpdesk_and_no_organisation_pages(db, client_for):
    from goldenthread.platform.accounts.models import User

    staff = User.objects.create_user(
        "nav-staff@platform.example",
        PASSWORD,
        full_name="Nav Staff",
        is_staff=True,
    )
    page = parse(client_for(None, user=staff).get("/helpdesk/"))
    links = menu_links(page)
    assert list(links) == ["Home", "National catalogue", "Helpdesk", "API", "Your account"]
    for href in links.values():
        assert urlsplit(href).path in {
            "/",
            "/catalogue/",
            "/helpdesk/",
            "/api/docs/",
            "/accounts/me/",
        }


def test_nobody_signed_out_is_offered_a_menu(org_a, client_for):
    page = parse(client_for(org_a).get("/accounts/sign-in/"))
    assert page.find("nav", aria_label="Main") is None
