"""The helpdesk console: who may use it, and provisioning, suspending and resuming through it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.accounts.models import User
from goldenthread.tenants.models import (
    Domain,
    Organisation,
    PlatformAuditAction,
    PlatformAuditEvent,
)
from goldenthread.tenants.services import organisation_suspend
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse
from tests.support import choose_password_through_link, mailed_invitation_link

PROVISION = {
    "name": "Gamma County Council",
    "slug": "gamma",
    "type": "county",
    "ons_code": "E10000042",
    "region": "east",
    "parent_county": "",
    "licensed_modules": ["performance", "planning"],
    "admin_name": "Gina Admin",
    "admin_email": "admin@gamma.example",
}
PAGES = [
    ("get", "/helpdesk/"),
    ("get", "/helpdesk/organisations/new/"),
    ("get", "/helpdesk/organisations/alpha/"),
    ("get", "/helpdesk/organisations/alpha/suspend/"),
    ("post", "/helpdesk/organisations/new/"),
    ("post", "/helpdesk/organisations/alpha/suspend/"),
]


@pytest.fixture
def org_user_on_public_host(org_a, make_user, client_for, settings):
    """An Alpha administrator's browser, signed in on Alpha, visiting the platform host."""
    member = make_user(org_a, roles=["org_admin"], is_staff=True)
    client = client_for(org_a, user=member.user)
    client.defaults["HTTP_HOST"] = settings.PLATFORM_DOMAIN
    return client


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(org_a, fresh, client_for, method, path):
    response = getattr(client_for(None), method)(
        path, {**PROVISION, "reason": "x"} if method == "post" else None
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")
    assert not Organisation.objects.filter(slug="gamma").exists()
    assert not fresh(org_a).is_suspended


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_an_organisation_user_is_not_signed_in_on_the_platform_host(
    org_a, fresh, org_user_on_public_host, method, path
):
    response = getattr(org_user_on_public_host, method)(
        path, {**PROVISION, "reason": "x"} if method == "post" else None
    )
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]
    assert not Organisation.objects.filter(slug="gamma").exists()
    assert not fresh(org_a).is_suspended


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_a_public_user_who_is_not_staff_gets_403(
    org_a, fresh, public_org, make_user, client_for, method, path
):
    visitor = make_user(public_org, email="visitor@example.com")
    response = getattr(client_for(None, user=visitor.user), method)(
        path, {**PROVISION, "reason": "x"} if method == "post" else None
    )
    assert response.status_code == 403
    assert "platform staff only" in response.content.decode()
    assert not Organisation.objects.filter(slug="gamma").exists()
    assert not fresh(org_a).is_suspended


def test_staff_see_organisations_with_search_and_status_filter(
    org_a, org_b, fresh, staff_client, django_assert_max_num_queries
):
    organisation_suspend(organisation=fresh(org_b), reason="Unpaid")

    # Six queries (session, user, count, organisations, their domains...) plus the
    # search_path switches, however many organisations there are.
    with django_assert_max_num_queries(12):
        everything = staff_client.get("/helpdesk/")
    assert everything.status_code == 200
    html = everything.content.decode()
    assert "Alpha District Council" in html and "Beta District Council" in html
    assert "alpha.localhost" in html
    assert "Golden Thread platform" not in html  # the public row is not an organisation

    by_name = staff_client.get("/helpdesk/", {"q": "alph"}).content.decode()
    assert "Alpha District Council" in by_name and "Beta District Council" not in by_name
    by_slug = staff_client.get("/helpdesk/", {"q": "beta"}).content.decode()
    assert "Beta District Council" in by_slug and "Alpha District Council" not in by_slug

    suspended = staff_client.get("/helpdesk/", {"status": "suspended"}).content.decode()
    assert "Beta District Council" in suspended and "Alpha District Council" not in suspended
    active = staff_client.get("/helpdesk/", {"status": "active"}).content.decode()
    assert "Alpha District Council" in active and "Beta District Council" not in active


def test_the_list_does_not_query_per_organisation(org_a, staff_client):
    with CaptureQueriesContext(connection) as before:
        staff_client.get("/helpdesk/")
    # Rows only (no schema needed to be listed), each with a host.
    for index in range(3):
        extra = Organisation.objects.create(
            name=f"Listed {index}", slug=f"listed-{index}", schema_name=f"org_listed_{index}",
            type="other",
        )  # fmt: skip
        Domain.objects.create(domain=f"listed-{index}.localhost", tenant=extra)
    with CaptureQueriesContext(connection) as after:
        response = staff_client.get("/helpdesk/")
    assert "listed-2.localhost" in response.content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)


def test_staff_provision_an_organisation_but_never_see_or_choose_a_password(
    org_a, staff, staff_client, client_for, mailoutbox, caplog
):
    form = staff_client.get("/helpdesk/organisations/new/")
    assert form.status_code == 200
    assert 'for="id_admin_email"' in form.content.decode()
    assert 'type="password"' not in form.content.decode()  # nothing to choose

    caplog.set_level("DEBUG")
    # A password slipped into the form is ignored: the account still has none.
    response = staff_client.post(
        "/helpdesk/organisations/new/", {**PROVISION, "admin_password": "chosen-by-the-vendor"}
    )

    assert response.status_code == 201
    html = response.content.decode()
    assert "http://gamma.localhost/accounts/sign-in/" in html
    assert "An invitation with a one-time link to choose their password is on its way" in html
    # Neither the page nor any log line carries a set-password link or a password.
    assert "password-reset" not in html and "chosen-by-the-vendor" not in html
    assert not any("password-reset" in r.getMessage() for r in caplog.records)
    gamma = Organisation.objects.get(slug="gamma")
    assert gamma.licensed_modules == ["performance", "planning"]
    assert schema_exists("org_gamma")
    event = PlatformAuditEvent.objects.get(organisation=gamma)
    assert (event.action, event.actor) == (
        PlatformAuditAction.ORGANISATION_PROVISIONED,
        staff.email,
    )

    with schema_context("org_gamma"):
        assert not User.objects.get(email="admin@gamma.example").has_usable_password()

    # The administrator chooses a password through the mailed link, then signs in.
    link = mailed_invitation_link(
        mailoutbox,
        organisation=gamma,
        email="admin@gamma.example",
        base_url="http://gamma.localhost",
    )
    admin = client_for(gamma)
    choose_password_through_link(admin, link, "a-new-administrator-password")
    signed_in = admin.post(
        "/accounts/sign-in/",
        {"username": "admin@gamma.example", "password": "a-new-administrator-password"},
    )
    assert signed_in.status_code == 302


def test_provisioning_a_district_under_a_county(org_a, staff_client):
    staff_client.post("/helpdesk/organisations/new/", PROVISION)
    response = staff_client.post(
        "/helpdesk/organisations/new/",
        {
            **PROVISION,
            "name": "Delta District",
            "slug": "delta",
            "type": "district",
            "ons_code": "E07000042",
            "parent_county": "gamma",
            "admin_email": "admin@delta.example",
        },
    )
    assert response.status_code == 201
    assert Organisation.objects.get(slug="delta").parent_county.slug == "gamma"


def test_provision_form_shows_each_problem_beside_its_field(org_a, staff_client):
    response = staff_client.post(
        "/helpdesk/organisations/new/",
        {
            **PROVISION,
            "slug": "alpha",
            "type": "district",
            "ons_code": "E10000001",
            "admin_email": "not-an-address",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["slug"] == ["An organisation with the slug 'alpha' already exists."]
    assert form.errors["ons_code"] == ["A district council has an ONS code starting E07."]
    assert "admin_email" in form.errors
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_ons_code"' in html
    assert Organisation.objects.filter(slug="alpha").count() == 1
    assert_form_markup(parse(response))


def test_a_bad_module_choice_is_linked_to_the_modules_fieldset_and_the_summary_takes_focus(
    org_a, staff_client
):
    response = staff_client.post(
        "/helpdesk/organisations/new/",
        {**PROVISION, "licensed_modules": ["performance", "telepathy"], "admin_name": ""},
    )

    assert response.status_code == 400
    page = parse(response)
    (summary,) = summaries(page)
    assert "autofocus" in summary.attrs and summary.get("tabindex") == "-1"
    assert summary_links(page, summary) == ["#id_licensed_modules", "#id_admin_name"]
    modules = page.by_id("id_licensed_modules")
    assert modules.tag == "fieldset" and modules.children[0].text == "Licensed modules"
    assert (
        "telepathy is not one of the available choices"
        in page.by_id("id_licensed_modules_error").text
    )
    assert_form_markup(page)
    assert not Organisation.objects.filter(slug="gamma").exists()


def test_service_errors_that_only_the_service_knows_land_on_their_field(org_a, staff_client):
    # The form accepts the district and the parent; the service refuses the pairing.
    staff_client.post("/helpdesk/organisations/new/", PROVISION)
    response = staff_client.post(
        "/helpdesk/organisations/new/",
        {**PROVISION, "slug": "police", "type": "police", "ons_code": "",
         "parent_county": "gamma", "admin_email": "a@police.example"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["parent_county"] == [
        "Only a district council has a parent county."
    ]
    assert not Organisation.objects.filter(slug="police").exists()
    assert not schema_exists("org_police")


def test_staff_see_an_organisations_details(org_a, staff_client, make_user):
    make_user(org_a, roles=["org_admin"])  # a second administrator besides the first
    response = staff_client.get("/helpdesk/organisations/alpha/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alpha.localhost (primary)" in html
    assert re.search(r'data-testid="admin-count">\s*2\s*<', html)
    assert "org_alpha" in html
    assert "Organisation provisioned" in html  # the provisioning audit event


def test_the_details_name_modules_and_audit_details_in_words_not_codes(org_a, staff_client):
    assert staff_client.post("/helpdesk/organisations/new/", PROVISION).status_code == 201

    html = staff_client.get("/helpdesk/organisations/gamma/").content.decode()

    modules = "Performance indicators; and Plans, actions and risks"
    assert f"<dt>Licensed modules</dt><dd>{modules}</dd>" in html
    details = " ".join(re.findall(r'<span class="audit-detail">([^<]*)</span>', html))
    assert f"Licensed modules: {modules}" in details
    assert "Type: County council" in details or "Type: County" in details
    assert "Invitation sent to: admin@gamma.example" in details
    # No Python list, no field code
    assert "[&#x27;" not in html and "performance&#x27;" not in html
    assert "licensed_modules" not in details and "invitation_sent_to" not in details


def test_an_unknown_organisation_is_404(db, staff_client):
    assert staff_client.get("/helpdesk/organisations/nowhere/").status_code == 404
    # the platform's own row is not an organisation the console manages
    assert staff_client.get("/helpdesk/organisations/platform/").status_code == 404


def test_staff_suspend_with_a_reason_after_confirming(
    org_a, fresh, staff, staff_client, client_for
):
    confirm = staff_client.get("/helpdesk/organisations/alpha/suspend/")
    assert confirm.status_code == 200
    assert "every user of Alpha District Council loses access" in confirm.content.decode()
    assert not fresh(org_a).is_suspended  # looking at the confirmation changes nothing

    without_reason = staff_client.post("/helpdesk/organisations/alpha/suspend/", {"reason": ""})
    assert without_reason.status_code == 400
    assert "Enter reason for suspending" in without_reason.content.decode()
    page = parse(without_reason)
    (summary,) = summaries(page)
    assert summary_links(page, summary) == ["#id_reason"] and "autofocus" in summary.attrs
    assert_form_markup(page)
    assert not fresh(org_a).is_suspended

    done = staff_client.post("/helpdesk/organisations/alpha/suspend/", {"reason": "Contract ended"})
    assert done.status_code == 302
    assert done["Location"] == "/helpdesk/organisations/alpha/"
    assert fresh(org_a).status_reason == "Contract ended"
    assert client_for(org_a).get("/accounts/sign-in/").status_code == 403

    detail = staff_client.get(done["Location"]).content.decode()
    assert "Alpha District Council is suspended." in detail  # the flash message
    assert "Suspended</span>: Contract ended" in detail
    assert "Organisation suspended" in detail and staff.email in detail


def test_staff_resume_a_suspended_organisation(org_a, fresh, staff, staff_client, client_for):
    organisation_suspend(organisation=fresh(org_a), reason="Unpaid")
    confirm = staff_client.get("/helpdesk/organisations/alpha/resume/")
    assert "because: Unpaid" in confirm.content.decode()
    assert fresh(org_a).is_suspended

    done = staff_client.post("/helpdesk/organisations/alpha/resume/")
    assert done.status_code == 302
    assert not fresh(org_a).is_suspended
    assert client_for(org_a).get("/accounts/sign-in/").status_code == 200
    event = PlatformAuditEvent.objects.filter(organisation=org_a).first()
    assert (event.action, event.actor) == (PlatformAuditAction.ORGANISATION_RESUMED, staff.email)


def test_resuming_an_active_organisation_says_so_and_changes_nothing(org_a, staff_client):
    before = PlatformAuditEvent.objects.count()
    response = staff_client.post("/helpdesk/organisations/alpha/resume/", follow=True)
    assert "Alpha District Council is not suspended." in response.content.decode()
    assert PlatformAuditEvent.objects.count() == before


def test_a_non_staff_user_cannot_resume(org_a, fresh, public_org, make_user, client_for):
    organisation_suspend(organisation=fresh(org_a), reason="Unpaid")
    visitor = make_user(public_org, email="visitor@example.com")
    response = client_for(None, user=visitor.user).post("/helpdesk/organisations/alpha/resume/")
    assert response.status_code == 403
    assert fresh(org_a).is_suspended
