"""The API key behind a bearer token, read from SQL written once
(`accounts.selectors.api_keys`): the instances the ORM would build, the user loaded with the
key, and nothing for a revoked key or another organisation's."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import ApiCredential, User, hash_api_key
from goldenthread.platform.accounts.selectors.api_keys import api_credential_unrevoked
from goldenthread.platform.accounts.services import api_credential_issue


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_key_gives_its_credential_and_user_as_the_orm_would(org_a, make_user):
    person = make_user(org_a, roles=["councillor", "data_provider"]).user
    with schema_context(org_a.schema_name):
        credential, key = api_credential_issue(user=person, name="reads")
        expected = ApiCredential.objects.select_related("user").get(pk=credential.pk)

        with CaptureQueriesContext(connection) as queries:
            found = api_credential_unrevoked(key_hash=hash_api_key(key))
            user = found.user  # loaded with the key: no query of its own
        selects = [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]

    assert len(selects) == 1
    assert _fields(found) == _fields(expected)
    assert _fields(user) == _fields(expected.user)
    assert isinstance(user, User) and sorted(user.roles) == ["councillor", "data_provider"]
    assert found.created_at.tzinfo is not None


def test_a_revoked_or_unknown_key_gives_nothing(org_a, make_user):
    person = make_user(org_a).user
    with schema_context(org_a.schema_name):
        credential, key = api_credential_issue(user=person, name="old")
        ApiCredential.objects.filter(pk=credential.pk).update(revoked_at=timezone.now())
        assert api_credential_unrevoked(key_hash=hash_api_key(key)) is None
        assert api_credential_unrevoked(key_hash=hash_api_key(key + "x")) is None
        assert api_credential_unrevoked(key_hash="' OR '1'='1") is None


def test_another_organisations_key_is_not_found_in_this_one(org_a, org_b, make_user):
    person = make_user(org_b).user
    with schema_context(org_b.schema_name):
        _, key = api_credential_issue(user=person, name="beta's")
        assert api_credential_unrevoked(key_hash=hash_api_key(key)) is not None
    with schema_context(org_a.schema_name):
        assert api_credential_unrevoked(key_hash=hash_api_key(key)) is None
