"""Who may open which performance page: readers, managers, providers, verifiers, another
organisation's users and anonymous visitors."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import AuditEntry, Indicator, IndicatorValue

from .conftest import enter

READ_PAGES = ["/indicators/", "/indicators/report/?period=2024/25 Q2"]
PI_READ_PAGES = ["/indicators/{pk}/", "/indicators/{pk}/history/", "/indicators/{pk}/targets/"]
MANAGE_PAGES = ["/indicators/new/", "/indicators/adopt/", "/indicators/settings/"]


@pytest.mark.parametrize("role", ["councillor", "manager", "auditor", "data_provider"])
def test_every_reader_can_read_the_list_the_pi_page_and_the_report(
    org_a, make_user, pi, as_user, role
):
    client = as_user(make_user(org_a, roles=[role]).user)
    for url in [*READ_PAGES, *(page.format(pk=pi.pk) for page in PI_READ_PAGES)]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "PG 1" in client.get("/indicators/").content.decode()


def test_a_councillor_cannot_set_up_or_change_anything(org_a, people, pi, as_user, alpha):
    client = as_user(people.councillor)
    with alpha():
        audit_before = AuditEntry.objects.count()
    for url in [*MANAGE_PAGES, f"/indicators/{pi.pk}/edit/"]:
        assert client.get(url).status_code == 403, url
    refused = [
        client.post("/indicators/new/", {"code": "X 1", "title": "Sneaky"}),
        client.post(f"/indicators/{pi.pk}/edit/", {"title": "Renamed"}),
        client.post(
            f"/indicators/{pi.pk}/targets/",
            {"action": "set", "target-period": "2024/25 Q4", "target-value": "99"},
        ),
        client.post("/indicators/settings/", {"action": "settings", "tolerance_amount": "50"}),
        client.post(f"/indicators/{pi.pk}/enter/", {"period": "2024/25 Q1", "value": "50"}),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    page = client.get(f"/indicators/{pi.pk}/").content.decode()
    assert "Change the indicator" not in page and "Enter a value" not in page
    with alpha():
        assert not Indicator.objects.filter(code="X 1").exists()
        assert Indicator.objects.get(pk=pi.pk).title == "Household waste recycled"
        assert not IndicatorValue.objects.filter(indicator=pi).exists()
        assert AuditEntry.objects.count() == audit_before


def test_a_data_provider_cannot_approve_or_open_the_queue(org_a, people, pi, as_user, alpha):
    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", submit=True)
    client = as_user(people.other_provider)
    assert client.get("/indicators/approvals/").status_code == 403
    assert client.post(f"/indicators/values/{row.pk}/approve/").status_code == 403
    assert (
        client.post(f"/indicators/values/{row.pk}/send-back/", {"reason": "no"}).status_code == 403
    )
    with alpha():
        assert IndicatorValue.objects.get(pk=row.pk).workflow_status == "submitted"


def test_a_provider_cannot_enter_values_for_a_pi_they_do_not_provide(
    org_a, people, pi, as_user, alpha
):
    client = as_user(people.other_provider)
    page = client.get(f"/indicators/{pi.pk}/enter/?period=2024/25 Q1")
    assert page.status_code == 403
    assert client.post(f"/indicators/{pi.pk}/check/", {"period": "2024/25 Q1"}).status_code == 403
    with alpha():
        assert not IndicatorValue.objects.filter(indicator=pi).exists()


def test_a_verifier_cannot_approve_a_value_they_entered(org_a, people, pi, as_user, alpha):
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_submit

    with alpha():
        row = value_enter(
            actor=people.provider_verifier, indicator=pi, period_code="2024/25 Q1", value="52"
        )
        value_submit(actor=people.provider_verifier, value=row)
    client = as_user(people.provider_verifier)
    queue = client.get("/indicators/approvals/").content.decode()
    # The value is shown, with its approve button disabled and the reason beside it.
    assert "PG 1" in queue and "disabled" in queue
    assert "someone else must approve it" in queue
    response = client.post(f"/indicators/values/{row.pk}/approve/")
    assert response.status_code == 403  # a refusal, with the queue and the reason beside it
    assert "someone else must approve it" in response.content.decode()
    with alpha():
        assert IndicatorValue.objects.get(pk=row.pk).workflow_status == "submitted"


def test_another_organisations_user_gets_not_found_for_our_ids(
    org_a, org_b, people, pi, make_user, client_for, alpha
):
    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", submit=True)
    with schema_context(org_b.schema_name):
        # The ids must not exist in Beta too, or this would test nothing.
        assert not Indicator.objects.filter(pk=pi.pk).exists()
        assert not IndicatorValue.objects.filter(pk=row.pk).exists()
    beta_officer = make_user(org_b, roles=["performance_officer", "verifier"]).user
    client = client_for(org_b, user=beta_officer)
    for url in [
        f"/indicators/{pi.pk}/",
        f"/indicators/{pi.pk}/edit/",
        f"/indicators/{pi.pk}/targets/",
        f"/indicators/{pi.pk}/history/",
        f"/indicators/{pi.pk}/enter/",
        f"/indicators/values/{row.pk}/reopen/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/indicators/values/{row.pk}/approve/").status_code == 404
    assert client.post(f"/indicators/{pi.pk}/check/", {"period": "2024/25 Q1"}).status_code == 404
    with alpha():
        assert IndicatorValue.objects.get(pk=row.pk).workflow_status == "submitted"


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/",
        "/indicators/owe/",
        "/indicators/grid/",
        "/indicators/approvals/",
        "/indicators/report/",
        "/indicators/settings/",
        "/indicators/{pk}/",
        "/indicators/{pk}/history/",
        "/indicators/{pk}/enter/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(org_a, pi, client_for, url):
    response = client_for(org_a).get(url.format(pk=pi.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_anonymous_posts_change_nothing(org_a, people, pi, client_for, alpha):
    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", submit=True)
    client = client_for(org_a)
    for url, data in [
        (f"/indicators/{pi.pk}/enter/", {"period": "2024/25 Q2", "value": "50"}),
        (f"/indicators/values/{row.pk}/approve/", {}),
        (f"/indicators/{pi.pk}/check/", {"period": "2024/25 Q2", "value": "50"}),
    ]:
        assert client.post(url, data).status_code == 302
    with alpha():
        assert IndicatorValue.objects.filter(indicator=pi).count() == 1
        assert IndicatorValue.objects.get(pk=row.pk).workflow_status == "submitted"


def test_the_nav_links_appear_on_organisation_hosts_for_those_they_let_in(org_a, people, as_user):
    page = as_user(people.officer).get("/").content.decode()
    for label in ("Indicators", "What I owe", "Approvals", "Report"):
        assert f">{label}</a>" in page
    # A councillor reads PIs and the report but neither enters nor approves values.
    page = as_user(people.councillor).get("/").content.decode()
    for label in ("Indicators", "Report"):
        assert f">{label}</a>" in page
    for label in ("What I owe", "Approvals"):
        assert f">{label}</a>" not in page
    assert 'href="/indicators/report/"' in page
