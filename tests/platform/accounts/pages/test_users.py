"""User administration pages (/users/ on an organisation's host)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import Role, User, UserAuditEntry
from tests.platform.accounts.user_imports import check_uploaded_page
from tests.refusals import database_state

NON_ADMIN_ROLES = [role for role in Role.values if role != Role.ORGANISATION_ADMIN]


def test_the_users_link_is_shown_to_administrators_only(org_a, admin, make_user, client_for):
    html = client_for(org_a, user=admin).get("/users/").content.decode()
    assert 'href="/users/" aria-current="page">Users</a>' in html
    officer = make_user(org_a, roles=[Role.PERFORMANCE_OFFICER]).user
    assert 'href="/users/"' not in client_for(org_a, user=officer).get("/").content.decode()


def test_the_list_shows_roles_state_sign_in_and_end_date_filters_and_exports(
    org_a, admin, make_user, client_for, in_a_year
):
    make_user(org_a, roles=[Role.AUDITOR], full_name="Aud Itor Xq", access_expires_at=in_a_year)
    gone = make_user(org_a, roles=[Role.VERIFIER], full_name="Gone Xq").user
    with schema_context(org_a.schema_name):
        User.objects.filter(pk=gone.pk).update(is_active=False)
    client = client_for(org_a, user=admin)
    html = client.get("/users/", {"q": "xq"}).content.decode()
    assert "Aud Itor Xq" in html and "Gone Xq" in html
    assert "Auditor" in html and in_a_year.strftime("%Y") in html and "Deactivated" in html
    assert "Not set up" in html
    html = client.get("/users/", {"q": "xq", "state": "deactivated"}).content.decode()
    assert "Gone Xq" in html and "Aud Itor Xq" not in html
    html = client.get("/users/", {"q": "xq", "role": "auditor"}).content.decode()
    assert "Aud Itor Xq" in html and "Gone Xq" not in html

    export = client.get("/users/export.csv", {"q": "xq"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(r["name"], r["roles"], r["state"]) for r in rows] == [
        ("Aud Itor Xq", "auditor", "active"),
        ("Gone Xq", "verifier", "deactivated"),
    ]
    assert rows[0]["access ends"] == timezone.localtime(in_a_year).date().isoformat()
    assert rows[0]["mfa"] == "not set up"


def test_an_administrator_invites_changes_and_deactivates_through_the_pages(
    org_a, admin, make_user, client_for
):
    client = client_for(org_a, user=admin)
    refused = client.post(
        "/users/invite/",
        {"full_name": "Ann", "email": "ann@alpha.example", "roles": ["auditor"]},
    )
    assert refused.status_code == 400 and "needs an end date" in refused.content.decode()
    made = client.post(
        "/users/invite/",
        {
            "full_name": "Ann",
            "email": "ann@alpha.example",
            "roles": ["auditor"],
            "access_expires_at": "2099-03-31",
        },
    )
    assert made.status_code == 302
    with schema_context(org_a.schema_name):
        ann = User.objects.get(email="ann@alpha.example")
    assert made["Location"] == f"/users/{ann.pk}/"
    # The invitation is queued for the worker, not sent yet: the page does not claim it was
    page = client.get(made["Location"]).content.decode()
    assert "An invitation with a link is on its way to ann@alpha.example." in page
    changed = client.post(
        f"/users/{ann.pk}/", {"roles": ["auditor", "manager"], "access_expires_at": "2099-06-30"}
    )
    assert changed.status_code == 302
    member = make_user(org_a, roles=[Role.VERIFIER]).user
    session = client_for(org_a, user=member)
    assert session.get("/accounts/me/").status_code == 200
    assert client.post(f"/users/{member.pk}/deactivate/").status_code == 302
    assert session.get("/accounts/me/").status_code == 302  # signed out at once
    detail = client.get(f"/users/{member.pk}/").content.decode()
    assert "Deactivated" in detail and "Reactivate" in detail
    with schema_context(org_a.schema_name):
        ann.refresh_from_db()
        assert ann.roles == ["auditor", "manager"]
        assert ann.access_expires_at.date().isoformat() == "2099-06-30"
        assert not User.objects.get(pk=member.pk).is_active
        assert UserAuditEntry.objects.filter(user=ann).count() == 3


def test_an_administrator_imports_from_a_spreadsheet_with_a_preview(org_a, admin, client_for):
    client = client_for(org_a, user=admin)
    bad = b"name,email,roles\nA,a@pages-import.example,verifier\nB,b@pages-import.example,x\n"
    uploaded = client.post("/users/import/", {"file": SimpleUploadedFile("p.csv", bad)})
    # The page waits for the worker (polling), which the test's transaction stands in for
    waiting = client.get(uploaded["Location"]).content.decode()
    assert "Checking the file" in waiting and "job-progress.js" in waiting
    check_uploaded_page(org_a, uploaded)
    preview = client.get(uploaded["Location"]).content.decode()
    assert "1 problem to fix" in preview and "Unknown role(s): x." in preview
    two_roles = b'name,email,roles\nA,a@pages-import.example,"verifier, data_provider"\n'
    uploaded = client.post("/users/import/", {"file": SimpleUploadedFile("r.csv", two_roles)})
    check_uploaded_page(org_a, uploaded)
    roles_shown = client.get(uploaded["Location"]).content.decode()
    assert "<td>Data provider and Verifier</td>" in roles_shown  # labels, not codes
    assert "data_provider" not in roles_shown
    good = "name,email,roles\n" + "".join(
        f"Person {n},p{n}@pages-import.example,verifier\n" for n in range(300)
    )
    uploaded = client.post("/users/import/", {"file": SimpleUploadedFile("p.csv", good.encode())})
    check_uploaded_page(org_a, uploaded)
    preview = client.get(uploaded["Location"]).content.decode()
    assert "Invite 300 people" in preview
    committed = client.post(uploaded["Location"] + "commit/")
    assert committed.status_code == 302 and committed["Location"] == "/users/"
    with schema_context(org_a.schema_name):
        assert User.objects.filter(email__endswith="@pages-import.example").count() == 300
    # The invitations are queued for the worker: the page says they are on their way
    listed = client.get("/users/").content.decode()
    assert "Invited 300 people: an invitation with a link is on its way to each." in listed


def _pages(pk: int, import_pk: int):
    return [
        ("get", "/users/", None),
        ("get", "/users/export.csv", None),
        ("get", "/users/invite/", None),
        ("post", "/users/invite/", {"full_name": "N", "email": "n@alpha.example"}),
        ("get", f"/users/{pk}/", None),
        ("post", f"/users/{pk}/", {"roles": ["manager"]}),
        ("post", f"/users/{pk}/deactivate/", None),
        ("post", f"/users/{pk}/reactivate/", None),
        ("post", f"/users/{pk}/mfa-reset/", None),
        ("post", "/users/mfa-policy/", {"mfa_required_for_everyone": "on"}),
        ("get", "/users/import/", None),
        ("post", "/users/import/", None),
        ("get", f"/users/import/{import_pk}/", None),
        ("get", f"/users/import/{import_pk}/status.json", None),
        ("post", f"/users/import/{import_pk}/commit/", None),
    ]


@pytest.fixture
def target(org_a, admin, make_user):
    from tests.platform.accounts.user_imports import checked_import

    person = make_user(org_a, roles=[Role.VERIFIER]).user
    with schema_context(org_a.schema_name):
        preview = checked_import(
            actor=admin, file_name="p.csv", content=b"name,email,roles\nX,x@alpha.example,\n"
        )
    return person.pk, preview.pk


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_every_page_is_refused_to_each_non_admin_role_and_nothing_changes(
    org_a, org_b, make_user, client_for, target, role
):
    client = client_for(org_a, user=make_user(org_a, roles=[role]).user)
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)
    for method, path, body in _pages(*target):
        assert getattr(client, method)(path, body or {}).status_code == 403, (role, path)
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    assert changed in ([], [f"{org_a.schema_name}.planning_auditoraccesslog"]), changed


def test_every_page_is_refused_to_anonymous_visitors_and_another_organisation(
    org_a, org_b, make_user, client_for, target
):
    other_admin = make_user(org_b, roles=[Role.ORGANISATION_ADMIN]).user
    elsewhere = client_for(org_b, user=other_admin)
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)
    anonymous = client_for(org_a)
    for method, path, body in _pages(*target):
        response = getattr(anonymous, method)(path, body or {})
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/sign-in/")
    # Another organisation's administrator signed in there is a stranger here.
    carried = client_for(org_a)
    for name, morsel in elsewhere.cookies.items():  # a copy: this host clears what it rejects
        carried.cookies[name] = morsel.value
    assert carried.get("/users/").status_code == 302
    # On their own host, our user and import ids name nothing of theirs.
    person_pk, import_pk = target
    with schema_context(org_b.schema_name):
        unknown = not User.objects.filter(pk=person_pk).exists()
    if unknown:
        assert elsewhere.post(f"/users/{person_pk}/deactivate/").status_code == 404
    assert elsewhere.get(f"/users/import/{import_pk}/").status_code == 404
    assert elsewhere.get(f"/users/import/{import_pk}/status.json").status_code == 404
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    assert [t for t in changed if not t.endswith("django_session")] == []


def test_the_public_host_has_no_user_administration(admin, client_for):
    assert client_for(None).get("/users/").status_code == 404


def test_the_pages_have_labelled_fields_and_working_error_summaries(
    org_a, admin, make_user, client_for
):
    from tests.fixtures.accessibility import assert_form_markup
    from tests.fixtures.html import parse

    client = client_for(org_a, user=admin)
    member = make_user(org_a, roles=[Role.VERIFIER]).user
    for response in (
        client.get("/users/"),
        client.get("/users/import/"),
        client.post("/users/invite/", {"full_name": "", "email": "nope", "roles": ["auditor"]}),
        client.post(f"/users/{member.pk}/", {"roles": ["auditor"]}),
    ):
        page = parse(response)
        assert_form_markup(page)
        assert len(page.find_all("h1")) == 1
