"""The agreement lifecycle, who may sign, and publication following it."""

from __future__ import annotations

import pytest

from goldenthread.partnerships import services
from goldenthread.partnerships.models import AgreementAcceptance, AgreementVersion
from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from goldenthread.shared_indicators.publication.models import PublicationGrant, PublishedValue

from .conftest import approve, publish_pending

pytestmark = pytest.mark.django_db


def published(scenario, party, code):
    return PublishedValue.objects.filter(
        organisation=party.organisation, indicator_code=code, is_current=True
    )


def test_nothing_is_published_until_every_party_has_accepted(scenario):
    county, police = scenario.parties.county, scenario.parties.police
    code = scenario.indicators["sum"].code
    version = scenario.version
    services.agreement_send_for_acceptance(
        version=version, organisation=county.organisation, actor=county.admin
    )
    for party in scenario.members[:-1]:
        services.agreement_accept(
            version=version, organisation=party.organisation, actor=party.admin
        )

    approve(police, code, "2024/25 Q1", 120)

    version.refresh_from_db()
    assert version.status == "awaiting_acceptance"
    assert not published(scenario, police, code).exists()

    health = scenario.parties.health
    services.agreement_accept(version=version, organisation=health.organisation, actor=health.admin)
    version.refresh_from_db()
    assert version.status == "active" and version.activated_at is not None
    assert version.publication_queued_at is not None
    publish_pending(police, [code])
    row = published(scenario, police, code).get()
    assert row.value == 120
    assert set(
        PublicationGrant.objects.filter(published_value=row).values_list("basis_id", flat=True)
    ) == {version.pk}


def test_only_an_authorised_signatory_of_a_party_may_accept(scenario):
    county, police, outsider = (
        scenario.parties.county,
        scenario.parties.police,
        scenario.parties.outsider,
    )
    version = scenario.version
    services.agreement_send_for_acceptance(
        version=version, organisation=county.organisation, actor=county.admin
    )
    with pytest.raises(PermissionDenied):
        services.agreement_accept(
            version=version, organisation=police.organisation, actor=police.officer
        )
    with pytest.raises(NotFound):
        services.agreement_accept(
            version=version, organisation=outsider.organisation, actor=outsider.admin
        )
    assert not AgreementAcceptance.objects.filter(version=version).exists()

    # A user named as signatory on the membership may sign without being an administrator.
    membership = scenario.partnership.members.get(organisation=police.organisation)
    services.partnership_member_update(
        membership=membership,
        organisation=police.organisation,
        actor=police.admin,
        signatory_emails=[police.officer.email],
    )
    services.agreement_accept(
        version=version, organisation=police.organisation, actor=police.officer
    )
    acceptance = AgreementAcceptance.objects.get(version=version)
    assert (acceptance.organisation_id, acceptance.signed_by_email) == (
        police.organisation.pk,
        police.officer.email,
    )
    with pytest.raises(Conflict):
        services.agreement_accept(
            version=version, organisation=police.organisation, actor=police.admin
        )


def test_a_draft_cannot_be_accepted_and_sent_terms_are_fixed(scenario):
    county, police = scenario.parties.county, scenario.parties.police
    with pytest.raises(Conflict):
        services.agreement_accept(
            version=scenario.version, organisation=police.organisation, actor=police.admin
        )
    services.agreement_version_update(
        version=scenario.version,
        organisation=county.organisation,
        actor=county.admin,
        purpose="Changed.",
    )
    services.agreement_send_for_acceptance(
        version=scenario.version, organisation=county.organisation, actor=county.admin
    )
    with pytest.raises(Conflict, match="terms are fixed"):
        services.agreement_version_update(
            version=scenario.version,
            organisation=county.organisation,
            actor=county.admin,
            purpose="Again.",
        )
    scenario.version.refresh_from_db()
    assert scenario.version.purpose == "Changed."


def test_only_the_leads_managers_draft_agreements_and_parties_must_be_members(scenario):
    county, police, outsider = (
        scenario.parties.county,
        scenario.parties.police,
        scenario.parties.outsider,
    )
    common = dict(
        partnership=scenario.partnership,
        title="Another",
        indicator_codes=["X"],
        fields=["values"],
        purpose="p",
        lawful_basis="public_task",
        retention_months=12,
        starts_on="2024-04-01",
    )
    before = AgreementVersion.objects.count()
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            organisation=police.organisation,
            actor=police.admin,
            parties=[county.organisation, police.organisation],
            **common,
        )
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            organisation=county.organisation,
            actor=county.reader,
            parties=[county.organisation, police.organisation],
            **common,
        )
    with pytest.raises(DomainError, match="Only members"):
        services.agreement_create(
            organisation=county.organisation,
            actor=county.admin,
            parties=[county.organisation, outsider.organisation],
            **common,
        )
    with pytest.raises(DomainError, match="must share values"):
        services.agreement_create(
            organisation=county.organisation,
            actor=county.admin,
            parties=[county.organisation, police.organisation],
            **{**common, "fields": ["commentary"]},
        )
    assert AgreementVersion.objects.count() == before
