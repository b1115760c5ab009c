"""Drafting a data-sharing agreement through the pages, sending it, and every party signing
it on its own host until it is active and members' figures cross."""

from __future__ import annotations

from datetime import date

import pytest

from goldenthread.partnerships import services
from goldenthread.partnerships.models import AgreementVersion, DataSharingAgreement
from goldenthread.shared_indicators.models import CatalogueIndicator
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse

from ..conftest import approve
from .conftest import error_messages, get, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_code(db):
    indicator = CatalogueIndicator.objects.create(
        code="NI 999-PT",
        title="Serious acquisitive crime rate",
        unit="per 1,000 population",
        polarity="lower",
        frequency="quarterly",
    )
    return indicator.code


def draft_data(scenario, **overrides):
    parties = scenario.parties
    data = {
        "title": "Community safety data",
        "parties": [parties.county.organisation.pk, parties.police.organisation.pk],
        "partnership_codes": [scenario.indicators["sum"].code],
        "catalogue_codes": [],
        "shared_fields": ["values", "breakdowns"],
        "purpose": "Joint community safety reporting",
        "lawful_basis": "public_task",
        "retention_months": "36",
        "delete_on_end": "on",
        "starts_on": "2024-04-01",
        "ends_on": "2027-03-31",
    }
    data.update(overrides)
    return data


def new_url(scenario) -> str:
    return f"/partnerships/{scenario.partnership.pk}/agreements/new/"


def test_the_lead_drafts_an_agreement_with_catalogue_and_partnership_codes(
    scenario, client_for, catalogue_code
):
    county, police = scenario.parties.county, scenario.parties.police
    form = get(client_for, county, new_url(scenario)).content.decode()
    assert f'value="{catalogue_code}"' in form and scenario.indicators["sum"].code in form

    response = post(
        client_for,
        county,
        new_url(scenario),
        draft_data(scenario, catalogue_codes=[catalogue_code]),
    )

    version = AgreementVersion.objects.get(agreement__title="Community safety data")
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/agreements/{version.pk}/"
    assert (version.number, version.status, version.created_by) == (1, "draft", county.admin.email)
    assert version.indicator_codes == [scenario.indicators["sum"].code, catalogue_code]
    assert version.fields == ["values", "breakdowns"]
    assert {p.pk for p in version.parties.all()} == {
        county.organisation.pk,
        police.organisation.pk,
    }
    assert (version.purpose, version.lawful_basis, version.retention_months) == (
        "Joint community safety reporting",
        "public_task",
        36,
    )
    assert version.delete_on_end is True
    assert (version.starts_on, version.ends_on) == (date(2024, 4, 1), date(2027, 3, 31))
    detail = get(client_for, county, response["Location"]).content.decode()
    assert "Send to every party for acceptance" in detail and "Change this draft" in detail


@pytest.mark.parametrize(
    ("overrides", "field_id", "words"),
    [
        ({"title": ""}, "id_title", "Enter title of the agreement"),
        ({"parties": "ONLY_COUNTY"}, "id_parties", "at least two parties"),
        ({"partnership_codes": []}, "id_partnership_codes", "at least one indicator code"),
        ({"shared_fields": ["commentary"]}, "id_shared_fields", "must share values"),
        ({"catalogue_codes": ["NOT-A-CODE"]}, "id_catalogue_codes", "valid choice"),
        ({"lawful_basis": "because"}, "id_lawful_basis", "valid choice"),
        ({"retention_months": "0"}, "id_retention_months", "greater than or equal to 1"),
        ({"ends_on": "2024-01-01"}, "id_ends_on", "cannot end before it starts"),
    ],
)
def test_bad_input_names_the_field_and_drafts_nothing(
    scenario, client_for, overrides, field_id, words
):
    county = scenario.parties.county
    if overrides.get("parties") == "ONLY_COUNTY":
        overrides["parties"] = [county.organisation.pk]
    before = (DataSharingAgreement.objects.count(), AgreementVersion.objects.count())

    response = post(client_for, county, new_url(scenario), draft_data(scenario, **overrides))

    assert response.status_code == 200
    summary = error_messages(response)
    assert f'href="#{field_id}"' in summary, summary
    assert words in summary
    # Groups of checkboxes are linked to their fieldset; every id the page names exists.
    assert_form_markup(parse(response))
    assert (DataSharingAgreement.objects.count(), AgreementVersion.objects.count()) == before


def test_only_the_leads_managers_draft_and_outsiders_see_nothing(scenario, client_for):
    parties = scenario.parties
    before = AgreementVersion.objects.count()
    data = draft_data(scenario)

    for party, user in (
        (parties.police, parties.police.admin),  # a member, not the lead
        (parties.county, parties.county.reader),  # the lead, without a managing role
        (parties.county, parties.county.provider),
    ):
        assert get(client_for, party, new_url(scenario), user=user).status_code == 403
        assert post(client_for, party, new_url(scenario), data, user=user).status_code == 403
    assert post(client_for, parties.outsider, new_url(scenario), data).status_code == 404
    anonymous = client_for(parties.county.organisation).post(new_url(scenario), data)
    assert anonymous.status_code == 302
    assert AgreementVersion.objects.count() == before


def test_a_draft_changes_on_its_page_until_it_is_sent(scenario, client_for):
    county, police = scenario.parties.county, scenario.parties.police
    version = scenario.version
    url = f"/partnerships/agreements/{version.pk}/edit/"
    data = draft_data(scenario, purpose="Changed purpose")
    data.pop("title")

    assert post(client_for, police, url, data).status_code == 403
    saved = post(client_for, county, url, data)
    version.refresh_from_db()
    assert saved.status_code == 302 and version.purpose == "Changed purpose"
    assert {p.pk for p in version.parties.all()} == {
        county.organisation.pk,
        police.organisation.pk,
    }

    assert (
        post(client_for, county, f"/partnerships/agreements/{version.pk}/send/", {}).status_code
        == 302
    )
    refused = post(client_for, county, url, {**data, "purpose": "Too late"})
    version.refresh_from_db()
    assert (
        refused.status_code == 302
        and refused["Location"] == f"/partnerships/agreements/{version.pk}/"
    )
    assert version.status == "awaiting_acceptance" and version.purpose == "Changed purpose"


def dashboard_html(client_for, party, scenario) -> str:
    return get(
        client_for,
        party,
        f"/partnerships/{scenario.partnership.pk}/?period=2024/25 Q4",
        user=party.reader,
    ).content.decode()


def test_drafted_sent_and_signed_by_every_party_through_the_pages_the_figures_cross(
    scenario, client_for
):
    parties = scenario.parties
    county = parties.county
    code = scenario.indicators["mean"].code
    every = [p.organisation.pk for p in scenario.members]
    response = post(
        client_for,
        county,
        new_url(scenario),
        draft_data(
            scenario,
            title="Wealdshire LSP shared figures",
            parties=every,
            partnership_codes=[code],
            shared_fields=["values", "commentary"],
            ends_on="",
        ),
    )
    version = AgreementVersion.objects.get(agreement__title="Wealdshire LSP shared figures")
    assert response.status_code == 302
    sent = post(client_for, county, f"/partnerships/agreements/{version.pk}/send/", {})
    assert sent.status_code == 302
    approve(parties.police, code, "2024/25 Q4", 73, commentary="Police commentary")

    for signer in scenario.members:
        # Nothing crosses before every party has accepted.
        assert "73.0" not in dashboard_html(client_for, parties.health, scenario)
        page = get(client_for, signer, f"/partnerships/agreements/{version.pk}/").content.decode()
        assert f"Accept and sign for {signer.name}" in page
        accepted = post(client_for, signer, f"/partnerships/agreements/{version.pk}/accept/", {})
        assert accepted.status_code == 302
    version.refresh_from_db()
    assert version.status == "active"
    assert set(version.acceptances.values_list("signed_by_email", flat=True)) == {
        p.admin.email for p in scenario.members
    }

    # Publication under the new version (what the worker does on commit), then the health
    # body sees the police figure and its commentary on its own host.
    from ..conftest import publish_pending

    publish_pending(parties.police, [code])
    html = dashboard_html(client_for, parties.health, scenario)
    assert "73.0" in html and "Police commentary" in html
    assert "Wealdshire LSP shared figures v1" in html


def test_a_party_that_is_not_a_signatory_cannot_accept_through_the_page(scenario, client_for):
    police = scenario.parties.police
    services.agreement_send_for_acceptance(
        version=scenario.version,
        organisation=scenario.parties.county.organisation,
        actor=scenario.parties.county.admin,
    )
    url = f"/partnerships/agreements/{scenario.version.pk}/accept/"

    officer = client_for(police.organisation, user=police.officer)
    response = officer.post(url, {}, follow=True)
    outsider = post(client_for, scenario.parties.outsider, url, {})

    assert response.redirect_chain == [(f"/partnerships/agreements/{scenario.version.pk}/", 302)]
    assert "Only an authorised signatory" in response.content.decode()
    assert outsider.status_code == 404
    assert not scenario.version.acceptances.exists()


@pytest.mark.parametrize("ending", ["revoked", "expired"])
def test_an_ended_agreement_cannot_be_amended_or_changed(scenario, client_for, ending):
    from ..conftest import sign_all

    county = scenario.parties.county
    version = sign_all(scenario)
    if ending == "revoked":
        services.agreement_revoke(
            version=version, organisation=county.organisation, actor=county.admin, reason="Over"
        )
    else:
        version.ends_on = date(2024, 12, 31)
        version.save(update_fields=["ends_on"])
        services.agreement_expire_due(today=date(2025, 1, 1))
    version.refresh_from_db()
    assert version.status == ending
    before = AgreementVersion.objects.filter(agreement=version.agreement).count()
    amend = {
        "indicator_codes": scenario.indicators["sum"].code,
        "shared_fields": ["values"],
        "purpose": "Again",
        "lawful_basis": "public_task",
        "retention_months": "12",
        "starts_on": "2025-04-01",
    }

    response = post(client_for, county, f"/partnerships/agreements/{version.pk}/amend/", amend)
    edit = post(client_for, county, f"/partnerships/agreements/{version.pk}/edit/", {})

    assert response.status_code == 200 and "has ended" in response.content.decode()
    page = parse(response)
    (summary,) = summaries(page)
    assert "has ended" in summary.text and "autofocus" in summary.attrs
    assert_form_markup(page)
    assert edit.status_code == 302
    assert AgreementVersion.objects.filter(agreement=version.agreement).count() == before
    version.refresh_from_db()
    assert version.status == ending and version.purpose == "Joint reporting to the LSP board."


def test_a_bad_amendment_is_summarised_with_links_to_the_group_and_the_box(scenario, client_for):
    from ..conftest import sign_all

    county = scenario.parties.county
    version = sign_all(scenario)
    before = AgreementVersion.objects.filter(agreement=version.agreement).count()

    response = post(
        client_for,
        county,
        f"/partnerships/agreements/{version.pk}/amend/",
        {"indicator_codes": "", "shared_fields": ["telepathy"], "purpose": "Again",
         "lawful_basis": "public_task", "retention_months": "12", "starts_on": "2025-04-01"},
    )  # fmt: skip

    page = parse(response)
    (summary,) = summaries(page)
    assert summary_links(page, summary) == ["#id_indicator_codes", "#id_shared_fields"]
    assert page.by_id("id_shared_fields").tag == "fieldset"
    assert_form_markup(page)
    assert AgreementVersion.objects.filter(agreement=version.agreement).count() == before


def test_every_form_page_of_the_lead_ties_its_labels_hints_and_groups_up(scenario, client_for):
    county = scenario.parties.county
    partnership = scenario.partnership.pk
    urls = [
        "/partnerships/new/",
        f"/partnerships/{partnership}/members/",
        f"/partnerships/{partnership}/signatories/",
        f"/partnerships/{partnership}/indicators/",
        f"/partnerships/indicators/{scenario.indicators['sum'].pk}/targets/",
        new_url(scenario),
        f"/partnerships/agreements/{scenario.version.pk}/edit/",
        f"/partnerships/agreements/{scenario.version.pk}/",
    ]
    for url in urls:
        response = get(client_for, county, url)
        assert response.status_code == 200, url
        page = parse(response)
        assert_form_markup(page)
        assert summaries(page) == [], url
    # The agreement's groups of checkboxes are fieldsets named by their legend.
    drafting = parse(get(client_for, county, new_url(scenario)))
    legends = [f.children[0].text for f in drafting.find_all("fieldset") if f.get("id")]
    assert legends == [
        "Parties",
        "The partnership's shared indicators it covers",
        "What may be shared",
    ]
