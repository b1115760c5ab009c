"""The page shell (base.html and its includes) against WCAG 2.2 AA: language, skip link,
landmarks, labels, error summary, current page, unique titles. Keyboard behaviour and focus
are proved in a real browser in tests/browser/."""

from __future__ import annotations

import pytest

from goldenthread.tenants.services import organisation_suspend
from tests.factories import provision_organisation
from tests.fixtures.accessibility import assert_form_markup
from tests.fixtures.html import Page, parse

SIGN_IN = "/accounts/sign-in/"


def assert_shell(page: Page) -> None:
    html = page.find("html")
    assert html.get("lang") == "en-GB"
    # The skip link comes before anything else that takes focus and targets main
    first = page.focusable()[0]
    assert first.get("href") == "#main-content" and "Skip to main content" in first.text
    (main,) = page.find_all("main")
    assert main.get("id") == "main-content" and main.get("tabindex") == "-1"
    # One banner and one contentinfo, at the top level (not inside main)
    (header,) = page.find_all("header")
    (footer,) = page.find_all("footer")
    for landmark in (header, footer):
        assert main not in list(landmark.ancestors())
    assert len(page.find_all("h1")) == 1
    for nav in page.find_all("nav"):
        assert nav.get("aria-label"), "every navigation landmark needs a name"
    assert_form_markup(page)


def test_signed_in_pages_have_the_shell_and_mark_the_current_page(org_a, make_user, client_for):
    member = make_user(org_a)
    client = client_for(org_a, user=member.user)

    for path, current in [("/", "Home"), ("/catalogue/", "National catalogue")]:
        page = parse(client.get(path))
        assert_shell(page)
        nav = page.find("nav", aria_label="Main")
        assert nav is not None
        marked = page.find_all("a", aria_current="page")
        assert [a.text for a in marked] == [current], path
        assert page.find("button", type="submit").text == "Sign out"


@pytest.mark.parametrize(
    "path", [SIGN_IN, "/accounts/password-reset/", "/no-such-page/", "/healthz-nope"]
)
def test_signed_out_pages_have_the_shell(path, org_a, client_for):
    response = client_for(org_a).get(path, follow=True)
    assert_shell(parse(response))


def test_error_pages_have_the_shell(db, client_for):
    suspended = provision_organisation(slug="shell-suspended", name="Shell Suspended Council")
    organisation_suspend(organisation=suspended, reason="Testing")
    from django.test import Client

    for response, status in (
        (client_for(suspended).get("/"), 403),
        (Client(HTTP_HOST="nowhere.localhost").get("/"), 404),
    ):
        assert response.status_code == status
        assert_shell(parse(response))


def test_page_titles_are_unique_and_name_the_page_and_organisation(
    org_a, org_b, make_user, client_for
):
    member = make_user(org_a)
    signed_in = client_for(org_a, user=member.user)
    titles = {
        "alpha home": parse(signed_in.get("/")).title,
        "alpha catalogue": parse(signed_in.get("/catalogue/")).title,
        "alpha sign in": parse(client_for(org_a).get(SIGN_IN)).title,
        "beta sign in": parse(client_for(org_b).get(SIGN_IN)).title,
        "alpha reset": parse(client_for(org_a).get("/accounts/password-reset/")).title,
        "public home": parse(client_for(None).get("/")).title,
        "public sign in": parse(client_for(None).get(SIGN_IN)).title,
    }
    assert len(set(titles.values())) == len(titles), titles
    assert titles["alpha home"] == "My items – Alpha District Council – Golden Thread"
    assert titles["beta sign in"] == "Sign in – Beta District Council – Golden Thread"
    assert titles["public home"] == "Welcome – Golden Thread"
    assert all(title.endswith("Golden Thread") for title in titles.values())


def test_a_wrong_password_shows_a_focused_error_summary_first(org_a, make_user, client_for):
    member = make_user(org_a)

    response = client_for(org_a).post(
        SIGN_IN, {"username": member.email, "password": "not-the-password"}
    )

    assert response.status_code == 200
    page = parse(response)
    assert page.title.startswith("Error: Sign in")
    summary = page.find(data_error_summary=True)
    assert summary is not None and "autofocus" in summary.attrs
    assert summary.get("tabindex") == "-1"
    assert "There is a problem" in summary.text
    assert "e-mail address or password is not right" in summary.text
    # It is the first thing in main, before the heading
    main = page.find("main")
    assert main.children[0] is summary
    # Only one element asks for focus on load, and it is the summary
    assert [e for e in page.elements if "autofocus" in e.attrs] == [summary]
    assert_shell(page)


def test_field_errors_are_linked_from_the_summary_and_described_on_the_input(org_a, client_for):
    response = client_for(org_a).post(SIGN_IN, {"username": "", "password": ""})

    page = parse(response)
    summary = page.find(data_error_summary=True)
    links = [a.get("href") for a in page.find_all("a") if summary in list(a.ancestors())]
    assert links == ["#id_username", "#id_password"]
    email = page.by_id("id_username")
    assert email.get("aria-invalid") == "true"
    error = page.by_id(email.get("aria-describedby"))
    assert error is not None and "Enter e-mail address" in error.text
    assert_shell(page)


def test_a_valid_form_has_no_summary_and_no_invalid_inputs(org_a, client_for):
    page = parse(client_for(org_a).get(SIGN_IN))

    assert page.find(data_error_summary=True) is None
    assert page.find(aria_invalid="true") is None
    assert not page.title.startswith("Error")
