"""Which identity provider metadata an organisation may save, and the words of each refusal."""

from __future__ import annotations

import re

import pytest

from goldenthread.platform.accounts.domain.saml import idp_metadata_read
from goldenthread.platform.accounts.services.sso.saml import SamlServiceProvider, saml_sp_metadata
from goldenthread.platform.core.errors import DomainError


def refusal(xml: str, **kwargs) -> str:
    with pytest.raises(DomainError) as refused:
        idp_metadata_read(xml, **kwargs)
    assert refused.value.code == "saml_metadata"
    return refused.value.message


def test_the_test_idps_metadata_gives_its_entity_id_address_and_certificate(saml_idp):
    metadata = idp_metadata_read(saml_idp.metadata_xml)

    assert metadata.entity_id == saml_idp.entity_id
    assert metadata.sso_url == saml_idp.sso_url
    assert metadata.signing_certificates == 1


def test_a_named_entity_id_must_be_in_the_metadata(saml_idp):
    assert idp_metadata_read(saml_idp.metadata_xml, entity_id=saml_idp.entity_id)
    assert "no identity provider with the entity ID https://nope.example/" in refusal(
        saml_idp.metadata_xml, entity_id="https://nope.example/"
    )


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        ("", "metadata is empty"),
        ("<EntityDescriptor>not closed", "not valid SAML metadata XML"),
        ("<html><body>Sign in</body></html>", "not valid SAML metadata XML"),
    ],
)
def test_what_is_not_metadata_is_refused_saying_so(xml, words):
    assert words in refusal(xml)


def test_a_service_providers_metadata_is_refused_as_no_identity_provider():
    xml = saml_sp_metadata(SamlServiceProvider("https://sp.example/", "https://sp.example/acs/"))

    assert "describes no identity provider" in refusal(xml)


def test_metadata_without_a_signing_certificate_is_refused(saml_idp):
    xml = re.sub(
        r"<(\w+:)?KeyDescriptor.*?</\1KeyDescriptor>", "", saml_idp.metadata_xml, flags=re.S
    )

    assert "no signing certificate" in refusal(xml)


def test_metadata_without_a_redirect_sign_on_address_is_refused(saml_idp):
    xml = saml_idp.metadata_xml.replace("HTTP-Redirect", "HTTP-Artifact")

    assert "HTTP-Redirect" in refusal(xml)


def test_metadata_past_its_valid_until_date_is_refused(saml_idp):
    xml = saml_idp.metadata_xml.replace(
        " entityID=", ' validUntil="2001-01-01T00:00:00Z" entityID=', 1
    )

    assert "metadata expired on 01 January 2001" in refusal(xml)


def test_metadata_within_its_valid_until_date_is_accepted(saml_idp):
    xml = saml_idp.metadata_xml.replace(
        " entityID=", ' validUntil="2099-01-01T00:00:00Z" entityID=', 1
    )

    assert idp_metadata_read(xml).entity_id == saml_idp.entity_id


def test_oversized_metadata_is_refused_before_it_is_parsed():
    assert "larger than 1000 KB" in refusal("<x>" + "a" * 1_000_001 + "</x>")
