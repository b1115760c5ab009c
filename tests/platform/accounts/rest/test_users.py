"""User administration over REST (/api/v1/accounts/users/): what administrators do, and
every operation refused to anonymous callers, another organisation and each other role, with
nothing changed. (The writes are also in the refusal matrix,
`tests/platform/test_api_write_refusals.py`.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import Role, User, UserAuditEntry, UserImport
from goldenthread.platform.accounts.services import api_credential_issue
from tests.platform.accounts.user_imports import check_on_worker
from tests.refusals import database_state

USERS = "/api/v1/accounts/users/"
NON_ADMIN_ROLES = [role for role in Role.values if role != Role.ORGANISATION_ADMIN]


def key_for(organisation, user) -> str:
    with schema_context(organisation.schema_name):
        return api_credential_issue(user=user, name="test")[1]


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_an_administrator_lists_filters_and_reads_users(org_a, admin, make_user, client_for):
    make_user(org_a, roles=[Role.COUNCILLOR], full_name="Cllr Zed Quill")
    client = client_for(org_a, user=admin)
    page = client.get(USERS, {"role": "councillor", "q": "quill"}).json()
    assert [row["full_name"] for row in page["results"]] == ["Cllr Zed Quill"]
    row = page["results"][0]
    assert row["state"] == "active" and row["mfa"] == "not set up" and row["sso"] == "not set up"
    assert client.get(f"{USERS}{row['id']}/").json()["roles"] == ["councillor"]
    assert client.get(f"{USERS}999999/").status_code == 404


def test_an_administrator_invites_changes_and_extends_an_auditor_by_api(
    org_a, admin, client_for, in_a_year
):
    client = client_for(org_a, user=admin)
    refused = client.post(
        USERS,
        {"email": "a@alpha.example", "full_name": "A", "roles": ["auditor"]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["extra"]["fields"]["access_expires_at"]
    made = client.post(
        USERS,
        {
            "email": "a@alpha.example",
            "full_name": "A",
            "roles": ["auditor"],
            "access_expires_at": in_a_year.isoformat(),
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    later = in_a_year.replace(year=in_a_year.year + 1)
    changed = client.patch(
        f"{USERS}{pk}/",
        {"access_expires_at": later.isoformat(), "roles": ["auditor", "verifier"]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["roles"] == ["auditor", "verifier"]
    history = client.get(f"{USERS}{pk}/history/").json()["results"]
    assert [entry["action"] for entry in history] == [
        "access_end_changed",
        "roles_changed",
        "invited",
    ]
    assert history[0]["actor_email"] == admin.email
    with schema_context(org_a.schema_name):
        assert User.objects.get(pk=pk).access_expires_at == later
        assert sorted(
            UserAuditEntry.objects.filter(user_id=pk).values_list("action", flat=True)
        ) == [
            "access_end_changed",
            "invited",
            "roles_changed",
        ]


def test_an_administrator_imports_users_from_a_spreadsheet_by_api(org_a, admin, client_for):
    client = client_for(org_a, user=admin)
    content = b"name,email,roles\nOne,one@api-import.example,verifier\nTwo,bad,verifier\n"
    kept = client.post(f"{USERS}imports/", {"file": SimpleUploadedFile("p.csv", content)})
    # Accepted, not read: the worker checks it, and the client asks the Location until then
    assert kept.status_code == 202 and kept["Retry-After"] == "1"
    assert kept.json()["status"] == "checking" and kept.json()["problems"] == []
    assert kept["Location"] == f"{USERS}imports/{kept.json()['id']}/"
    assert client.get(kept["Location"]).json()["status"] == "checking"
    check_on_worker(org_a, kept.json()["id"])
    preview = client.get(kept["Location"]).json()
    assert preview["status"] == "previewed" and preview["can_commit"] is False
    assert preview["problems"] == [{"row": 3, "message": "'bad' is not an e-mail address."}]
    refused = client.post(f"{USERS}imports/{preview['id']}/commit/")
    assert refused.status_code == 400 and refused.json()["extra"]["problems"]
    good = b"name,email,roles\nOne,one@api-import.example,verifier\n"
    preview = client.post(f"{USERS}imports/", {"file": SimpleUploadedFile("p.csv", good)}).json()
    check_on_worker(org_a, preview["id"])
    assert client.get(f"{USERS}imports/{preview['id']}/").json()["rows"][0]["row"] == 2
    done = client.post(f"{USERS}imports/{preview['id']}/commit/")
    assert done.status_code == 200 and done.json()["status"] == "committed"
    with schema_context(org_a.schema_name):
        assert User.objects.filter(email="one@api-import.example").exists()


def test_the_last_administrator_cannot_deactivate_themself_by_api(
    org_a, sole_administrator, client_for
):
    client = client_for(org_a, user=sole_administrator)
    response = client.post(f"{USERS}{sole_administrator.pk}/deactivate/")
    assert response.status_code == 409
    assert response.json()["code"] == "last_administrator"
    demoted = client.patch(
        f"{USERS}{sole_administrator.pk}/", {"roles": []}, content_type="application/json"
    )
    assert demoted.status_code == 409


def test_deactivation_stops_a_live_session_and_an_api_key_at_once_and_reactivation_restores(
    org_a, admin, make_user, client_for
):
    member = make_user(org_a, roles=[Role.VERIFIER]).user
    session = client_for(org_a, user=member)
    key = key_for(org_a, member)
    keyed = client_for(org_a)
    assert session.get("/api/v1/me/").status_code == 200
    assert session.get("/accounts/me/").status_code == 200
    assert keyed.get("/api/v1/me/", **bearer(key)).status_code == 200

    answer = client_for(org_a, user=admin).post(f"{USERS}{member.pk}/deactivate/")
    assert answer.status_code == 200 and answer.json()["state"] == "deactivated"

    assert session.get("/api/v1/me/").status_code in (401, 403)
    page = session.get("/accounts/me/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/sign-in/")
    refused = keyed.get("/api/v1/me/", **bearer(key))
    assert refused.status_code == 401
    assert "not active" in refused.json()["message"]

    client_for(org_a, user=admin).post(f"{USERS}{member.pk}/reactivate/")
    assert keyed.get("/api/v1/me/", **bearer(key)).status_code == 200
    # The session was deleted, not suspended: signing in again is needed.
    assert session.get("/api/v1/me/").status_code in (401, 403)


def _reads(pk: int, import_pk: int) -> list[tuple[str, str]]:
    return [
        ("get", USERS),
        ("get", f"{USERS}{pk}/"),
        ("get", f"{USERS}{pk}/history/"),
        ("get", f"{USERS}imports/{import_pk}/"),
    ]


def _writes(pk: int, import_pk: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("post", USERS, {"email": "n@alpha.example", "full_name": "N", "roles": []}),
        ("patch", f"{USERS}{pk}/", {"roles": ["manager"]}),
        ("post", f"{USERS}{pk}/deactivate/", None),
        ("post", f"{USERS}{pk}/reactivate/", None),
        ("post", f"{USERS}imports/{import_pk}/commit/", None),
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
def test_every_operation_is_refused_to_each_non_admin_role_and_nothing_changes(
    org_a, org_b, make_user, client_for, target, role
):
    actor = make_user(org_a, roles=[role]).user
    client = client_for(org_a, user=actor)
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)
    for method, path in _reads(*target):
        assert getattr(client, method)(path).status_code == 403, (role, path)
    for method, path, body in _writes(*target):
        response = getattr(client, method)(path, body or {}, content_type="application/json")
        assert response.status_code == 403, (role, path)
    upload = client.post(
        f"{USERS}imports/", {"file": SimpleUploadedFile("p.csv", b"name,email,roles\n")}
    )
    assert upload.status_code == 403
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    # An auditor's every request is written to the auditor access log, by design.
    assert changed in ([], [f"{org_a.schema_name}.planning_auditoraccesslog"]), changed


def test_every_operation_is_refused_to_anonymous_callers_and_another_organisation(
    org_a, org_b, make_user, client_for, target
):
    # Every role but auditor: an auditor's requests are logged, by design.
    other_admin = make_user(org_b, roles=[r for r in Role.values if r != Role.AUDITOR]).user
    other_key = key_for(org_b, other_admin)
    elsewhere = client_for(org_b, user=other_admin)
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)
    anonymous, home = client_for(org_a), client_for(org_a)
    for method, path in _reads(*target):
        assert getattr(anonymous, method)(path).status_code == 401
        assert getattr(home, method)(path, **bearer(other_key)).status_code == 401
    for method, path, body in _writes(*target):
        assert (
            getattr(anonymous, method)(
                path, body or {}, content_type="application/json"
            ).status_code
            == 401
        )
        assert (
            getattr(home, method)(
                path, body or {}, content_type="application/json", **bearer(other_key)
            ).status_code
            == 401
        )
    # The other organisation's administrator, on its own host, cannot reach our user by id.
    person_pk, import_pk = target
    with schema_context(org_b.schema_name):
        clash = User.objects.filter(pk=person_pk).exists()
        import_clash = UserImport.objects.filter(pk=import_pk).exists()
    if not import_clash:
        assert elsewhere.post(f"{USERS}imports/{import_pk}/commit/").status_code == 404
    if not clash:
        assert elsewhere.post(f"{USERS}{person_pk}/deactivate/").status_code == 404
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    assert [t for t in changed if not t.endswith("django_session")] == []
