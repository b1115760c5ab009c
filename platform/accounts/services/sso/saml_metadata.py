"""The organisation's SAML identity provider metadata: pasted, or fetched from the address its
administrator gave (within a timeout and a size cap, cached like OIDC discovery documents),
and the checks made when the single sign-on settings are saved."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache

from goldenthread.platform.core.errors import DomainError

from ...domain.saml import METADATA_MAX_BYTES, IdpMetadata, idp_metadata_read

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only (urllib would also follow one to ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlparse(newurl).scheme not in {"http", "https"}:
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# An opener without file:, ftp: or data: handlers.
_OPENER = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.HTTPHandler(),
    urllib.request.HTTPSHandler(),
    _HttpOnlyRedirects(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.HTTPErrorProcessor(),
):
    _OPENER.add_handler(_handler)


def saml_metadata_fetch(*, url: str, entity_id: str = "") -> tuple[str, IdpMetadata]:
    """Download IdP metadata (within a timeout and a size cap) and check it.

    Returns the XML and what it says. Raises `DomainError` (code `saml_metadata`) naming the
    problem: not an http(s) address, unreachable, an error status, too large, or not usable
    metadata (see `idp_metadata_read`)."""
    url = (url or "").strip()
    problem = metadata_url_problem(url)
    if problem:
        raise DomainError(problem, code="saml_metadata")
    accept = {"Accept": "application/samlmetadata+xml, */*"}
    request = urllib.request.Request(url, headers=accept)  # noqa: S310 - http(s) only
    try:
        with _OPENER.open(request, timeout=settings.SSO_HTTP_TIMEOUT_SECONDS) as answer:
            body = answer.read(METADATA_MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise DomainError(
            f"The metadata URL answered with HTTP {error.code}, not the metadata.",
            code="saml_metadata",
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise DomainError(
            f"The metadata URL could not be reached ({reason}).", code="saml_metadata"
        ) from error
    if len(body) > METADATA_MAX_BYTES:
        raise DomainError(
            f"The metadata at that URL is larger than {METADATA_MAX_BYTES // 1000} KB.",
            code="saml_metadata",
        )
    try:
        xml = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DomainError(
            "The metadata at that URL is not UTF-8 text.", code="saml_metadata"
        ) from error
    return xml, idp_metadata_read(xml, entity_id=entity_id)


def metadata_url_problem(url: str) -> str | None:
    """Metadata URLs must use HTTPS (the certificates we trust come from it); plain HTTP only
    for an identity provider on this machine (the tests' and a developer's own)."""
    parsed = urlparse(url)
    if parsed.scheme == "https" and parsed.hostname:
        return None
    if parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS:
        return None
    return "The metadata URL must be a full https:// address."


def saml_idp_metadata(config, *, fresh: bool = False) -> tuple[str, IdpMetadata]:
    """The IdP metadata of an `SsoConfiguration`: its pasted XML, or the document at its URL
    (cached for `SSO_METADATA_CACHE_SECONDS`; `fresh` fetches again). Raises `DomainError`."""
    entity_id = config.saml_idp_entity_id
    pasted = (config.saml_metadata_xml or "").strip()
    if pasted:
        return pasted, idp_metadata_read(pasted, entity_id=entity_id)
    if not config.saml_metadata_url:
        raise DomainError(
            "Enter the identity provider's metadata URL, or paste its XML.", code="saml_metadata"
        )
    key = f"sso:saml:metadata:{config.saml_metadata_url}"
    xml = None if fresh else cache.get(key)
    if xml is None:
        xml, metadata = saml_metadata_fetch(url=config.saml_metadata_url, entity_id=entity_id)
        cache.set(key, xml, settings.SSO_METADATA_CACHE_SECONDS)
        return xml, metadata
    return xml, idp_metadata_read(xml, entity_id=entity_id)


def saml_configuration_problems(config) -> dict[str, list[str]]:
    """What stops this configuration from signing anyone in by SAML, by field (the settings
    page shows each next to its field). Fetches the metadata URL when it is not cached."""
    url = config.saml_metadata_url
    pasted = (config.saml_metadata_xml or "").strip()
    if not url and not pasted:
        return {
            "saml_metadata_url": ["Enter the identity provider's metadata URL, or paste its XML."]
        }
    if url and pasted:
        return {
            "saml_metadata_xml": [
                "Give the metadata URL or paste the XML, not both: clear one of them."
            ]
        }
    try:
        saml_idp_metadata(config)
    except DomainError as error:
        if error.extra.get("field") == "entity_id":
            name = "saml_idp_entity_id"
        else:
            name = "saml_metadata_url" if url else "saml_metadata_xml"
        return {name: [error.message]}
    return {}
