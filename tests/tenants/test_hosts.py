"""The host's organisation, read from SQL written once (`tenants.hosts`): the same instance the
ORM would build, one query, and nothing for a host no organisation is served at."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import get_public_schema_name

from goldenthread.tenants.hosts import organisation_serving_host
from goldenthread.tenants.models import Organisation


def _fields(organisation: Organisation) -> dict:
    return {f.attname: getattr(organisation, f.attname) for f in Organisation._meta.concrete_fields}


def test_an_organisations_host_gives_the_instance_the_orm_would(org_a):
    Organisation.objects.filter(pk=org_a.pk).update(licensed_modules=["indicators", "risks"])
    expected = Organisation.objects.get(pk=org_a.pk)
    host = org_a.get_primary_domain().domain

    with CaptureQueriesContext(connection) as queries:
        found = organisation_serving_host(host)

    assert isinstance(found, Organisation)
    assert _fields(found) == _fields(expected)
    assert found.licensed_modules == ["indicators", "risks"]  # JSON decoded, as the ORM does
    assert found.created_at.tzinfo is not None
    assert not found._state.adding
    assert len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")]) == 1


def test_the_platform_host_gives_the_platform_row(db):
    from goldenthread.tenants.services import ensure_public_organisation

    ensure_public_organisation()
    found = organisation_serving_host(settings.PLATFORM_DOMAIN)
    assert found is not None and found.schema_name == get_public_schema_name()


def test_an_unknown_or_hostile_host_gives_nothing(org_a):
    host = org_a.get_primary_domain().domain
    for hostname in ("nobody.example", f"{host}' OR '1'='1", host.upper() + "x", ""):
        assert organisation_serving_host(hostname) is None


def test_the_lookup_names_the_public_schema_whatever_the_search_path(org_a, org_b):
    """Run while the connection is on another organisation's path (as after its request):
    the tables are read from public, not from the schema first on the path."""
    connection.set_tenant(org_b)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    found = organisation_serving_host(org_a.get_primary_domain().domain)
    assert found is not None and found.pk == org_a.pk
