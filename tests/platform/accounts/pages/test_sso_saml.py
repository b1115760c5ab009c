"""SAML 2.0 single sign-on through real requests: our pages on the organisation's host, the
local pysaml2 identity provider over HTTP, and the responses it signs (or that were altered
after it signed them). Every refusal leaves nobody signed in and an AuthenticationEvent."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import (
    AuthenticationEvent,
    Role,
    SsoConfiguration,
    SsoLink,
)
from tests.conftest import host_of
from tests.fixtures.saml_idp import http_sign_in, replace_email, strip_signatures

START = "/accounts/sso/saml/start/"
ACS = "/accounts/sso/saml/acs/"
METADATA = "/accounts/sso/saml/metadata/"
SETTINGS = "/users/single-sign-on/"


def configure_saml(organisation, admin, saml_idp, **changes):
    from goldenthread.platform.accounts.services.sso.configuration import (
        sso_configuration_update,
    )

    with schema_context(organisation.schema_name):
        return sso_configuration_update(
            actor=admin,
            changes={
                "protocol": "saml",
                "saml_metadata_url": f"{saml_idp.base_url}/metadata",
                **changes,
            },
        )


@pytest.fixture
def saml_alpha(org_a, make_user, saml_idp):
    admin = make_user(org_a, roles=list(Role.values)).user
    configure_saml(org_a, admin, saml_idp)
    return admin


@pytest.fixture
def invited(org_a, make_user):
    return make_user(org_a, roles=[Role.PERFORMANCE_OFFICER], email="ann@alpha.example").user


def start(client, next_url: str = "") -> str:
    answer = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert answer.status_code == 302, answer.content.decode()
    return answer["Location"]


def is_signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def events(organisation, kind: str) -> list[AuthenticationEvent]:
    with schema_context(organisation.schema_name):
        return list(AuthenticationEvent.objects.filter(kind=kind).order_by("id"))


def test_an_invited_user_signs_in_through_the_identity_provider(
    org_a, client_for, saml_alpha, invited, saml_idp
):
    client = client_for(org_a)
    location = start(client, "/indicators/")
    assert location.startswith(saml_idp.sso_url)

    post = http_sign_in(saml_idp, location, "Ann@Alpha.example", name="Ann Able")
    assert post.acs_url == f"http://{host_of(org_a)}{ACS}"
    answer = client.post(ACS, post.form())

    assert answer.status_code == 302
    assert answer["Location"] == "/indicators/"
    assert is_signed_in(client)
    [signed_in] = events(org_a, "sso_signed_in")
    assert signed_in.email == "ann@alpha.example"
    assert signed_in.detail["protocol"] == "saml"
    with schema_context(org_a.schema_name):
        link = SsoLink.objects.get(user=invited)
    assert (link.protocol, link.issuer, link.subject) == (
        "saml",
        saml_idp.entity_id,
        "Ann@Alpha.example",
    )


def test_just_in_time_creation_maps_the_groups_attribute_to_roles(
    org_a, client_for, saml_alpha, saml_idp
):
    configure_saml(
        org_a,
        saml_alpha,
        saml_idp,
        jit_enabled=True,
        jit_default_role=Role.DATA_PROVIDER,
        groups_claim="groups",
        group_role_mapping={"pi-team": [Role.VERIFIER]},
    )
    client = client_for(org_a)
    post = http_sign_in(
        saml_idp, start(client), "new.person@alpha.example", name="New Person", groups="pi-team,x"
    )

    assert client.post(ACS, post.form()).status_code == 302

    assert is_signed_in(client)
    with schema_context(org_a.schema_name):
        from goldenthread.platform.accounts.models import User

        user = User.objects.get(email="new.person@alpha.example")
        assert sorted(user.roles) == [Role.DATA_PROVIDER, Role.VERIFIER]
        assert user.full_name == "New Person"


def test_a_person_who_was_not_invited_is_refused_and_it_is_recorded(
    org_a, client_for, saml_alpha, saml_idp
):
    client = client_for(org_a)
    post = http_sign_in(saml_idp, start(client), "stranger@alpha.example")

    answer = client.post(ACS, post.form())

    assert answer.status_code == 403
    assert "has not given you access" in answer.content.decode()
    assert not is_signed_in(client)
    [refused] = events(org_a, "sso_refused")
    assert refused.email == "stranger@alpha.example"
    assert refused.detail["reason"] == "not_invited"
    assert refused.detail["protocol"] == "saml"


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        (
            lambda idp, impostor, loc: replace_email(
                idp.issue(loc, "x@alpha.example"), "ann@alpha.example"
            ),
            "signature does not match",
        ),
        (
            lambda idp, impostor, loc: strip_signatures(idp.issue(loc, "ann@alpha.example")),
            "not signed",
        ),
        (
            lambda idp, impostor, loc: impostor.issue(loc, "ann@alpha.example"),
            "signature does not match",
        ),
        (
            lambda idp, impostor, loc: idp.issue(
                loc, "ann@alpha.example", audience="https://other.example/"
            ),
            "audience",
        ),
    ],
    ids=[
        "email-changed-after-signing",
        "signature-stripped",
        "signed-with-another-key",
        "wrong-audience",
    ],
)
def test_a_tampered_or_misdirected_response_signs_nobody_in(
    org_a, client_for, saml_alpha, invited, saml_idp, saml_impostor, tamper, words
):
    client = client_for(org_a)
    post = tamper(saml_idp, saml_impostor, start(client))

    answer = client.post(ACS, post.form())

    assert answer.status_code == 403
    page = answer.content.decode()
    assert "failed our security checks" in page
    assert words in page
    assert not is_signed_in(client)
    assert events(org_a, "sso_signed_in") == []
    [refused] = events(org_a, "sso_refused")
    assert refused.detail["reason"] == "invalid_response"
    assert words in refused.detail["check"]
    with schema_context(org_a.schema_name):
        assert not SsoLink.objects.exists()


def test_a_response_works_once(org_a, client_for, saml_alpha, invited, saml_idp):
    client = client_for(org_a)
    post = http_sign_in(saml_idp, start(client), "ann@alpha.example")
    assert client.post(ACS, post.form()).status_code == 302
    client.post("/accounts/sign-out/")

    again = client.post(ACS, post.form())

    assert again.status_code == 403
    assert "no sign-in started in this browser" in again.content.decode()
    assert not is_signed_in(client)


def test_a_response_replayed_from_another_browser_is_refused(
    org_a, client_for, saml_alpha, invited, saml_idp
):
    client = client_for(org_a)
    post = http_sign_in(saml_idp, start(client), "ann@alpha.example")
    attacker = Client(HTTP_HOST=host_of(org_a))

    hop = attacker.post(ACS, post.form())  # no session cookie: the page that posts it again
    assert hop.status_code == 200
    assert 'name="continued"' in hop.content.decode()
    answer = attacker.post(ACS, {**post.form(), "continued": "1"})

    assert answer.status_code == 403
    assert not is_signed_in(attacker)
    assert events(org_a, "sso_signed_in") == []


def test_the_identity_providers_cross_site_post_is_posted_again_from_our_site(
    org_a, client_for, saml_alpha, saml_idp
):
    """Browsers withhold the SameSite=Lax session cookie from the IdP's POST: the ACS answers
    with a form carrying the same response, submitted by a static script."""
    answer = Client(HTTP_HOST=host_of(org_a)).post(ACS, {"SAMLResponse": "abc", "RelayState": ""})

    page = answer.content.decode()
    assert answer.status_code == 200
    assert 'value="abc"' in page
    assert "accounts/saml-continue" in page
    assert answer["Cache-Control"] == "no-store"


def test_another_organisations_response_is_refused_here(
    org_a, org_b, client_for, make_user, saml_alpha, invited, saml_idp
):
    admin_b = make_user(org_b, roles=list(Role.values)).user
    configure_saml(org_b, admin_b, saml_idp)
    make_user(org_b, roles=[Role.PERFORMANCE_OFFICER], email="ann@alpha.example")
    at_alpha, at_beta = client_for(org_a), client_for(org_b)
    start(at_alpha)  # Alpha's session has a sign-in of its own outstanding
    post_for_beta = http_sign_in(saml_idp, start(at_beta), "ann@alpha.example")

    answer = at_alpha.post(ACS, post_for_beta.form())

    assert answer.status_code == 403
    assert "another address" in answer.content.decode()
    assert not is_signed_in(at_alpha)


def test_sso_required_keeps_passwords_out_but_saml_in(
    org_a, client_for, saml_alpha, invited, saml_idp, make_user
):
    with schema_context(org_a.schema_name):
        from goldenthread.platform.accounts.services.sso.configuration import (
            sso_configuration_update,
        )

        sso_configuration_update(
            actor=saml_alpha,
            changes={"sso_required": True, "break_glass_user_id": saml_alpha.pk},
        )
    client = client_for(org_a)
    sign_in_page = client.get("/accounts/sign-in/").content.decode()
    assert 'id="sso-sign-in"' in sign_in_page
    password = client.post(
        "/accounts/sign-in/", {"username": "ann@alpha.example", "password": "anything-at-all-1"}
    )
    assert not is_signed_in(client)
    assert password.status_code in (200, 400, 403)

    via_button = client.get("/accounts/sso/start/")
    assert via_button.status_code == 302 and via_button["Location"].startswith(START)
    post = http_sign_in(saml_idp, start(client), "ann@alpha.example")
    assert client.post(ACS, post.form()).status_code == 302
    assert is_signed_in(client)


def test_the_sp_metadata_is_on_the_organisations_host_only(org_a, client_for):
    answer = client_for(org_a).get(METADATA)

    xml = answer.content.decode()
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/samlmetadata+xml")
    assert f'entityID="http://{host_of(org_a)}{METADATA}"' in xml
    assert f'Location="http://{host_of(org_a)}{ACS}"' in xml
    assert client_for(None).get(METADATA).status_code == 404


def test_starting_saml_when_it_is_not_set_up_is_refused(org_a, client_for):
    answer = client_for(org_a).get(START)

    assert answer.status_code == 404
    assert "not set up" in answer.content.decode()


def test_the_settings_page_gives_the_addresses_for_the_identity_provider(
    org_a, client_for, saml_alpha
):
    page = client_for(org_a, user=saml_alpha).get(SETTINGS).content.decode()

    assert f"http://{host_of(org_a)}{METADATA}" in page
    assert f"http://{host_of(org_a)}{ACS}" in page


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"saml_metadata_url": "", "saml_metadata_xml": "<EntityDescriptor>"},
            "not valid SAML metadata XML",
        ),
        ({"saml_metadata_url": "http://127.0.0.1:9/metadata"}, "could not be reached"),
        (
            {"saml_idp_entity_id": "https://nope.example/"},
            "no identity provider with the entity ID",
        ),
    ],
    ids=["broken-xml", "unreachable-url", "unknown-entity-id"],
)
def test_unusable_metadata_is_refused_on_the_settings_page_naming_the_problem(
    org_a, client_for, saml_alpha, saml_idp, changes, words
):
    form = {
        "protocol": "saml",
        "saml_metadata_url": f"{saml_idp.base_url}/metadata",
        "groups_claim": "groups",
        **changes,
    }
    with schema_context(org_a.schema_name):
        before = (
            SsoConfiguration.load().saml_idp_entity_id,
            SsoConfiguration.load().saml_metadata_url,
        )

    answer = client_for(org_a, user=saml_alpha).post(SETTINGS, form)

    assert answer.status_code == 400
    assert words in answer.content.decode()
    with schema_context(org_a.schema_name):
        config = SsoConfiguration.load()
        assert (config.saml_idp_entity_id, config.saml_metadata_url) == before


def test_pasted_metadata_is_accepted(org_a, client_for, saml_alpha, saml_idp, invited):
    form = {
        "protocol": "saml",
        "saml_metadata_url": "",
        "saml_metadata_xml": saml_idp.metadata_xml,
        "groups_claim": "groups",
    }
    answer = client_for(org_a, user=saml_alpha).post(SETTINGS, form)
    assert answer.status_code == 302, answer.content.decode()

    client = client_for(org_a)
    post = http_sign_in(saml_idp, start(client), "ann@alpha.example")
    assert client.post(ACS, post.form()).status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize("role", [Role.PERFORMANCE_OFFICER, Role.AUDITOR])
def test_only_administrators_may_set_up_saml(org_a, client_for, make_user, saml_idp, role):
    user = make_user(org_a, roles=[role]).user
    client = client_for(org_a, user=user)

    assert client.get(SETTINGS).status_code == 403
    answer = client.post(
        SETTINGS, {"protocol": "saml", "saml_metadata_url": f"{saml_idp.base_url}/metadata"}
    )

    assert answer.status_code == 403
    with schema_context(org_a.schema_name):
        assert SsoConfiguration.load().protocol == "off"


API = "/api/v1/accounts/sso/"


def test_rest_refuses_unusable_saml_metadata_naming_the_problem(
    org_a, client_for, saml_alpha, saml_idp
):
    client = client_for(org_a, user=saml_alpha)

    answer = client.patch(
        API,
        {"saml_metadata_url": "", "saml_metadata_xml": "<html><body>Sign in</body></html>"},
        content_type="application/json",
    )

    assert answer.status_code == 400
    body = answer.json()
    assert "it is a <html> document" in body["message"]
    assert "saml_metadata_xml" in str(body["extra"])
    with schema_context(org_a.schema_name):
        assert SsoConfiguration.load().saml_metadata_url == f"{saml_idp.base_url}/metadata"


@pytest.mark.parametrize("who", ["officer", "anonymous"])
def test_rest_refuses_saml_set_up_by_anyone_but_an_administrator(
    org_a, client_for, make_user, saml_idp, who
):
    officer = make_user(org_a, roles=[Role.PERFORMANCE_OFFICER, Role.MANAGER]).user
    client = client_for(org_a, user=officer if who == "officer" else None)

    answer = client.patch(
        API,
        {"protocol": "saml", "saml_metadata_url": f"{saml_idp.base_url}/metadata"},
        content_type="application/json",
    )

    assert answer.status_code == (403 if who == "officer" else 401)
    with schema_context(org_a.schema_name):
        assert not SsoConfiguration.objects.exists()


def test_the_email_can_come_from_a_configured_attribute(
    org_a, client_for, saml_alpha, invited, saml_idp
):
    answer = client_for(org_a, user=saml_alpha).patch(
        API, {"saml_email_attribute": "mail"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["saml_email_attribute"] == "mail"
    client = client_for(org_a)
    location = start(client)
    post = saml_idp.issue(location, "ann@alpha.example", persistent_id="opaque-42")

    assert client.post(ACS, post.form()).status_code == 302

    assert is_signed_in(client)
    with schema_context(org_a.schema_name):
        assert SsoLink.objects.get(user=invited).subject == "opaque-42"
