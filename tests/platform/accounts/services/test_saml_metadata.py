"""Fetching IdP metadata from a URL: the local IdP's real HTTP server, and what fails."""

from __future__ import annotations

import socket

import pytest

from goldenthread.platform.accounts.services.sso.saml_metadata import saml_metadata_fetch
from goldenthread.platform.core.errors import DomainError


def refusal(url: str) -> str:
    with pytest.raises(DomainError) as refused:
        saml_metadata_fetch(url=url)
    assert refused.value.code == "saml_metadata"
    return refused.value.message


def test_metadata_is_fetched_from_the_idps_url(saml_idp):
    xml, metadata = saml_metadata_fetch(url=f"{saml_idp.base_url}/metadata")

    assert metadata.entity_id == saml_idp.entity_id
    assert "IDPSSODescriptor" in xml


def test_an_address_that_answers_an_error_is_refused_with_its_status(saml_idp):
    assert "answered with HTTP 404" in refusal(f"{saml_idp.base_url}/no-such-page")


def test_an_unreachable_address_is_refused_clearly():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert "could not be reached" in refusal(f"http://127.0.0.1:{port}/metadata")


def test_what_the_address_serves_must_be_metadata(saml_idp):
    assert "not valid SAML metadata XML" in refusal(f"{saml_idp.base_url}/broken-metadata")


@pytest.mark.parametrize(
    "url",
    ["", "file:///etc/passwd", "ftp://idp.example/md", "idp.example", "http://idp.example/md"],
)
def test_only_https_addresses_are_fetched_or_http_on_this_machine(url):
    assert "full https:// address" in refusal(url)
