"""The helpdesk console's deletion pages: the lead asks, confirms by typing the slug, and may
cancel in the grace period; other staff and organisation users cannot."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group

from goldenthread.platform.accounts.permissions import HELPDESK_LEAD_GROUP
from goldenthread.tenants.deletion.models import DeletionStatus, OrganisationDeletion
from goldenthread.tenants.models import OrganisationStatus
from tests.factories import provision_organisation


@pytest.fixture
def doomed(db):
    tag = uuid.uuid4().hex[:6]
    return provision_organisation(slug=f"gone-{tag}", name=f"Gone Parish {tag}", type="other")


@pytest.fixture
def lead(public_org, make_user):
    user = make_user(public_org, email="lead-del@goldenthread.example", is_staff=True).user
    user.groups.add(Group.objects.get_or_create(name=HELPDESK_LEAD_GROUP)[0])
    return user


def test_the_lead_asks_for_deletion_and_cancels_it(doomed, lead, client_for):
    client = client_for(None, user=lead)
    form = client.get(f"/helpdesk/organisations/{doomed.slug}/delete/")
    assert form.status_code == 200 and "after 30 days" in form.content.decode()

    wrong = client.post(
        f"/helpdesk/organisations/{doomed.slug}/delete/",
        {"reason": "Contract ended, letter ref 42", "confirm_slug": "something-else"},
    )
    assert wrong.status_code == 400
    assert f"Type {doomed.slug} exactly" in wrong.content.decode()
    assert not OrganisationDeletion.objects.filter(organisation=doomed).exists()

    done = client.post(
        f"/helpdesk/organisations/{doomed.slug}/delete/",
        {"reason": "Contract ended, letter ref 42", "confirm_slug": doomed.slug},
    )
    assert done.status_code == 302
    deletion = OrganisationDeletion.objects.get(organisation=doomed)
    assert deletion.requested_by == lead.email and deletion.status == DeletionStatus.PENDING
    detail = client.get(f"/helpdesk/organisations/{doomed.slug}/").content.decode()
    assert "To be deleted" in detail and "Cancel the deletion" in detail

    client.post(f"/helpdesk/organisations/{doomed.slug}/delete/cancel/")
    deletion.refresh_from_db()
    doomed.refresh_from_db()
    assert deletion.status == DeletionStatus.CANCELLED
    assert doomed.status == OrganisationStatus.ACTIVE
    listing = client.get("/helpdesk/deletions/").content.decode()
    assert doomed.name in listing and "Cancelled" in listing


def test_staff_who_are_not_the_lead_cannot_delete(doomed, staff, client_for):
    client = client_for(None, user=staff.user)
    response = client.post(
        f"/helpdesk/organisations/{doomed.slug}/delete/",
        {"reason": "x", "confirm_slug": doomed.slug},
    )
    assert response.status_code == 403
    assert not OrganisationDeletion.objects.filter(organisation=doomed).exists()


def test_an_organisations_own_administrator_cannot_reach_it(doomed, make_user, client_for):
    admin = make_user(doomed, roles=["org_admin"], is_staff=True).user
    response = client_for(doomed, user=admin).post(
        f"/helpdesk/organisations/{doomed.slug}/delete/",
        {"reason": "x", "confirm_slug": doomed.slug},
    )
    assert response.status_code == 404
    assert not OrganisationDeletion.objects.filter(organisation=doomed).exists()
