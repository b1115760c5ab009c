"""The platform's own organisation (the public schema's row) is never a partner: the services
refuse it, so REST answers with the one message, the page does not offer it (and refuses it
if sent), and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from goldenthread.partnerships import services
from goldenthread.partnerships.models import (
    Partnership,
    PartnershipInvitation,
    PartnershipMember,
)
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.services import ensure_public_organisation
from goldenthread.tenants.sharing import PLATFORM_CANNOT_SHARE

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform():
    return ensure_public_organisation()


@pytest.fixture
def formed(parties):
    county = parties.county
    return services.partnership_create(
        organisation=county.organisation,
        actor=county.admin,
        name="Platform refusal partnership",
        type="county_wide",
        starts_on=date(2024, 4, 1),
    )


def written(partnership) -> tuple:
    return (
        list(PartnershipMember.objects.filter(partnership=partnership).values_list("id")),
        list(PartnershipInvitation.objects.filter(partnership=partnership).values_list("id")),
        Partnership.objects.count(),
    )


def test_rest_refuses_to_invite_the_platform(formed, parties, platform, client_for):
    client = client_for(parties.county.organisation, user=parties.county.admin)
    before = written(formed)
    listed = client.get(f"/api/v1/partnerships/{formed.pk}/invitable-organisations/").json()
    assert platform.pk not in {each["id"] for each in listed}
    response = client.post(
        f"/api/v1/partnerships/{formed.pk}/invitations/",
        {"organisation_id": platform.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["message"] == PLATFORM_CANNOT_SHARE
    assert written(formed) == before


def test_the_members_page_neither_offers_nor_accepts_the_platform(
    formed, parties, platform, client_for
):
    client = client_for(parties.county.organisation, user=parties.county.admin)
    url = f"/partnerships/{formed.pk}/members/"
    assert f'<option value="{platform.pk}">' not in client.get(url).content.decode()
    before = written(formed)
    response = client.post(url, {"organisation": platform.pk, "role": "member"})
    assert response.status_code == 200  # the form again, with the error
    assert written(formed) == before


def test_the_services_refuse_the_platform_as_partner_or_lead(formed, parties, platform):
    county = parties.county
    before = written(formed)
    refused = [
        lambda: services.partnership_invite(
            partnership=formed,
            organisation=county.organisation,
            actor=county.admin,
            invitee=platform,
        ),
        lambda: services.partnership_member_add(
            partnership=formed,
            organisation=county.organisation,
            actor=county.admin,
            member=platform,
        ),
        lambda: services.partnership_create(
            organisation=platform,
            actor=county.admin,
            name="Vendor partnership",
            type="county_wide",
            starts_on=date(2024, 4, 1),
        ),
    ]
    for attempt in refused:
        with pytest.raises(DomainError) as refusal:
            attempt()
        assert refusal.value.message == PLATFORM_CANNOT_SHARE
    assert written(formed) == before
