"""Report definitions: saved per organisation, each save a new immutable version with who and
when, old versions readable; only performance officers and administrators write; another
organisation's definition is not found; nothing changes when refused."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied
from goldenthread.platform.reporting.models import ReportDefinition, ReportDefinitionVersion
from goldenthread.platform.reporting.selectors import definition_get, definition_version_get
from goldenthread.platform.reporting.services import (
    definition_archive,
    definition_create,
    definition_update,
)
from tests.factories import StrategyNodeFactory

API = "/api/v1/reporting/definitions/"


def test_each_save_is_a_new_version_and_old_versions_stay_as_they_were(
    in_alpha, people, definition_data
):
    definition = definition_create(user=people.officer, data=definition_data())
    second = definition_update(
        user=people.admin,
        definition=definition,
        data=definition_data(title="Quarterly performance, revised", filters=["off_target"]),
        note="Exceptions only",
    )

    definition.refresh_from_db()
    first = definition_version_get(definition=definition, number=1)
    assert (definition.latest_version, second.number) == (2, 2)
    assert first.spec["title"] == "Quarterly performance" and first.spec["filters"] == []
    assert (first.saved_by_name, second.saved_by_name) == ("Olive Officer", "Adam Admin")
    assert second.note == "Exceptions only" and second.spec["filters"] == ["off_target"]
    assert second.saved_at >= first.saved_at


def test_saving_the_same_definition_again_writes_no_version(in_alpha, people, definition_data):
    definition = definition_create(user=people.officer, data=definition_data())
    again = definition_update(user=people.officer, definition=definition, data=definition_data())
    assert again.number == 1
    assert ReportDefinitionVersion.objects.filter(definition=definition).count() == 1


def test_a_saved_version_cannot_be_changed_or_deleted(in_alpha, people, definition_data):
    definition = definition_create(user=people.officer, data=definition_data())
    version = definition_version_get(definition=definition)
    version.spec = {"title": "tampered"}
    with pytest.raises(Conflict):
        version.save()
    with pytest.raises(Conflict):
        version.delete()
    assert definition_version_get(definition=definition).spec["title"] == "Quarterly performance"


@pytest.mark.parametrize("role", ["provider", "councillor", "manager", "auditor"])
def test_only_officers_and_administrators_write_definitions(
    in_alpha, people, definition_data, role
):
    definition = definition_create(user=people.officer, data=definition_data())
    with pytest.raises(PermissionDenied):
        definition_create(user=getattr(people, role), data=definition_data())
    with pytest.raises(PermissionDenied):
        definition_update(
            user=getattr(people, role), definition=definition, data=definition_data(title="X")
        )
    with pytest.raises(PermissionDenied):
        definition_archive(user=getattr(people, role), definition=definition)
    definition.refresh_from_db()
    assert (ReportDefinition.objects.count(), definition.latest_version) == (1, 1)
    assert definition.archived_at is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"layout": "poster"}, "layout"),
        ({"scope": "priorities"}, "strategy_node_ids"),
        ({"scope": "tag"}, "tag"),
        ({"filters": ["sometimes"]}, "filters"),
        ({"red_periods": 1}, "red_periods"),
        ({"sections": []}, "sections"),
        ({"layout": "priorities"}, "scope"),
        ({"scope": "priorities", "strategy_node_ids": [999999]}, "strategy_node_ids"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_problem(
    in_alpha, people, definition_data, changes, field
):
    with pytest.raises(DomainError) as refused:
        definition_create(user=people.officer, data=definition_data(**changes))
    assert field in refused.value.extra["fields"]
    assert ReportDefinition.objects.count() == 0


def test_archiving_hides_a_definition_and_keeps_its_versions(in_alpha, people, definition_data):
    from goldenthread.platform.reporting.selectors import definition_list

    definition = definition_create(user=people.officer, data=definition_data())
    definition_archive(user=people.officer, definition=definition)
    assert list(definition_list()) == []
    assert definition_version_get(definition=definition_get(pk=definition.pk)).number == 1
    with pytest.raises(DomainError, match="archived"):
        definition_update(
            user=people.officer, definition=definition, data=definition_data(title="Again")
        )


# --- REST ---------------------------------------------------------------------------------------


def test_rest_creates_reads_changes_lists_versions_and_archives(
    org_a, people, client_for, definition_data
):
    client = client_for(org_a, user=people.officer)
    with schema_context(org_a.schema_name):
        node = StrategyNodeFactory(code="P1", title="Clean streets")

    created = client.post(
        API,
        definition_data(scope="priorities", strategy_node_ids=[node.pk], note="First cut"),
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["version"]["number"] == 1
    assert created.json()["version"]["spec"]["strategy_node_ids"] == [node.pk]

    changed = client.put(
        f"{API}{pk}/",
        definition_data(title="By priority", scope="priorities", strategy_node_ids=[node.pk]),
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["version"]["number"] == 2

    versions = client.get(f"{API}{pk}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[1]["note"] == "First cut" and versions[1]["saved_by"] == "Olive Officer"
    first = client.get(f"{API}{pk}/versions/1/").json()
    assert first["spec"]["title"] == "Quarterly performance"
    assert [d["id"] for d in client.get(API).json()] == [pk]

    assert client.delete(f"{API}{pk}/").status_code == 204
    assert client.get(API).json() == []
    assert client.get(f"{API}{pk}/").json()["archived"] is True


def test_rest_preview_answers_the_pack_as_json(org_a, people, client_for, definition_data):
    from goldenthread.platform.reporting.domain.pack import Pack

    client = client_for(org_a, user=people.councillor)
    with schema_context(org_a.schema_name):
        pk = definition_create(user=people.officer, data=definition_data()).pk

    answer = client.get(f"{API}{pk}/preview/", {"period": "2024/25 Q2"})

    assert answer.status_code == 200
    pack = Pack.from_json(answer.json())
    assert (pack.period_code, pack.definition_version) == ("2024/25 Q2", 1)
    assert client.get(f"{API}{pk}/preview/", {"period": "soon"}).status_code == 400
    assert (
        client.get(f"{API}{pk}/preview/", {"period": "2024/25 Q2", "version": 7}).status_code == 404
    )


def test_rest_refuses_a_write_to_a_councillor_and_nothing_changes(
    org_a, people, client_for, definition_data
):
    with schema_context(org_a.schema_name):
        pk = definition_create(user=people.officer, data=definition_data()).pk
    client = client_for(org_a, user=people.councillor)

    assert client.post(API, definition_data(), content_type="application/json").status_code == 403
    assert (
        client.put(
            f"{API}{pk}/", definition_data(title="Mine"), content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"{API}{pk}/").status_code == 403
    with schema_context(org_a.schema_name):
        definition = ReportDefinition.objects.get()
        assert (definition.latest_version, definition.archived_at) == (1, None)


def test_another_organisations_definition_is_not_found(
    org_a, org_b, people, make_user, client_for, definition_data
):
    with schema_context(org_a.schema_name):
        pk = definition_create(user=people.officer, data=definition_data()).pk
    theirs = make_user(org_b, roles=["performance_officer", "org_admin"]).user
    client = client_for(org_b, user=theirs)

    for answer in (
        client.get(f"{API}{pk}/"),
        client.get(f"{API}{pk}/versions/"),
        client.get(f"{API}{pk}/preview/", {"period": "2024/25 Q2"}),
        client.put(
            f"{API}{pk}/", definition_data(title="Ours now"), content_type="application/json"
        ),
        client.delete(f"{API}{pk}/"),
    ):
        assert answer.status_code == 404
    with schema_context(org_a.schema_name):
        definition = ReportDefinition.objects.get()
        assert (definition.latest_version, definition.archived_at) == (1, None)


def test_anonymous_callers_are_refused(org_a, client_for):
    assert client_for(org_a).get(API).status_code in (401, 403)
