"""Fetching an identity provider's SAML metadata from the address its administrator gave."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlparse

from goldenthread.platform.core.errors import DomainError

from ..domain.saml import METADATA_MAX_BYTES, IdpMetadata, idp_metadata_read

FETCH_TIMEOUT_SECONDS = 10


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
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise DomainError(
            "The metadata URL must be a full http:// or https:// address.", code="saml_metadata"
        )
    accept = {"Accept": "application/samlmetadata+xml, */*"}
    request = urllib.request.Request(url, headers=accept)  # noqa: S310 - http(s) only
    try:
        with _OPENER.open(request, timeout=FETCH_TIMEOUT_SECONDS) as answer:
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
