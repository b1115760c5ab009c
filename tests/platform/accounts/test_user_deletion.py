"""Deleting users: a helpdesk user in the public schema, an organisation's user in its own;
and deleting API keys directly, which live in both kinds of schema too.

Django's deletion collector follows every relation pointing at a user, but most of those tables
exist only in organisations' schemas; `core.deletion.SchemaCollector` follows only the ones in
the schema the connection is on."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tests.factories import IndicatorFactory, TargetFactory

SHARED_ID = 900_001  # an API key id given in both schemas, as sequences allow


def _staff_with_helpdesk_key(email: str, *, key_id: int | None = None):
    """A helpdesk user with a helpdesk API key (its id `key_id` if given) and the lead group,
    in the public schema."""
    from django.contrib.auth.models import Group

    from goldenthread.platform.accounts.models import ApiCredential
    from goldenthread.platform.accounts.permissions import HELPDESK_LEAD_GROUP
    from goldenthread.platform.accounts.services import api_credential_issue, staff_user_create
    from goldenthread.tenants.models import HelpdeskApiKey

    user = staff_user_create(email=email, full_name="Leaving Staff")
    user.groups.add(Group.objects.get_or_create(name=HELPDESK_LEAD_GROUP)[0])
    credential, _ = api_credential_issue(user=user, name="console script")
    if key_id is not None:
        ApiCredential.objects.filter(pk=credential.pk).update(id=key_id)
        credential = ApiCredential.objects.get(pk=key_id)
    HelpdeskApiKey.objects.create(credential=credential, proved_with="totp")
    return user, credential


def test_a_helpdesk_user_is_deleted_with_its_keys_in_the_public_schema(public_org):
    from django.contrib.auth.models import Group

    from goldenthread.platform.accounts.models import ApiCredential, User
    from goldenthread.platform.accounts.permissions import HELPDESK_LEAD_GROUP
    from goldenthread.tenants.models import HelpdeskApiKey

    with schema_context("public"):
        user, credential = _staff_with_helpdesk_key("leaving@goldenthread.example")

        user.delete()

        assert not User.objects.filter(email="leaving@goldenthread.example").exists()
        assert not ApiCredential.objects.filter(pk=credential.pk).exists()
        assert not HelpdeskApiKey.objects.filter(credential_id=credential.pk).exists()
        assert Group.objects.filter(name=HELPDESK_LEAD_GROUP).exists()  # the group stays


def test_helpdesk_users_are_deleted_by_a_query_too(public_org):
    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.accounts.services import staff_user_create

    with schema_context("public"):
        staff_user_create(email="one@goldenthread.example", full_name="One")
        staff_user_create(email="two@goldenthread.example", full_name="Two")
        kept = staff_user_create(email="kept@goldenthread.example", full_name="Kept")

        leaving = ["one@goldenthread.example", "two@goldenthread.example"]

        deleted, per_model = User.objects.filter(email__in=leaving).delete()

        assert per_model["accounts.User"] == 2 and deleted == 2
        assert not User.objects.filter(email__in=leaving).exists()
        assert User.objects.filter(pk=kept.pk).exists()


# What an organisation's code may delete that takes the member's API key with it.
DELETING_IN_THE_ORGANISATION = {
    "the user": lambda member: member.delete(),
    "the key": lambda member: member.api_credentials.get(pk=SHARED_ID).delete(),
    "the key by a query": lambda member: member.api_credentials.filter(pk=SHARED_ID).delete(),
}


@pytest.mark.parametrize("deleting", DELETING_IN_THE_ORGANISATION)
def test_deleting_an_organisations_user_or_key_leaves_helpdesk_keys_alone(
    public_org, org_a, make_user, deleting
):
    """An organisation's API key and a helpdesk key may share an id (one sequence per schema):
    the organisation's search path reaches the public marks of helpdesk keys, which the
    collector must not follow from an organisation's key (the helpdesk API would then refuse
    the staff member's key)."""
    from goldenthread.platform.accounts.models import ApiCredential
    from goldenthread.platform.accounts.services import api_credential_issue
    from goldenthread.tenants.models import HelpdeskApiKey

    with schema_context("public"):
        staff, _ = _staff_with_helpdesk_key("staying@goldenthread.example", key_id=SHARED_ID)
    member = make_user(org_a, roles=["manager"]).user
    with schema_context(org_a.schema_name):
        key, _ = api_credential_issue(user=member, name="spreadsheet")
        ApiCredential.objects.filter(pk=key.pk).update(id=SHARED_ID)

        DELETING_IN_THE_ORGANISATION[deleting](member)

        assert not ApiCredential.objects.filter(pk=SHARED_ID).exists()
    with schema_context("public"):
        assert HelpdeskApiKey.objects.filter(credential_id=SHARED_ID).exists()
        assert ApiCredential.objects.get(pk=SHARED_ID).user == staff


def test_an_organisations_user_is_deleted_with_what_points_at_it_in_its_schema(org_a, make_user):
    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.indicators.models import Target

    leaver = make_user(org_a, roles=["performance_officer"]).user
    with schema_context(org_a.schema_name):
        pi = IndicatorFactory(owner=leaver)
        pi.data_providers.add(leaver)
        target = TargetFactory(indicator=pi, set_by=leaver)

        leaver.delete()

        assert not User.objects.filter(pk=leaver.pk).exists()
        pi.refresh_from_db()
        assert pi.owner is None and list(pi.data_providers.all()) == []
        assert Target.objects.get(pk=target.pk).set_by is None


def test_a_user_never_saved_cannot_be_deleted(org_a):
    from goldenthread.platform.accounts.models import User

    with schema_context(org_a.schema_name), pytest.raises(ValueError, match="cannot be deleted"):
        User(email="ghost@alpha.example").delete()


@pytest.mark.parametrize("how", ["instance", "query"])
def test_deleting_a_helpdesk_key_in_the_public_schema_deletes_its_mark(public_org, how):
    from goldenthread.platform.accounts.models import ApiCredential
    from goldenthread.tenants.models import HelpdeskApiKey

    with schema_context("public"):
        _, credential = _staff_with_helpdesk_key("revoking@goldenthread.example")

        if how == "instance":
            credential.delete()
        else:
            ApiCredential.objects.filter(pk=credential.pk).delete()

        assert not ApiCredential.objects.filter(pk=credential.pk).exists()
        assert not HelpdeskApiKey.objects.filter(credential_id=credential.pk).exists()
