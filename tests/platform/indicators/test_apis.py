"""The indicators REST API through real requests on each organisation's host."""

import json

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import AuditEntry, Indicator, IndicatorValue, Target

BASE = "/api/v1/indicators/"


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def alpha_pi(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        return make_indicator(code="API 1")


def test_an_officer_creates_lists_and_reads_pis(org_a, people, client_for):
    client = client_for(org_a, user=people.officer)
    response = post(
        client,
        BASE,
        {
            "code": "NEW 1",
            "title": "Streets clean",
            "unit_kind": "percentage",
            "polarity": "higher",
            "frequency": "quarterly",
            "data_provider_ids": [people.provider.pk],
            "valid_maximum": 100,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "NEW 1" and body["valid_maximum"] == "100"
    assert body["data_provider_ids"] == [people.provider.pk]

    listing = client.get(BASE, {"q": "streets"}).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == body["id"]
    assert client.get(f"{BASE}{body['id']}/").json()["title"] == "Streets clean"


def test_bad_input_gets_the_one_error_body(org_a, people, client_for):
    client = client_for(org_a, user=people.officer)
    response = post(
        client,
        BASE,
        {
            "code": "X",
            "title": "X",
            "unit_kind": "furlongs",
            "polarity": "higher",
            "frequency": "quarterly",
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "extra"} and "unit kind" in body["message"]
    missing = post(client, BASE, {"title": "No code"})
    assert missing.status_code == 400 and missing.json()["message"].startswith(
        "The request was not valid: code"
    )
    unknown_user = post(
        client,
        BASE,
        {
            "code": "Y",
            "title": "Y",
            "unit_kind": "number",
            "polarity": "higher",
            "frequency": "monthly",
            "owner_id": 999999,
        },
    )
    assert unknown_user.status_code == 400 and "owner_id" in unknown_user.json()["message"]
    with schema_context(org_a.schema_name):
        assert not Indicator.objects.exists()


@pytest.mark.parametrize("role", ["provider", "verifier", "councillor", "manager", "auditor"])
def test_read_only_and_other_roles_cannot_manage_pis(org_a, people, client_for, alpha_pi, role):
    client = client_for(org_a, user=getattr(people, role))
    assert client.get(f"{BASE}{alpha_pi.pk}/").status_code == 200
    response = patch(client, f"{BASE}{alpha_pi.pk}/", {"title": "Changed"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    created = post(
        client,
        BASE,
        {
            "code": "Z",
            "title": "Z",
            "unit_kind": "number",
            "polarity": "higher",
            "frequency": "monthly",
        },
    )
    assert created.status_code == 403
    assert (
        post(
            client, f"{BASE}{alpha_pi.pk}/targets/", {"period": "2024/25 Q1", "value": "5"}
        ).status_code
        == 403
    )
    with schema_context(org_a.schema_name):
        assert Indicator.objects.get().title == "Indicator API 1"
        assert not Target.objects.exists()


def test_anonymous_is_refused(org_a, client_for, alpha_pi):
    client = client_for(org_a)
    for url in (BASE, f"{BASE}{alpha_pi.pk}/", f"{BASE}report/?period=2024/25 Q1"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Bearer"
    assert patch(client, f"{BASE}{alpha_pi.pk}/", {"title": "x"}).status_code == 401
    with schema_context(org_a.schema_name):
        assert Indicator.objects.get().title == "Indicator API 1"


def test_another_organisations_user_cannot_reach_alphas_pis(
    org_a, org_b, make_user, client_for, alpha_pi
):
    beta_officer = make_user(org_b, roles=["performance_officer"]).user
    client = client_for(org_b, user=beta_officer)
    # On Beta's own host, Alpha's PI id does not exist: 404, not 403.
    response = client.get(f"{BASE}{alpha_pi.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert patch(client, f"{BASE}{alpha_pi.pk}/", {"title": "Taken"}).status_code == 404
    assert client.get(BASE).json()["count"] == 0
    # On Alpha's host, Beta's session is not signed in.
    client.defaults["HTTP_HOST"] = org_a.get_primary_domain().domain
    assert client.get(f"{BASE}{alpha_pi.pk}/").status_code == 401
    assert patch(client, f"{BASE}{alpha_pi.pk}/", {"title": "Taken"}).status_code == 401
    with schema_context(org_a.schema_name):
        assert Indicator.objects.get().title == "Indicator API 1"


def test_adopted_pi_fields_are_refused_over_the_api(org_a, people, client_for, catalogue_entry):
    catalogue_entry(code="NI 195")
    client = client_for(org_a, user=people.officer)
    adopted = post(client, f"{BASE}adopt/", {"catalogue_code": "NI 195", "decimal_places": 2})
    assert adopted.status_code == 201 and adopted.json()["catalogue_code"] == "NI 195"
    refused = patch(client, f"{BASE}{adopted.json()['id']}/", {"title": "Ours"})
    assert refused.status_code == 400 and refused.json()["code"] == "catalogue_locked"
    accept = post(client, f"{BASE}{adopted.json()['id']}/accept-catalogue-version/", {})
    assert accept.status_code == 400 and accept.json()["code"] == "up_to_date"


def test_values_workflow_over_the_api(org_a, people, client_for, alpha_pi):
    provider = client_for(org_a, user=people.provider)
    verifier = client_for(org_a, user=people.verifier)
    officer = client_for(org_a, user=people.officer)
    assert (
        post(
            officer, f"{BASE}{alpha_pi.pk}/targets/", {"period": "2024/25 Q1", "value": "80"}
        ).status_code
        == 201
    )

    entered = post(
        provider, f"{BASE}{alpha_pi.pk}/values/", {"period": "2024/25 Q1", "value": "79"}
    )
    assert entered.status_code == 201, entered.json()
    value = entered.json()
    assert value["status"]["status"] == "warning" and value["status"]["target"] == "80"
    value_url = f"{BASE}values/{value['id']}/"

    wrong_period = post(
        provider, f"{BASE}{alpha_pi.pk}/values/", {"period": "2024-04", "value": "1"}
    )
    assert wrong_period.status_code == 400
    assert wrong_period.json()["code"] == "wrong_period_type"

    assert post(verifier, value_url + "approve/", {}).status_code == 409  # still a draft
    assert post(provider, value_url + "submit/", {}).json()["workflow_status"] == "submitted"
    assert verifier.get(f"{BASE}values/", {"workflow_status": "submitted"}).json()["count"] == 1
    assert post(provider, value_url + "approve/", {}).status_code == 403
    approved = post(verifier, value_url + "approve/", {})
    assert approved.status_code == 200 and approved.json()["workflow_status"] == "approved"

    locked = post(provider, f"{BASE}{alpha_pi.pk}/values/", {"period": "2024/25 Q1", "value": "90"})
    assert locked.status_code == 409 and locked.json()["code"] == "locked"
    no_reason = post(officer, value_url + "reopen/", {})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    assert post(verifier, value_url + "reopen/", {"reason": "x"}).status_code == 403
    reopened = post(officer, value_url + "reopen/", {"reason": "Restated"})
    assert reopened.json()["workflow_status"] == "draft"

    history = officer.get(f"{BASE}{alpha_pi.pk}/audit/").json()["results"]
    actions = [entry["action"] for entry in history]
    assert actions[:4] == ["reopened", "approved", "submitted", "value_entered"]
    assert history[0]["reason"] == "Restated" and history[0]["old"]["workflow_status"] == (
        "approved"
    )


def test_self_approval_is_refused_over_the_api(org_a, people, client_for, alpha_pi):
    dual = client_for(org_a, user=people.provider_verifier)
    value = post(dual, f"{BASE}{alpha_pi.pk}/values/", {"period": "2024/25 Q1", "value": "5"})
    url = f"{BASE}values/{value.json()['id']}/"
    post(dual, url + "submit/", {})
    refused = post(dual, url + "approve/", {})
    assert refused.status_code == 403 and refused.json()["code"] == "self_approval"
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.get().workflow_status == "submitted"


def test_out_of_range_confirmation_over_the_api(org_a, people, client_for, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(
            code="R 1", unit_kind="number", valid_maximum=10, out_of_range_policy="confirm"
        )
    client = client_for(org_a, user=people.provider)
    url = f"{BASE}{pi.pk}/values/"
    refused = post(client, url, {"period": "2024/25 Q1", "value": 50})
    assert refused.status_code == 400 and refused.json()["code"] == "confirmation_required"
    assert refused.json()["extra"]["problems"]
    ok = post(
        client,
        url,
        {
            "period": "2024/25 Q1",
            "value": 50,
            "confirm_out_of_range": True,
            "out_of_range_note": "Big event",
        },
    )
    assert ok.status_code == 201 and ok.json()["out_of_range_confirmed"]


def test_bulk_upsert_is_all_or_nothing(org_a, people, client_for, alpha_pi):
    client = client_for(org_a, user=people.provider)
    bad = post(
        client,
        f"{BASE}values/bulk/",
        {
            "items": [
                {"indicator_code": "API 1", "period": "2024/25 Q1", "value": "10"},
                {"indicator_code": "NOPE", "period": "2024/25 Q1", "value": "10"},
                {"indicator_id": alpha_pi.pk, "period": "2024-05", "value": "10"},
                {"indicator_code": "api 1", "period": "2024/25 Q2", "value": "abc"},
            ]
        },
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "bulk_refused" and body["message"].startswith("3 of 4 values")
    assert [(e["index"], e["code"]) for e in body["extra"]["errors"]] == [
        (1, "unknown_indicator"),
        (2, "wrong_period_type"),
        (3, "invalid"),
    ]
    with schema_context(org_a.schema_name):
        assert not IndicatorValue.objects.exists()
        assert not AuditEntry.objects.filter(object_type="indicatorvalue").exists()

    good = post(
        client,
        f"{BASE}values/bulk/",
        {
            "items": [
                {"indicator_code": "API 1", "period": "2024/25 Q1", "value": "10"},
                {"indicator_id": alpha_pi.pk, "period": "2024/25 Q2", "value": "12"},
            ]
        },
    )
    assert good.status_code == 200 and good.json()["count"] == 2
    other = client_for(org_a, user=people.other_provider)
    denied = post(
        other,
        f"{BASE}values/bulk/",
        {
            "items": [
                {"indicator_code": "API 1", "period": "2024/25 Q3", "value": "10"},
            ]
        },
    )
    assert denied.status_code == 400 and denied.json()["extra"]["errors"][0]["code"] == (
        "permission_denied"
    )


def test_status_trend_readout_and_report(org_a, people, client_for, alpha_pi):
    officer = client_for(org_a, user=people.officer)
    post(officer, f"{BASE}{alpha_pi.pk}/targets/profile/", {"year": "2024/25", "annual": "80"})
    for period, value in (("2023/24 Q1", "70"), ("2023/24 Q4", "90"), ("2024/25 Q1", "85")):
        post(officer, f"{BASE}{alpha_pi.pk}/values/", {"period": period, "value": value})
    readout = officer.get(f"{BASE}{alpha_pi.pk}/status/", {"period": "2024/25 Q1"}).json()
    assert readout["status"]["status"] == "on_target" and readout["status"]["icon"]
    assert readout["previous"]["trend"] == "getting_worse"
    assert readout["same_period_last_year"]["trend"] == "improving"
    assert readout["same_period_last_year"]["value"] == "70"
    report = client_for(org_a, user=people.councillor).get(
        f"{BASE}report/", {"period": "2024/25 Q1"}
    )
    assert report.status_code == 200 and report.json()["rows"][0]["code"] == "API 1"
    assert officer.get(f"{BASE}report/").json()["message"].startswith("Say which period")
    values = officer.get(f"{BASE}{alpha_pi.pk}/values/").json()
    assert values["count"] == 3
    assert values["results"][-1]["previous"]["trend"] == "getting_worse"


def test_pagination_and_targets_listing(org_a, people, client_for, make_indicator):
    with schema_context(org_a.schema_name):
        for n in range(5):
            make_indicator(code=f"P {n}")
    client = client_for(org_a, user=people.manager)
    page = client.get(BASE, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5 and [pi["code"] for pi in page["results"]] == ["P 2", "P 3"]


def test_a_pi_is_retired_and_reactivated_with_a_reason(org_a, people, client_for, alpha_pi):
    client = client_for(org_a, user=people.officer)
    retired = post(client, f"{BASE}{alpha_pi.pk}/retire/", {"reason": "Merged"})
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    again = post(client, f"{BASE}{alpha_pi.pk}/retire/", {})
    assert again.status_code == 400 and "already retired" in again.json()["message"]
    back = post(client, f"{BASE}{alpha_pi.pk}/reactivate/", {"reason": "Back"})
    assert back.status_code == 200 and back.json()["is_active"] is True
    with schema_context(org_a.schema_name):
        reasons = AuditEntry.objects.filter(object_id=str(alpha_pi.pk)).values_list(
            "reason", flat=True
        )
        assert {"Merged", "Back"} <= set(reasons)
