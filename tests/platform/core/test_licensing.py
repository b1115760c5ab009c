"""Licensed modules, enforced on every interface (#15 item 5).

Fail closed: every route of an organisation host and every GraphQL root field declares the
module it needs (or ALWAYS), so a new one without a declaration fails here. Then, for EACH
module, every route declared with it answers 404 to an organisation without it (pages: the
404 page; REST: 404 in the API error body), its GraphQL fields refuse with NOT_FOUND, its
menu entries are not offered and its scheduled tasks are not queued for it.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path
from django_tenants.utils import schema_context

from goldenthread.graphql.api import FIELD_MODULES, schema
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.core.licensing import (
    ALWAYS,
    NOT_LICENSED_REASON,
    licensed,
    module_of_task,
)
from goldenthread.platform.core.tasks import dispatch_to_organisations
from goldenthread.tenants.models import Module, Organisation
from tests.platform.core.test_door import TENANT_URLCONF, concrete, routes

DECLARABLE = {*Module.values, ALWAYS}


def _set_modules(organisation: Organisation, modules: list[str]) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(licensed_modules=modules)
    organisation.licensed_modules = modules


def routes_of(module: str) -> list[tuple[str, object]]:
    return [
        (concrete(route), callback)
        for route, callback in routes(TENANT_URLCONF)
        if getattr(callback, "licensed_module", None) == module
    ]


# --- fail closed: everything declares ------------------------------------------------------


def test_every_route_on_an_organisation_host_declares_its_module():
    undeclared = [
        route
        for route, callback in routes(TENANT_URLCONF)
        if getattr(callback, "licensed_module", None) not in DECLARABLE
    ]
    assert undeclared == []
    # and each module really owns routes (a declaration nobody uses would prove nothing)
    for module in Module.values:
        assert routes_of(module), module


def test_every_graphql_root_field_declares_its_module():
    graphql = schema.graphql_schema
    fields = {*graphql.query_type.fields, *graphql.mutation_type.fields}
    assert sorted(fields - set(FIELD_MODULES)) == []
    assert set(FIELD_MODULES.values()) <= DECLARABLE


def test_a_route_cannot_declare_an_unknown_module_or_two_modules():
    def view(request):
        return None

    with pytest.raises(ImproperlyConfigured, match="astrology"):
        licensed("astrology", view)
    with pytest.raises(ImproperlyConfigured, match="once"):
        licensed(Module.PLANNING, licensed(Module.PERFORMANCE, view))
    # an include is declared route by route, nested includes too
    mounted = licensed(Module.PLANNING, include([path("a/", include([path("b/", view)]))]))
    inner = mounted[0][0].url_patterns[0]
    assert inner.callback.licensed_module == Module.PLANNING


def test_every_scheduled_fan_out_task_declares_its_module():
    from goldenthread.platform.celery_app import app

    fanned = [
        entry["kwargs"]["task_name"]
        for entry in app.conf.beat_schedule.values()
        if entry["task"].endswith("dispatch_to_organisations")
    ]
    assert fanned
    for name in fanned:  # the worker imports them; here, import each task's module
        importlib.import_module(name.rsplit(".", 1)[0])
    declared = {name: module_of_task(app.tasks[name]) for name in fanned}
    assert declared["goldenthread.platform.planning.tasks.send_overdue_digest"] == "planning"
    assert declared["goldenthread.platform.indicators.tasks.send_reminders"] == "performance"


# --- for each module: without it, 404 everywhere ---------------------------------------------


@pytest.mark.parametrize("module", Module.values)
def test_an_organisation_without_a_module_gets_404_on_every_route_of_it(
    module, org_a, client_for, make_user
):
    # Given Alpha holds every module but this one, and a signed-in administrator
    _set_modules(org_a, [m for m in Module.values if m != module])
    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    client = client_for(org_a, user=admin.user)
    refused, answered = [], []
    for url, callback in routes_of(module):
        response = client.get(url)
        if response.status_code != 404:
            answered.append((url, response.status_code))
            continue
        if hasattr(callback, "cls"):  # REST: the API error body says why
            body = response.json()
            assert body["code"] == "not_found", url
            assert body["extra"]["reason"] == NOT_LICENSED_REASON, url
        refused.append(url)
    # Then every route of the module is a 404, each one tried
    assert answered == []
    assert len(refused) == len(routes_of(module))


@pytest.mark.parametrize(
    ("module", "page", "api"),
    [
        (Module.PERFORMANCE, "/indicators/", "/api/v1/indicators/"),
        (Module.PLANNING, "/planning/strategy/", "/api/v1/planning/plans/"),
        (Module.PARTNERSHIPS, "/partnerships/", "/api/v1/partnerships/"),
        (Module.BENCHMARKING, "/benchmarking/", None),
    ],
)
def test_with_the_module_the_same_pages_open_and_without_it_they_do_not(
    module, page, api, org_a, client_for, make_user
):
    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    client = client_for(org_a, user=admin.user)
    assert client.get(page).status_code == 200
    if api:
        assert client.get(api).status_code == 200
    _set_modules(org_a, [m for m in Module.values if m != module])
    assert client.get(page).status_code == 404
    if api:
        assert client.get(api).status_code == 404
    # Modules not taken away are untouched: the account page still opens
    assert client.get("/accounts/me/").status_code == 200


GRAPHQL_PROBES = {
    Module.PARTNERSHIPS: "{ partnerships { id } }",
    Module.BENCHMARKING: "{ benchmarkingClubs { id } }",
}


@pytest.mark.parametrize("module", list(GRAPHQL_PROBES))
def test_graphql_fields_of_a_module_refuse_an_organisation_without_it(
    module, org_a, client_for, make_user
):
    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=admin.user, name="probe")
    client = client_for(org_a)

    def ask():
        response = client.post(
            "/graphql/",
            json.dumps({"query": GRAPHQL_PROBES[module]}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        return response.json()

    assert "errors" not in ask()
    _set_modules(org_a, [m for m in Module.values if m != module])
    errors = ask()["errors"]
    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "reason": NOT_LICENSED_REASON}
    # The catalogue (every organisation's) still answers
    catalogue = client.post(
        "/graphql/",
        json.dumps({"query": "{ catalogueIndicators(first: 1) { code } }"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    ).json()
    assert "errors" not in catalogue


# --- navigation -----------------------------------------------------------------------------

MENU_WORDS = {
    Module.PLANNING: {"Strategy", "Actions", "Risks", "Exceptions"},
    Module.PERFORMANCE: {"Indicators", "Reports"},
    Module.PARTNERSHIPS: {"Partnerships"},
    Module.BENCHMARKING: {"Benchmarking"},
}


def menu_words(client) -> set[str]:
    from tests.platform.core.test_navigation import menu_links, parse

    return set(menu_links(parse(client.get("/accounts/me/"))))


@pytest.mark.parametrize("module", Module.values)
def test_the_menu_offers_no_module_the_organisation_does_not_hold(
    module, org_a, client_for, make_user
):
    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    client = client_for(org_a, user=admin.user)
    assert MENU_WORDS[module] <= menu_words(client)
    _set_modules(org_a, [m for m in Module.values if m != module])
    offered = menu_words(client)
    assert not MENU_WORDS[module] & offered
    assert "Users" in offered  # what every organisation has stays


def test_a_partner_only_organisation_is_offered_partnerships_and_nothing_bought_elsewhere(
    org_a, client_for, make_user
):
    _set_modules(org_a, [Module.PARTNERSHIPS])
    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    client = client_for(org_a, user=admin.user)
    offered = menu_words(client)
    assert "Partnerships" in offered
    for module in (Module.PLANNING, Module.PERFORMANCE, Module.BENCHMARKING):
        assert not MENU_WORDS[module] & offered
    assert client.get("/partnerships/").status_code == 200
    assert client.get("/indicators/").status_code == 404
    assert client.get("/benchmarking/").status_code == 404


# --- scheduled tasks --------------------------------------------------------------------------


@pytest.mark.worker
def test_a_modules_scheduled_task_is_queued_only_for_organisations_holding_it(
    celery_worker, session_organisations, django_db_blocker
):
    from tests.fixtures import probe_tasks
    from tests.fixtures.worker import wait_for

    beta = session_organisations["beta"]
    with django_db_blocker.unblock():
        before = list(beta.licensed_modules)
        _set_modules(beta, [Module.PERFORMANCE])
        try:
            holders = set(
                Organisation.objects.filter(
                    status="active", licensed_modules__contains=["planning"]
                )
                .exclude(schema_name="public")
                .values_list("schema_name", flat=True)
            )
            assert "org_alpha" in holders and "org_beta" not in holders
            probe_tasks.clear()
            dispatch_to_organisations.delay(
                task_name="tests.probe.record_planning_schema", spread_seconds=0
            )
            wait_for(lambda: len(probe_tasks.recorded()) >= len(holders), what="the fan-out")
            ran = {run.connection_schema for run in probe_tasks.recorded()}
            assert ran == holders
            assert "org_beta" not in ran
        finally:
            _set_modules(beta, before)


def test_a_task_without_a_module_declaration_is_refused_by_the_fan_out(db):
    from goldenthread.platform.celery_app import app

    @app.task(name="tests.probe.undeclared")
    def undeclared():
        return None

    with pytest.raises(ImproperlyConfigured, match="declares no licensed_module"):
        dispatch_to_organisations.apply(kwargs={"task_name": "tests.probe.undeclared"}).get()


def test_a_benchmarking_mutation_refuses_an_organisation_without_benchmarking_and_writes_nothing(
    org_a, client_for, make_user
):
    from goldenthread.shared_indicators.benchmarking.models import Club

    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=admin.user, name="probe")
    _set_modules(org_a, [m for m in Module.values if m != Module.BENCHMARKING])
    clubs = Club.objects.count()
    answer = (
        client_for(org_a)
        .post(
            "/graphql/",
            json.dumps(
                {"query": 'mutation { benchmarkingClubCreate(name: "Probe") { club { id } } }'}
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        .json()
    )
    assert answer["errors"][0]["extensions"]["reason"] == NOT_LICENSED_REASON
    assert Club.objects.count() == clubs
