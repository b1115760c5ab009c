"""Changing an organisation's licensed modules on the console and from the command line
(#15 item 5): helpdesk leads only, audited with before and after, said in words."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from goldenthread.platform.accounts.services import staff_lead_set
from goldenthread.tenants.models import Module, Organisation, PlatformAuditEvent


@pytest.fixture
def lead_client(public_org, make_user, client_for):
    user = make_user(public_org, is_staff=True, email="lead-console@goldenthread.example").user
    staff_lead_set(email=user.email)
    return client_for(None, user=user)


def test_a_lead_changes_modules_and_the_audit_log_says_it_in_words(lead_client, org_a):
    page = lead_client.get(f"/helpdesk/organisations/{org_a.slug}/")
    assert f'href="/helpdesk/organisations/{org_a.slug}/modules/"' in page.content.decode()
    response = lead_client.post(
        f"/helpdesk/organisations/{org_a.slug}/modules/",
        {"modules": ["performance", "partnerships"]},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=org_a.pk).licensed_modules == [
        "performance",
        "partnerships",
    ]
    detail = lead_client.get(f"/helpdesk/organisations/{org_a.slug}/").content.decode()
    assert "Licensed modules changed" in detail
    assert "Modules before: Performance indicators" in detail
    assert "Modules after: Performance indicators, Partnerships" in detail.replace(" and ", ", ")
    assert "organisation.modules_changed" not in detail and "['performance'" not in detail


def test_staff_who_are_not_leads_cannot_change_modules(staff_client, org_a):
    assert staff_client.get(f"/helpdesk/organisations/{org_a.slug}/modules/").status_code == 403
    response = staff_client.post(
        f"/helpdesk/organisations/{org_a.slug}/modules/", {"modules": ["performance"]}
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=org_a.pk).licensed_modules == list(Module.values)


def test_the_organisation_list_names_modules_in_words(staff_client, org_a):
    text = staff_client.get("/helpdesk/").content.decode()
    assert "Plans, actions and risks" in text
    assert "[&#x27;performance&#x27;" not in text


def test_the_command_sets_modules_and_refuses_unknown_ones(org_b):
    out = StringIO()
    call_command("org", "modules", org_b.slug, "benchmarking", stdout=out)
    assert "Benchmarking" in out.getvalue()
    assert Organisation.objects.get(pk=org_b.pk).licensed_modules == ["benchmarking"]
    event = PlatformAuditEvent.objects.get(
        organisation=org_b, action="organisation.modules_changed"
    )
    assert event.actor.startswith("cli:")
    assert event.detail["before"] == list(Module.values)
    with pytest.raises(CommandError, match="astrology"):
        call_command("org", "modules", org_b.slug, "astrology", stdout=StringIO())
    assert Organisation.objects.get(pk=org_b.pk).licensed_modules == ["benchmarking"]
