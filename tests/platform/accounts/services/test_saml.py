"""The SAML service provider against a real pysaml2 identity provider (no database needed)."""

from __future__ import annotations

import re

import pytest

from goldenthread.platform.accounts.services.sso.saml import (
    SamlIdentityProvider,
    SamlServiceProvider,
    saml_authn_request,
    saml_response_read,
    saml_sp_metadata,
)
from goldenthread.platform.core.errors import DomainError
from tests.fixtures.saml_idp import http_sign_in, replace_email, strip_signatures

SP = SamlServiceProvider(
    entity_id="http://alpha.localhost/sso/saml/metadata/",
    acs_url="http://alpha.localhost/sso/saml/acs/",
)
OTHER_SP = SamlServiceProvider(
    entity_id="http://beta.localhost/sso/saml/metadata/",
    acs_url="http://beta.localhost/sso/saml/acs/",
)


@pytest.fixture
def idp_config(saml_idp):
    return SamlIdentityProvider(metadata_xml=saml_idp.metadata_xml, groups_attribute="groups")


def start(idp_config, sp=SP):
    request_id, location = saml_authn_request(sp=sp, idp=idp_config, relay_state="/next/")
    return {request_id: "/next/"}, location


def test_a_signed_response_to_our_request_vouches_for_the_person(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = http_sign_in(saml_idp, location, "Ann@Alpha.example", name="Ann Able", groups="pi,audit")

    identity = saml_response_read(
        sp=SP, idp=idp_config, saml_response=post.saml_response, outstanding=outstanding
    )

    assert identity.email == "ann@alpha.example"
    assert identity.name == "Ann Able"
    assert identity.groups == ("pi", "audit")
    assert identity.idp_entity_id == saml_idp.entity_id
    assert post.acs_url == SP.acs_url
    assert post.relay_state == "/next/"


def refusal(idp_config, post, outstanding, sp=SP, code="saml_refused") -> str:
    with pytest.raises(DomainError) as refused:
        saml_response_read(
            sp=sp, idp=idp_config, saml_response=post.saml_response, outstanding=outstanding
        )
    assert refused.value.code == code
    return refused.value.message


def test_a_response_whose_email_was_changed_after_signing_is_refused(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = replace_email(saml_idp.issue(location, "ann@alpha.example"), "boss@alpha.example")

    assert "signature does not match" in refusal(idp_config, post, outstanding)


def test_an_unsigned_response_is_refused(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = strip_signatures(saml_idp.issue(location, "ann@alpha.example"))

    assert "not signed" in refusal(idp_config, post, outstanding)


def test_a_response_signed_with_another_key_is_refused(saml_impostor, idp_config):
    outstanding, location = start(idp_config)
    post = saml_impostor.issue(location, "ann@alpha.example")

    assert "signature does not match" in refusal(idp_config, post, outstanding)


def test_a_response_for_another_audience_is_refused(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example", audience="https://elsewhere.example/")

    assert "audience" in refusal(idp_config, post, outstanding)


def test_a_response_to_no_outstanding_request_is_refused(saml_idp, idp_config):
    _, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example")

    assert "no sign-in started in this browser" in refusal(idp_config, post, {})


def test_another_organisations_response_is_refused(saml_idp, idp_config):
    outstanding, location = start(idp_config, sp=OTHER_SP)
    post = saml_idp.issue(location, "ann@alpha.example")

    message = refusal(idp_config, post, outstanding, sp=SP)
    assert "another" in message


def test_the_sp_metadata_names_the_entity_id_and_acs():
    xml = saml_sp_metadata(SP)

    assert f'entityID="{SP.entity_id}"' in xml
    assert f'Location="{SP.acs_url}"' in xml


def test_an_expired_response_is_refused(saml_stale_idp, idp_config):
    outstanding, location = start(idp_config)
    post = saml_stale_idp.issue(location, "ann@alpha.example")

    assert "expired" in refusal(idp_config, post, outstanding)


def test_an_unsigned_assertion_wrapped_beside_the_signed_one_is_refused(saml_idp, idp_config):
    """Signature wrapping: a forged assertion placed before the genuine signed one."""
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example", sign_response=False)
    signed = re.search(r"<(\w+:)?Assertion .*?</\1Assertion>", post.xml, flags=re.S)[0]
    forged = re.sub(r"<(\w+:)?Signature[ >].*?</\1Signature>", "", signed, flags=re.S)
    forged = forged.replace("ann@alpha.example", "boss@alpha.example")
    forged = re.sub(r'ID="[^"]+"', 'ID="forged"', forged, count=1)
    wrapped = post.with_xml(post.xml.replace(signed, forged + signed))

    message = refusal(idp_config, wrapped, outstanding)
    assert "boss" not in message


@pytest.mark.parametrize(
    ("sign_response", "sign_assertion"), [(True, False), (False, True), (True, True)]
)
def test_either_signature_is_enough(saml_idp, idp_config, sign_response, sign_assertion):
    outstanding, location = start(idp_config)
    post = saml_idp.issue(
        location, "ann@alpha.example", sign_response=sign_response, sign_assertion=sign_assertion
    )

    identity = saml_response_read(
        sp=SP, idp=idp_config, saml_response=post.saml_response, outstanding=outstanding
    )
    assert identity.email == "ann@alpha.example"


def test_the_email_may_come_from_a_named_attribute(saml_idp):
    idp_config = SamlIdentityProvider(metadata_xml=saml_idp.metadata_xml, email_attribute="mail")
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "Ann@Alpha.example")

    identity = saml_response_read(
        sp=SP, idp=idp_config, saml_response=post.saml_response, outstanding=outstanding
    )
    assert identity.email == "ann@alpha.example"
    assert identity.groups == ()


def test_a_named_email_attribute_that_is_missing_is_refused_by_name(saml_idp):
    idp_config = SamlIdentityProvider(metadata_xml=saml_idp.metadata_xml, email_attribute="upn")
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example")

    assert "no upn attribute" in refusal(idp_config, post, outstanding, code="saml_no_email")


def test_a_response_answering_another_request_of_the_same_browser_is_refused(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example", in_response_to="id-not-ours")

    assert "no sign-in started in this browser" in refusal(idp_config, post, outstanding)


def test_garbage_is_refused_saying_what_it_is(idp_config):
    from tests.fixtures.saml_idp import SamlPost

    assert "not well-formed XML" in refusal(
        idp_config, SamlPost(SP.acs_url, "", "").with_xml("<nope"), {}
    )
    assert "No SAML response" in refusal(idp_config, SamlPost(SP.acs_url, "", ""), {})


def test_an_opaque_name_id_takes_the_email_from_the_usual_attribute(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example", persistent_id="a1b2c3")

    identity = saml_response_read(
        sp=SP, idp=idp_config, saml_response=post.saml_response, outstanding=outstanding
    )
    assert (identity.subject, identity.email) == ("a1b2c3", "ann@alpha.example")


def test_an_opaque_name_id_without_an_email_attribute_is_refused_saying_why(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example", persistent_id="a1b2c3", send_mail=False)

    message = refusal(idp_config, post, outstanding, code="saml_no_email")
    assert "NameID is not an e-mail address" in message


def test_a_transient_name_id_is_no_subject_to_bind_to(saml_idp, idp_config):
    outstanding, location = start(idp_config)
    post = saml_idp.issue(location, "ann@alpha.example", persistent_id="_x9", transient=True)

    identity = saml_response_read(
        sp=SP, idp=idp_config, saml_response=post.saml_response, outstanding=outstanding
    )
    assert (identity.subject, identity.email) == ("", "ann@alpha.example")
