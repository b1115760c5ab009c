"""The single sign-on page and its REST twin: administrators set it up (the secret is
stored encrypted and never shown again; every change is audited without it), bad input is
refused naming the problem, and anyone else is refused with nothing changed."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tests.conftest import host_of

PAGE = "/users/single-sign-on/"
API = "/api/v1/accounts/sso/"
SECRET = "s3cret-value-that-must-never-be-shown"


@pytest.fixture
def administrator(org_a, make_user):
    return make_user(org_a, roles=["org_admin"]).user


def saved(org):
    from goldenthread.platform.accounts.models import SsoConfiguration

    with schema_context(org.schema_name):
        return SsoConfiguration.objects.filter(id=1).first()


def oidc_form(provider, **changes) -> dict:
    return {
        "protocol": "oidc",
        "button_label": "Council account",
        "oidc_discovery_url": provider.discovery_url,
        "oidc_client_id": "golden-thread",
        "oidc_client_secret": SECRET,
        "groups_claim": "groups",
        "group_role_mapping": "",
        **changes,
    }


def test_the_page_explains_entra_id_and_shows_the_redirect_uri_on_the_organisations_host(
    org_a, administrator, client_for
):
    page = client_for(org_a, user=administrator).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "https://login.microsoftonline.com/&lt;tenant ID&gt;/v2.0/.well-known/" in html
    assert f"http://{host_of(org_a)}/accounts/sso/oidc/callback/" in html
    for label in ("OpenID Connect (for example Microsoft Entra ID)", "SAML 2.0", "Off"):
        assert label in html
    assert "SAML identity provider metadata URL" in html


def test_an_administrator_turns_on_openid_connect_and_the_secret_is_never_shown_again(
    org_a, administrator, client_for, oidc_provider
):
    from goldenthread.platform.accounts.models import UserAuditEntry
    from goldenthread.platform.accounts.services.sso.secrets import secret_decrypt

    client = client_for(org_a, user=administrator)
    response = client.post(
        PAGE, oidc_form(oidc_provider, group_role_mapping="Performance team = Verifier, Manager")
    )
    assert response.status_code == 302, response.content.decode()

    config = saved(org_a)
    assert config.protocol == "oidc"
    assert SECRET not in config.oidc_client_secret_encrypted  # encrypted at rest
    assert secret_decrypt(config.oidc_client_secret_encrypted) == SECRET
    assert config.group_role_mapping == {"Performance team": ["manager", "verifier"]}

    page = client.get(PAGE).content.decode()
    assert SECRET not in page
    assert "A secret is saved" in page
    assert "Performance team = Manager, Verifier" in page
    api = client.get(API).json()
    assert SECRET not in str(api)
    assert api["oidc_client_secret_set"] is True and api["ready"] is True

    with schema_context(org_a.schema_name):
        [entry] = UserAuditEntry.objects.filter(action="sso_configuration_changed")
    assert entry.actor_id == administrator.pk
    assert entry.old["protocol"] == "off" and entry.new["protocol"] == "oidc"
    assert entry.new["oidc_client_secret"] == "set"
    assert SECRET not in str(entry.old) + str(entry.new)

    # Saving again without a secret keeps it; a new one replaces it (audited as "replaced")
    assert client.post(PAGE, oidc_form(oidc_provider, oidc_client_secret="")).status_code == 302
    assert secret_decrypt(saved(org_a).oidc_client_secret_encrypted) == SECRET
    client.post(PAGE, oidc_form(oidc_provider, oidc_client_secret="a-new-secret"))
    with schema_context(org_a.schema_name):
        latest = UserAuditEntry.objects.filter(action="sso_configuration_changed").first()
    assert latest.new == {"oidc_client_secret": "replaced"}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"oidc_discovery_url": "http://idp.example/.well-known/openid-configuration"}, "https://"),
        (
            {"oidc_discovery_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
            "Could not read the identity provider",
        ),
        ({"oidc_client_secret": ""}, "Enter the client secret"),
        ({"group_role_mapping": "Everyone = Boss"}, "Boss&#x27; is not a role"),
        ({"sso_required": "on"}, "Name a break-glass administrator"),
    ],
    ids=["plain http", "unreachable", "no secret", "unknown role", "no break-glass"],
)
def test_bad_settings_are_refused_naming_the_problem_and_nothing_is_saved(
    org_a, administrator, client_for, oidc_provider, changes, problem
):
    response = client_for(org_a, user=administrator).post(PAGE, oidc_form(oidc_provider, **changes))
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert saved(org_a) is None


def test_rest_refuses_unknown_roles_an_administrator_default_and_a_non_admin_break_glass(
    org_a, administrator, make_user, client_for
):
    officer = make_user(org_a, roles=["performance_officer"]).user
    client = client_for(org_a, user=administrator)
    for body, field in [
        ({"group_role_mapping": {"g": ["emperor"]}}, "group_role_mapping"),
        ({"jit_default_role": "org_admin"}, "jit_default_role"),
        ({"protocol": "saml"}, "saml_metadata_url"),
        (
            {
                "protocol": "saml",
                "saml_metadata_xml": "<x/>",
                "sso_required": True,
                "break_glass_user_id": officer.pk,
            },
            "break_glass_user_id",
        ),
    ]:
        response = client.patch(API, body, content_type="application/json")
        assert response.status_code == 400, body
        assert field in str(response.json()), response.json()
    assert saved(org_a) is None


def test_the_saml_fields_are_kept_for_the_saml_service_provider(
    org_a, administrator, client_for, saml_idp
):
    # The metadata URL is fetched and checked when saved (the tests' local SAML IdP).
    client = client_for(org_a, user=administrator)
    response = client.patch(
        API,
        {
            "protocol": "saml",
            "saml_metadata_url": f"{saml_idp.base_url}/metadata",
            "saml_idp_entity_id": saml_idp.entity_id,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["protocol"] == "saml"
    assert saved(org_a).saml_idp_entity_id == saml_idp.entity_id


@pytest.mark.parametrize("who", ["officer", "anonymous"])
def test_anyone_but_an_administrator_is_refused_and_nothing_changes(
    org_a, make_user, client_for, oidc_provider, who
):
    officer = make_user(org_a, roles=["performance_officer", "manager"]).user
    client = client_for(org_a, user=officer if who == "officer" else None)
    page_get, page_post = client.get(PAGE), client.post(PAGE, oidc_form(oidc_provider))
    api_get = client.get(API)
    api_patch = client.patch(API, {"protocol": "off", "jit_enabled": True}, "application/json")
    if who == "officer":
        assert [page_get.status_code, page_post.status_code] == [403, 403]
        assert [api_get.status_code, api_patch.status_code] == [403, 403]
    else:
        assert page_get.status_code == 302 and page_post.status_code == 302
        assert [api_get.status_code, api_patch.status_code] == [401, 401]
    assert saved(org_a) is None


def test_each_organisation_has_its_own_configuration(
    org_a, org_b, administrator, make_user, client_for
):
    client_for(org_a, user=administrator).patch(
        API, {"jit_enabled": True}, content_type="application/json"
    )
    theirs = make_user(org_b, roles=["org_admin"]).user
    assert client_for(org_b, user=theirs).get(API).json()["jit_enabled"] is False
    assert saved(org_b) is None


def test_the_user_list_shows_who_signed_in_by_sso(org_a, administrator, make_user, client_for):
    from goldenthread.platform.accounts.models import SsoLink

    linked = make_user(org_a, full_name="Linked Person").user
    with schema_context(org_a.schema_name):
        SsoLink.objects.create(user=linked, protocol="oidc", issuer="https://idp/", subject="7")
    client = client_for(org_a, user=administrator)
    html = client.get("/users/").content.decode()
    assert "Signed in by SSO, last" in html
    assert "Not set up" in html  # the others: the organisation has no SSO yet
    users = client.get("/api/v1/accounts/users/?page_size=500").json()["results"]
    by_email = {user["email"]: user["sso"] for user in users}
    assert by_email[linked.email].startswith("signed in by SSO, last")
    assert by_email[administrator.email] == "not set up"


def test_the_page_has_labelled_fields_and_a_working_error_summary(
    org_a, administrator, client_for, oidc_provider
):
    from tests.fixtures.accessibility import assert_form_markup
    from tests.fixtures.html import parse

    client = client_for(org_a, user=administrator)
    for response in (
        client.get(PAGE),
        client.post(PAGE, oidc_form(oidc_provider, oidc_client_id="", sso_required="on")),
    ):
        page = parse(response)
        assert_form_markup(page)
        assert len(page.find_all("h1")) == 1
