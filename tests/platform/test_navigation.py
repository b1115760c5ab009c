"""The main navigation is the same on every page of an organisation's host (WCAG 3.2.3)."""

import re

import pytest

PAGES = [
    "/",
    "/indicators/",
    "/planning/actions/",
    "/catalogue/",
    "/partnerships/",
    "/accounts/me/",
]


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.django_db
def test_every_area_shows_the_same_main_navigation(org_a, make_user, client_for):
    officer = make_user(org_a, roles=["performance_officer"])
    client = client_for(org_a, user=officer.user)
    navigations = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        navigations[path] = nav_links(response.content.decode())
    first = navigations["/"]
    assert {"/planning/strategy/", "/indicators/", "/partnerships/"} <= set(first)
    for path, links in navigations.items():
        assert links == first, f"{path} shows a different navigation"
