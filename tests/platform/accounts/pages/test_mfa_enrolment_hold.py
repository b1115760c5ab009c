"""A person who must use MFA and has not set it up signs in with the password only and is
then held on the enrolment page. The hold has no way round: every route of the organisation's
host (pages, REST with the session's cookie, GraphQL), asked with GET or POST, answers with
the enrolment page (pages) or 403 `mfa_enrolment_required` in the API error body (REST and
GraphQL), and nothing is written; the same on the public host for helpdesk staff. Once the
person has enrolled, the same session goes everywhere its roles allow."""

from __future__ import annotations

import json

import pytest

from goldenthread.platform.accounts.models import Role
from tests.fixtures.mfa import ENROL, enrol
from tests.platform.core.test_door import PUBLIC_URLCONF, TENANT_URLCONF, concrete, routes
from tests.refusals import database_state

PASSWORD = "correct-horse-battery-staple"
# What the hold lets through: enrolling (the page and its QR code, or adding a security key
# instead of the app), signing out, and the idle warning's questions about the session itself
# (how long is left; stay signed in).
OPEN = {
    ENROL,
    "/accounts/me/mfa/set-up/qr.svg",
    "/accounts/me/mfa/keys/add/",
    "/accounts/me/mfa/keys/options/",
    "/accounts/sign-out/",
    "/accounts/me/session/",
    "/accounts/me/session/keep-alive/",
}
GRAPHQL_QUERY = {"query": "{ __typename }"}


def held_client(client, email: str):
    response = client.post("/accounts/sign-in/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == ENROL
    return client


def every_path(urlconf: str) -> list[str]:
    paths = {concrete(route) for route, _ in routes(urlconf)}
    return sorted(path for path in paths if path not in OPEN)


def answers_with_the_hold(response) -> bool:
    if response.status_code == 302:
        return response["Location"] == ENROL
    if response.status_code == 403 and response["Content-Type"].startswith("application/json"):
        return response.json()["code"] == "mfa_enrolment_required"
    return False


def walk(client, paths: list[str]) -> dict[str, int]:
    """Every path by GET and by POST; what answered otherwise than with the hold."""
    escaped = {}
    for path in paths:
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if not answers_with_the_hold(response):
                escaped[f"{method.upper()} {path}"] = response.status_code
    return escaped


@pytest.mark.parametrize("required_by", ["administrator", "organisation_policy"])
def test_no_route_of_the_organisations_host_escapes_the_hold(
    org_a, org_b, make_user, client_for, required_by
):
    if required_by == "administrator":
        person = make_user(org_a, roles=[Role.ORGANISATION_ADMIN])
    else:
        org_a.mfa_required_for_everyone = True
        org_a.save(update_fields=["mfa_required_for_everyone"])
        person = make_user(org_a, roles=[Role.PERFORMANCE_OFFICER, Role.DATA_PROVIDER])
    client = held_client(client_for(org_a), person.user.email)
    paths = every_path(TENANT_URLCONF)
    assert len(paths) > 150 and "/api/v1/accounts/users/" in paths and "/graphql/" in paths
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)

    assert walk(client, paths) == {}
    # The enrolment page's idle warning may still ask about the session itself.
    status = client.get("/accounts/me/session/", HTTP_ACCEPT="application/json")
    assert status.status_code == 200 and "seconds_left" in status.json()

    # REST and GraphQL with the session's cookie, with real bodies, say why in JSON.
    rest = client.post(
        "/api/v1/accounts/users/",
        {"email": "x@alpha.example", "full_name": "X", "roles": []},
        content_type="application/json",
    )
    assert rest.status_code == 403 and rest.json()["code"] == "mfa_enrolment_required"
    assert "multi-factor authentication" in rest.json()["message"]
    graphql = client.post("/graphql/", json.dumps(GRAPHQL_QUERY), content_type="application/json")
    assert graphql.status_code == 403 and graphql.json()["code"] == "mfa_enrolment_required"
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    assert [t for t in changed if not t.endswith("django_session")] == []

    # Enrolling is the way on: the same session then reaches pages, REST and GraphQL.
    enrol(client)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    graphql = client.post("/graphql/", json.dumps(GRAPHQL_QUERY), content_type="application/json")
    assert graphql.status_code == 200


def test_signing_in_again_does_not_lift_the_hold(org_a, make_user, client_for):
    person = make_user(org_a, roles=[Role.ORGANISATION_ADMIN])
    client = held_client(client_for(org_a), person.user.email)
    client.post("/accounts/sign-out/")
    held_client(client, person.user.email)
    assert client.get("/users/")["Location"] == ENROL


def test_no_route_of_the_public_host_escapes_the_hold_for_helpdesk_staff(
    public_org, make_user, client_for
):
    staff = make_user(public_org, email="held@goldenthread.example", is_staff=True)
    client = held_client(client_for(None), staff.user.email)
    paths = every_path(PUBLIC_URLCONF)
    assert "/helpdesk/" in paths
    before = database_state("public")

    assert walk(client, paths) == {}

    changed = [t for t, digest in database_state("public").items() if before.get(t) != digest]
    assert [t for t in changed if not t.endswith("django_session")] == []
