"""SAML 2.0 rules that need no database: reading an identity provider's metadata.

An organisation gives us its identity provider (IdP) as metadata, pasted or by URL. We accept
it only when it says everything a sign-in needs: one IdP entity (or the one the administrator
named), a single sign-on address for the HTTP-Redirect binding, and at least one signing
certificate, since every response must be signed with a key from this metadata. The message
of each refusal names what is missing, for the administrator to take back to their IdP team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from goldenthread.platform.core.errors import DomainError

METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
BINDING_HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
# Metadata larger than this is not an IdP's description of itself (federation aggregates
# with thousands of entities are not supported: name the one IdP instead).
METADATA_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class IdpMetadata:
    """What we use from an IdP's metadata."""

    entity_id: str
    sso_url: str  # single sign-on service, HTTP-Redirect binding
    signing_certificates: int


def idp_metadata_read(xml: str, *, entity_id: str = "") -> IdpMetadata:
    """Check IdP metadata and return what a sign-in needs from it.

    `entity_id` chooses one IdP when the document describes several; without it the document
    must describe exactly one. Raises `DomainError` naming the problem."""
    from saml2.mdstore import InMemoryMetaData

    xml = (xml or "").strip()
    if not xml:
        raise DomainError("The identity provider's metadata is empty.", code="saml_metadata")
    if len(xml.encode()) > METADATA_MAX_BYTES:
        raise DomainError(
            f"The identity provider's metadata is larger than {METADATA_MAX_BYTES // 1000} KB.",
            code="saml_metadata",
        )
    _check_document(xml)
    metadata = InMemoryMetaData({}, xml)
    try:
        metadata.load()
    except Exception as error:  # pysaml2 raises bare Exceptions and SAMLErrors alike
        raise DomainError(
            f"The identity provider's metadata is not valid SAML metadata XML ({_reason(error)}).",
            code="saml_metadata",
        ) from error
    identity_providers = [
        name for name, entity in metadata.items() if entity.get("idpsso_descriptor")
    ]
    if not identity_providers:
        raise DomainError(
            "The metadata describes no identity provider (no IDPSSODescriptor).",
            code="saml_metadata",
        )
    entity_id = (entity_id or "").strip()
    if entity_id:
        if entity_id not in identity_providers:
            raise DomainError(
                f"The metadata has no identity provider with the entity ID {entity_id}.",
                code="saml_metadata",
                extra={"field": "entity_id"},
            )
    elif len(identity_providers) > 1:
        raise DomainError(
            "The metadata describes several identity providers: give the entity ID of yours.",
            code="saml_metadata",
            extra={"field": "entity_id"},
        )
    else:
        entity_id = identity_providers[0]
    services = metadata.service(
        entity_id, "idpsso_descriptor", "single_sign_on_service", BINDING_HTTP_REDIRECT
    )
    if not services:
        raise DomainError(
            "The identity provider offers no single sign-on address for the HTTP-Redirect binding.",
            code="saml_metadata",
        )
    certificates = metadata.certs(entity_id, "idpsso", "signing")
    if not certificates:
        raise DomainError(
            "The identity provider's metadata holds no signing certificate, so its responses "
            "could not be checked.",
            code="saml_metadata",
        )
    return IdpMetadata(
        entity_id=entity_id,
        sso_url=services[0]["location"],
        signing_certificates=len(certificates),
    )


def _check_document(xml: str) -> None:
    """The root must be SAML metadata, and not past its own `validUntil`."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(xml)
    except Exception as error:  # ParseError, and defusedxml's refusals of entities
        raise DomainError(
            f"The identity provider's metadata is not valid SAML metadata XML ({_reason(error)}).",
            code="saml_metadata",
        ) from error
    if root.tag not in {
        f"{{{METADATA_NS}}}EntityDescriptor",
        f"{{{METADATA_NS}}}EntitiesDescriptor",
    }:
        name = root.tag.rsplit("}", 1)[-1]
        raise DomainError(
            f"The identity provider's metadata is not valid SAML metadata XML (it is a <{name}> "
            "document, not an EntityDescriptor).",
            code="saml_metadata",
        )
    valid_until = root.get("validUntil")
    if valid_until:
        try:
            until = datetime.fromisoformat(valid_until)
        except ValueError as error:
            raise DomainError(
                f"The metadata's validUntil ({valid_until}) is not a date and time.",
                code="saml_metadata",
            ) from error
        if until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        if until <= datetime.now(UTC):
            raise DomainError(
                f"The identity provider's metadata expired on {until:%d %B %Y at %H:%M} UTC "
                "(its validUntil): get a current copy from the identity provider.",
                code="saml_metadata",
            )


def _reason(error: Exception) -> str:
    cause = error.__cause__ or error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return text[:200]
