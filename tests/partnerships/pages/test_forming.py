"""Forming a partnership and its membership through the pages, on each organisation's host:
the county's administrator forms it and invites, the invited organisation's administrator
accepts (naming its signatories) or declines on its own host."""

from __future__ import annotations

import pytest

from goldenthread.partnerships.models import (
    Partnership,
    PartnershipInvitation,
    PartnershipMember,
)

from .conftest import error_messages, get, invite, partnership_named, post, unique_name

pytestmark = pytest.mark.django_db


def form_data(name, **overrides):
    data = {
        "name": name,
        "type": "community_safety",
        "description": "Community safety across Wealdshire",
        "starts_on": "2024-04-01",
        "ends_on": "",
        "signatory_emails": "Chief.Exec@county.example\nlegal@county.example",
    }
    data.update(overrides)
    return data


def test_the_nav_reaches_partnerships_and_an_administrator_sees_the_form_link(parties, client_for):
    county = parties.county
    html = get(client_for, county, "/partnerships/").content.decode()
    assert 'href="/partnerships/"' in html and ">Partnerships</a>" in html
    assert 'href="/partnerships/new/"' in html
    reader_html = get(client_for, county, "/partnerships/", user=county.officer).content.decode()
    assert 'href="/partnerships/new/"' not in reader_html


def test_an_administrator_forms_a_partnership_it_leads(parties, client_for):
    county = parties.county
    name = unique_name()

    response = post(client_for, county, "/partnerships/new/", form_data(name))

    partnership = partnership_named(name)
    assert partnership is not None
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{partnership.pk}/members/"
    assert partnership.lead_organisation_id == county.organisation.pk
    assert partnership.type == "community_safety" and partnership.created_by == county.admin.email
    [lead] = PartnershipMember.objects.filter(partnership=partnership)
    assert (lead.organisation_id, lead.role) == (county.organisation.pk, "lead")
    assert lead.signatory_emails == ["chief.exec@county.example", "legal@county.example"]
    members_page = get(client_for, county, response["Location"]).content.decode()
    assert "Invite an organisation" in members_page


@pytest.mark.parametrize("who", ["officer", "reader", "provider"])
def test_only_administrators_may_form_a_partnership(parties, client_for, who):
    county = parties.county
    name = unique_name()
    user = getattr(county, who)

    assert get(client_for, county, "/partnerships/new/", user=user).status_code == 403
    response = post(client_for, county, "/partnerships/new/", form_data(name), user=user)

    assert response.status_code == 403
    assert partnership_named(name) is None


def test_anonymous_is_sent_to_sign_in_and_nothing_is_formed(parties, client_for):
    name = unique_name()
    response = client_for(parties.county.organisation).post("/partnerships/new/", form_data(name))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert partnership_named(name) is None


@pytest.mark.parametrize(
    ("overrides", "field_id", "words"),
    [
        ({"name": ""}, "id_name", "Enter name of the partnership"),
        ({"type": "book_club"}, "id_type", "valid choice"),
        ({"starts_on": "next tuesday"}, "id_starts_on", "valid date"),
        ({"ends_on": "2024-01-01"}, "id_ends_on", "cannot end before it starts"),
        ({"signatory_emails": "not-an-address"}, "id_signatory_emails", "not-an-address"),
    ],
)
def test_bad_input_names_the_field_and_forms_nothing(
    parties, client_for, overrides, field_id, words
):
    before = Partnership.objects.count()
    data = {**form_data(unique_name()), **overrides}

    response = post(client_for, parties.county, "/partnerships/new/", data)

    assert response.status_code == 200
    summary = error_messages(response)
    assert f'href="#{field_id}"' in summary and words in summary
    assert response.content.decode().count('aria-invalid="true"') == 1
    assert Partnership.objects.count() == before


def test_the_lead_invites_and_the_invited_organisation_accepts_on_its_own_host(
    formed, parties, client_for
):
    county, police = parties.county, parties.police
    members_url = f"/partnerships/{formed.pk}/members/"
    # The organisations to choose from are named; the outsider is one of them, the lead not.
    invite_page = get(client_for, county, members_url).content.decode()
    assert f'<option value="{police.organisation.pk}">{police.name}</option>' in invite_page
    assert f'<option value="{county.organisation.pk}">' not in invite_page

    response = post(
        client_for,
        county,
        members_url,
        {
            "organisation": police.organisation.pk,
            "role": "member",
            "signatory_emails": "superintendent@police.example",
            "message": "Please join",
        },
    )

    assert response.status_code == 302
    invitation = PartnershipInvitation.objects.get(partnership=formed)
    assert (invitation.organisation_id, invitation.role, invitation.status) == (
        police.organisation.pk,
        "member",
        "pending",
    )
    assert invitation.proposed_signatory_emails == ["superintendent@police.example"]
    # Invited is not a member: the partnership itself is still hidden from the police.
    assert not PartnershipMember.objects.filter(
        partnership=formed, organisation=police.organisation
    ).exists()
    assert get(client_for, police, f"/partnerships/{formed.pk}/").status_code == 404

    # The police see the invitation on their own host and accept, naming their signatories.
    listing = get(client_for, police, "/partnerships/").content.decode()
    assert f'href="/partnerships/invitations/{invitation.pk}/"' in listing
    assert formed.name in listing
    detail = get(client_for, police, f"/partnerships/invitations/{invitation.pk}/")
    assert "superintendent@police.example" in detail.content.decode()
    accepted = post(
        client_for,
        police,
        f"/partnerships/invitations/{invitation.pk}/accept/",
        {"signatory_emails": "chief.constable@police.example"},
    )

    assert accepted.status_code == 302
    assert accepted["Location"] == f"/partnerships/{formed.pk}/"
    membership = PartnershipMember.objects.get(partnership=formed, organisation=police.organisation)
    assert membership.role == "member"
    assert membership.signatory_emails == ["chief.constable@police.example"]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_by) == ("accepted", police.admin.email)
    assert get(client_for, police, f"/partnerships/{formed.pk}/").status_code == 200
    # ...and the lead sees the answer.
    assert "Accepted" in get(client_for, county, members_url).content.decode()


def test_an_invited_organisation_declines(formed, parties, client_for):
    invitation = invite(formed, parties.county, parties.health, role="observer")

    response = post(
        client_for,
        parties.health,
        f"/partnerships/invitations/{invitation.pk}/decline/",
        {"reason": "Not this year"},
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.status, invitation.response_note) == ("declined", "Not this year")
    assert not PartnershipMember.objects.filter(
        partnership=formed, organisation=parties.health.organisation
    ).exists()
    # Answered once: accepting now changes nothing.
    again = post(
        client_for, parties.health, f"/partnerships/invitations/{invitation.pk}/accept/", {}
    )
    assert again.status_code == 200 and "already been declined" in error_messages(again)
    assert not PartnershipMember.objects.filter(
        partnership=formed, organisation=parties.health.organisation
    ).exists()


def test_only_the_invited_organisations_administrators_may_answer(formed, parties, client_for):
    county, police, outsider = parties.county, parties.police, parties.outsider
    invitation = invite(formed, county, police)
    accept = f"/partnerships/invitations/{invitation.pk}/accept/"

    # Another organisation (even one with its own administrator) is told nothing exists.
    assert (
        get(client_for, outsider, f"/partnerships/invitations/{invitation.pk}/").status_code == 404
    )
    assert post(client_for, outsider, accept, {}).status_code == 404
    # The lead cannot accept on the police's behalf.
    assert post(client_for, county, accept, {}).status_code == 403
    # A police user who is not an administrator cannot commit the police.
    for who in ("officer", "reader"):
        assert post(client_for, police, accept, {}, user=getattr(police, who)).status_code == 403
    page = get(
        client_for, police, f"/partnerships/invitations/{invitation.pk}/", user=police.officer
    )
    assert "Only Wealdshire Police's administrators may answer" in page.content.decode()

    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not PartnershipMember.objects.filter(
        partnership=formed, organisation=police.organisation
    ).exists()


def test_who_may_invite(formed, parties, client_for):
    county, police, outsider, health = (
        parties.county,
        parties.police,
        parties.outsider,
        parties.health,
    )
    membership = invite(formed, county, police)
    from goldenthread.partnerships import services

    services.invitation_accept(
        invitation=membership, organisation=police.organisation, actor=police.admin
    )
    url = f"/partnerships/{formed.pk}/members/"
    data = {"organisation": health.organisation.pk, "role": "member"}

    # A member that is not the lead, even its administrator: 403.
    assert post(client_for, police, url, data).status_code == 403
    # The lead's performance officer runs the partnership but does not commit it to members.
    assert post(client_for, county, url, data, user=county.officer).status_code == 403
    # A non-member: the partnership does not exist.
    assert post(client_for, outsider, url, data).status_code == 404
    assert get(client_for, outsider, url).status_code == 404
    assert not PartnershipInvitation.objects.filter(
        partnership=formed, organisation=health.organisation
    ).exists()
    # Members see who the members are, without the invite form.
    html = get(client_for, police, url, user=police.reader).content.decode()
    assert county.name in html and "Invite an organisation" not in html


def test_inviting_twice_or_a_member_is_refused_beside_the_field(formed, parties, client_for):
    county, police = parties.county, parties.police
    invite(formed, county, police)
    url = f"/partnerships/{formed.pk}/members/"

    again = post(
        client_for, county, url, {"organisation": police.organisation.pk, "role": "member"}
    )
    lead = post(client_for, county, url, {"organisation": county.organisation.pk, "role": "lead"})

    # Neither the already-invited police nor the lead itself are offered.
    assert again.status_code == 200 and 'href="#id_organisation"' in error_messages(again)
    assert 'href="#id_role"' in error_messages(lead)
    assert PartnershipInvitation.objects.filter(partnership=formed).count() == 1


def test_a_members_administrator_names_its_own_signatories(formed, parties, client_for):
    county, police = parties.county, parties.police
    from goldenthread.partnerships import services

    services.invitation_accept(
        invitation=invite(formed, county, police),
        organisation=police.organisation,
        actor=police.admin,
    )
    url = f"/partnerships/{formed.pk}/signatories/"
    membership = PartnershipMember.objects.get(partnership=formed, organisation=police.organisation)

    refused = post(
        client_for, police, url, {"signatory_emails": "x@police.example"}, user=police.officer
    )
    bad = post(client_for, police, url, {"signatory_emails": "nobody"})
    membership.refresh_from_db()
    assert refused.status_code == 403 and "nobody" in error_messages(bad)
    assert membership.signatory_emails == []

    saved = post(client_for, police, url, {"signatory_emails": police.officer.email})
    membership.refresh_from_db()
    assert saved.status_code == 302 and membership.signatory_emails == [police.officer.email]
    # The county's own signatories are untouched: each party names only its own.
    lead = PartnershipMember.objects.get(partnership=formed, organisation=county.organisation)
    assert lead.signatory_emails == []


def test_the_lead_withdraws_an_unanswered_invitation(formed, parties, client_for):
    invitation = invite(formed, parties.county, parties.district)
    url = f"/partnerships/invitations/{invitation.pk}/withdraw/"

    assert post(client_for, parties.district, url, {}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert post(client_for, parties.county, url, {}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    listing = get(client_for, parties.district, "/partnerships/").content.decode()
    assert f"/partnerships/invitations/{invitation.pk}/" not in listing
