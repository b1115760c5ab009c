"""The organisation door: nothing reaches an organisation's data except through it, and on the
public host (no organisation) every organisation route, REST view, page and GraphQL field is
refused cleanly — never a 500.

The walks below fail when someone adds a view without the door: a REST view that is neither an
`OrganisationApi` nor a `PlatformApi`, a page mounted without `organisation_pages`/
`platform_pages`, or a GraphQL field that reads organisation data without
`require_organisation`.
"""

from __future__ import annotations

import re

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context

from goldenthread.graphql.api import schema
from goldenthread.platform.accounts.rest.views import MeApi
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.core.door import (
    NO_ORGANISATION_HERE,
    ORGANISATION,
    PLATFORM,
    OrganisationApi,
    PlatformApi,
    organisation_page,
)
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull

TENANT_URLCONF = "goldenthread.platform.urls_tenant"
PUBLIC_URLCONF = "goldenthread.platform.urls_public"
NOT_HERE = {"message": NO_ORGANISATION_HERE, "code": "not_found", "extra": {}}
# Root GraphQL fields that serve platform data (the national catalogue) on every host.
PLATFORM_GRAPHQL_FIELDS = {"catalogueIndicators", "catalogueIndicator"}


def routes(urlconf: str):
    """(route as written, callback) for every URL pattern of a URLconf, includes expanded."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                assert isinstance(pattern, URLPattern)
                yield prefix + str(pattern.pattern), pattern.callback

    return list(walk(get_resolver(urlconf).url_patterns, ""))


def rest_class(callback):
    return getattr(callback, "cls", None)


def door_of(callback):
    return getattr(callback, "organisation_door", None)


def concrete(route: str) -> str:
    """A path for a route, with a made-up value for each parameter."""
    samples = {"int": "1", "slug": "accept", "str": "x", "catalogue_code": "NI-1"}

    def value(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return samples.get(converter, "1")

    path = re.sub(r"<(?:(\w+):)?\w+>", value, route)
    return "/" + path.lstrip("^").rstrip("$")


def organisation_rest_routes() -> list[str]:
    return [
        concrete(route)
        for route, callback in routes(TENANT_URLCONF)
        if rest_class(callback) and issubclass(rest_class(callback), OrganisationApi)
    ]


# --- every route has a door -----------------------------------------------------------------


def test_every_route_on_an_organisation_host_goes_through_the_door_or_says_it_is_platform():
    doorless = []
    for route, callback in routes(TENANT_URLCONF):
        cls = rest_class(callback)
        if cls is not None:
            if not issubclass(cls, OrganisationApi | PlatformApi):
                doorless.append(f"{route} ({cls.__name__}: not an OrganisationApi/PlatformApi)")
        elif door_of(callback) not in (ORGANISATION, PLATFORM):
            doorless.append(f"{route} ({callback.__module__}.{callback.__name__})")
    assert doorless == []
    # The walk sees the whole tenant surface (so an empty walk cannot pass by accident).
    kinds = [door_of(c) for _, c in routes(TENANT_URLCONF) if not rest_class(c)]
    assert kinds.count(ORGANISATION) > 90
    assert len(organisation_rest_routes()) > 60


def test_the_public_host_mounts_only_platform_routes():
    organisation_routes = []
    for route, callback in routes(PUBLIC_URLCONF):
        cls = rest_class(callback)
        if cls is not None:
            if not issubclass(cls, PlatformApi):
                organisation_routes.append(f"{route} ({cls.__name__})")
        elif door_of(callback) != PLATFORM:
            organisation_routes.append(f"{route} ({callback.__module__}.{callback.__name__})")
    assert organisation_routes == []


def test_a_platform_api_must_say_who_may_use_it():
    with pytest.raises(TypeError, match="declare its permission_classes"):

        class Careless(PlatformApi):
            pass


# --- the public host: 404 in the API error body, never 500 ----------------------------------


@pytest.fixture
def public_staff(db, make_user):
    from goldenthread.tenants.services import ensure_public_organisation

    return make_user(ensure_public_organisation(), is_staff=True)


@pytest.fixture
def public_staff_key(public_staff):
    with schema_context("public"):
        _, key = api_credential_issue(user=public_staff.user, name="probe")
    return key


def public_rows() -> dict[str, int]:
    """Row counts of the public schema's shared data, to show a refusal changed nothing."""
    from goldenthread.partnerships.models import Partnership, PartnershipInvitation
    from goldenthread.shared_indicators.benchmarking.models import Club, ClubMembership

    return {
        model.__name__: model.objects.count()
        for model in (Partnership, PartnershipInvitation, Club, ClubMembership)
    }


def test_every_organisation_rest_route_on_the_public_host_is_a_404_with_the_error_body(
    public_staff, public_staff_key, client_for
):
    before = public_rows()
    session = client_for(None, user=public_staff.user)
    keyed = client_for(None)
    answers = {}
    for path in organisation_rest_routes():
        for who, client, headers in [
            ("staff session", session, {}),
            ("staff API key", keyed, {"HTTP_AUTHORIZATION": f"Bearer {public_staff_key}"}),
        ]:
            for method in ("get", "post"):
                response = getattr(client, method)(path, **headers)
                answer = (response.status_code, response.json())
                if answer != (404, NOT_HERE):
                    answers[f"{method.upper()} {path} as {who}"] = answer
    assert answers == {}
    assert public_rows() == before


def test_the_reported_routes_no_longer_fail_on_the_public_host(public_staff, client_for):
    staff = client_for(None, user=public_staff.user)
    for path in [
        "/api/v1/indicators/",
        "/api/v1/indicators/values/due/",
        "/api/v1/planning/actions/",
        "/api/v1/partnerships/",
        "/api/v1/me/",
        "/api/v1/no-such-thing/",
    ]:
        response = staff.get(path)
        assert (response.status_code, response.json()) == (404, NOT_HERE), path


def test_the_platform_api_still_serves_the_public_host(public_staff, client_for):
    staff = client_for(None, user=public_staff.user)
    assert staff.get("/api/v1/catalogue/indicators/").status_code == 200
    assert client_for(None).get("/api/schema/").status_code == 200


def test_an_organisation_api_refuses_a_request_without_an_organisation_wherever_mounted(
    public_staff,
):
    # Defence in depth: even if a URLconf mounted a tenant view on the public host.
    request = RequestFactory().get("/api/v1/me/")
    request.organisation = None
    request.user = public_staff.user
    response = MeApi.as_view()(request)
    assert (response.status_code, response.data) == (404, NOT_HERE)


def test_organisation_pages_on_the_public_host_are_the_404_page(public_staff, client_for):
    staff = client_for(None, user=public_staff.user)
    for path in ["/indicators/", "/planning/", "/partnerships/", "/benchmarking/"]:
        response = staff.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.content.decode()


def test_an_organisation_page_refuses_a_request_without_an_organisation(public_staff):
    reached = []
    page = organisation_page(lambda request: reached.append(request))
    request = RequestFactory().get("/indicators/")
    request.organisation = None
    request.user = public_staff.user
    with pytest.raises(Http404):
        page(request)
    assert reached == []


def test_organisation_routes_still_answer_on_an_organisation_host(org_a, make_user, client_for):
    member = make_user(org_a, roles=["performance_officer"])
    client = client_for(org_a, user=member.user)
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["organisation"] == org_a.schema_name
    assert client.get("/api/v1/indicators/").status_code == 200
    assert client.get("/indicators/").status_code == 200
    assert client.get("/api/v1/catalogue/indicators/").status_code == 200


# --- GraphQL: every organisation field refuses the public host ------------------------------


def _literal(graphql_type) -> str:
    """A valid made-up literal for an argument type."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _literal(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return f"[{_literal(graphql_type.of_type)}]"
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        required = [
            f"{name}: {_literal(field.type)}"
            for name, field in graphql_type.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        ]
        return "{" + ", ".join(required) + "}"
    return {"Int": "1", "Float": "1.0", "Boolean": "false"}.get(graphql_type.name, '"1"')


def _operation(kind: str, name: str, field) -> str:
    arguments = [
        f"{arg}: {_literal(spec.type)}"
        for arg, spec in field.args.items()
        if isinstance(spec.type, GraphQLNonNull)
    ]
    call = f"{name}({', '.join(arguments)})" if arguments else name
    return f"{kind} {{ {call} {{ __typename }} }}"


def root_fields():
    graphql_schema = schema.graphql_schema
    for kind, root in (
        ("query", graphql_schema.query_type),
        ("mutation", graphql_schema.mutation_type),
    ):
        for name, field in root.fields.items():
            if name not in PLATFORM_GRAPHQL_FIELDS:
                yield name, _operation(kind, name, field)


def test_every_graphql_organisation_field_on_the_public_host_is_refused_cleanly(
    public_staff, public_staff_key, client_for
):
    before = public_rows()
    session = client_for(None, user=public_staff.user)
    keyed = client_for(None)
    fields = list(root_fields())
    assert len(fields) >= 15  # the partnership and benchmarking queries and mutations
    wrong = {}
    for name, operation in fields:
        for who, client, headers in [
            ("staff session", session, {}),
            ("staff API key", keyed, {"HTTP_AUTHORIZATION": f"Bearer {public_staff_key}"}),
        ]:
            response = client.post(
                "/graphql/", {"query": operation}, content_type="application/json", **headers
            )
            body = response.json()
            errors = body.get("errors") or [{}]
            refusal = errors[0].get("extensions", {})
            if response.status_code != 200 or refusal != {
                "code": "NOT_FOUND",
                "reason": "public_host",
            }:
                wrong[f"{name} as {who}"] = (response.status_code, body)
    assert wrong == {}
    assert public_rows() == before


def test_the_catalogue_stays_readable_by_staff_through_graphql_on_the_public_host(
    public_staff, client_for
):
    staff = client_for(None, user=public_staff.user)
    response = staff.post(
        "/graphql/",
        {"query": "{ catalogueIndicators(first: 1) { code } }"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "errors" not in response.json()
