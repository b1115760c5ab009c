"""Deleting an organisation through the helpdesk REST API: the lead asks and cancels; other
staff read only; an organisation's own key is refused."""

from __future__ import annotations

import uuid

import pytest

from goldenthread.tenants.deletion.models import DeletionStatus, OrganisationDeletion
from goldenthread.tenants.models import OrganisationStatus
from tests.factories import provision_organisation
from tests.tenants.test_helpdesk_api import api, enrolled_staff, lead_key, staff_key

# The helpdesk API's fixtures, shared with its own tests.
__all__ = ["api", "enrolled_staff", "lead_key", "staff_key"]


@pytest.fixture
def doomed(db):
    tag = uuid.uuid4().hex[:6]
    return provision_organisation(slug=f"api-gone-{tag}", name=f"Api Gone {tag}", type="other")


def test_the_lead_asks_reads_and_cancels(doomed, lead_key, api):
    path = f"/organisations/{doomed.slug}/deletion/"
    assert api("get", path, lead_key).status_code == 404
    asked = api("post", path, lead_key, reason="Contract ended, ref 7")
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "pending"
    doomed.refresh_from_db()
    assert doomed.status == OrganisationStatus.SUSPENDED
    assert api("get", path, lead_key).json()["requested_by"] == "lead@goldenthread.example"
    assert api("post", path, lead_key, reason="again").status_code == 409
    cancelled = api("post", path + "cancel/", lead_key)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    doomed.refresh_from_db()
    assert doomed.status == OrganisationStatus.ACTIVE
    listed = api("get", "/deletions/", lead_key).json()
    assert any(row["organisation_slug"] == doomed.slug for row in listed)


def test_staff_who_are_not_the_lead_cannot_ask_or_cancel(doomed, staff_key, api):
    path = f"/organisations/{doomed.slug}/deletion/"
    assert api("post", path, staff_key, reason="x").status_code == 403
    assert api("post", path + "cancel/", staff_key).status_code == 403
    assert api("get", path, staff_key).status_code == 404  # reading is allowed: none pending
    assert not OrganisationDeletion.objects.filter(organisation=doomed).exists()


def test_no_key_or_an_organisations_key_is_refused(doomed, api, org_a, make_user):
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.services import api_credential_issue

    path = f"/organisations/{doomed.slug}/deletion/"
    assert api("post", path, None, reason="x").status_code == 401
    admin = make_user(org_a, roles=["org_admin"]).user
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=admin, name="x")
    assert api("post", path, key, reason="x").status_code == 401
    assert not OrganisationDeletion.objects.filter(
        organisation=doomed, status=DeletionStatus.PENDING
    ).exists()
