"""SAML 2.0 service provider for one organisation (pysaml2; signatures checked by xmlsec1).

The organisation is the service provider (SP): its entity ID is its own metadata address and
its assertion consumer service (ACS) is on its own host, so a response made for one
organisation names another's audience and recipient and is refused there. The flow:

1. `saml_authn_request` builds an AuthnRequest for the HTTP-Redirect binding; the caller keeps
   the request's ID in the person's session (the outstanding requests).
2. The IdP posts a Response to the ACS; `saml_response_read` accepts it only when it is signed
   (the whole response or its assertion) with a certificate from the IdP's metadata, is for
   our audience and ACS, is within its time window, and answers a request outstanding in this
   session. The caller removes that request, so a response works once.
3. The vouched-for identity (`SamlIdentity`) goes to the SSO core's shared sign-in service.

Every refusal is a `DomainError` (code `saml_refused`) whose message names the problem.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from goldenthread.platform.core.errors import DomainError

from ...domain.saml import BINDING_HTTP_REDIRECT, idp_metadata_read

logger = logging.getLogger(__name__)

BINDING_HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
# Clocks of the IdP and of our servers may disagree by this much (seconds).
CLOCK_SKEW_SECONDS = 120
# A posted SAMLResponse larger than this is not a sign-in (base64 text, bytes).
RESPONSE_MAX_BYTES = 500_000
# Attributes that commonly carry the e-mail address, read when the NameID is not one and no
# attribute is named (eduPerson/LDAP `mail`, its OID, Microsoft's claim).
EMAIL_ATTRIBUTES = (
    "mail",
    "email",
    "urn:oid:0.9.2342.19200300.100.1.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
)
# Attributes that commonly carry a person's name (SAML URIs, LDAP and Microsoft claim names).
NAME_ATTRIBUTES = (
    "displayName",
    "urn:oid:2.16.840.1.113730.3.1.241",
    "http://schemas.microsoft.com/identity/claims/displayname",
    "cn",
    "urn:oid:2.5.4.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
)


@dataclass(frozen=True)
class SamlServiceProvider:
    """The organisation as a SAML SP: both addresses are on the organisation's host."""

    entity_id: str  # also the address of its SP metadata
    acs_url: str


@dataclass(frozen=True)
class SamlIdentityProvider:
    """The organisation's IdP as configured by its administrator."""

    metadata_xml: str
    entity_id: str = ""  # chooses one IdP when the metadata describes several
    email_attribute: str = ""  # empty: the NameID, in emailAddress format
    groups_attribute: str = ""  # empty: no groups are read


@dataclass(frozen=True)
class SamlIdentity:
    """A person the IdP vouched for, in a response that passed every check."""

    subject: str  # the NameID; "" when it is transient (or absent)
    email: str
    name: str = ""
    groups: tuple[str, ...] = field(default_factory=tuple)
    idp_entity_id: str = ""
    request_id: str = ""  # the outstanding request it answered (the caller removes it)


REFUSED = "saml_refused"
NO_EMAIL = "saml_no_email"  # verified, but it does not say who the person is


def refused(message: str, *, code: str = REFUSED) -> DomainError:
    return DomainError(message, code=code)


def _client(sp: SamlServiceProvider, idp: SamlIdentityProvider):
    from saml2.client import Saml2Client
    from saml2.config import SPConfig
    from saml2.sigver import get_xmlsec_binary

    config = SPConfig()
    config.load(
        {
            "entityid": sp.entity_id,
            "service": {
                "sp": {
                    "endpoints": {"assertion_consumer_service": [(sp.acs_url, BINDING_HTTP_POST)]},
                    # Only answers to requests this browser started (InResponseTo).
                    "allow_unsolicited": False,
                    # Either signature covers the assertion; both are checked when present.
                    "want_assertions_or_response_signed": True,
                    "want_response_signed": False,
                    "want_assertions_signed": False,
                    "authn_requests_signed": False,
                    "allow_unknown_attributes": True,
                }
            },
            "metadata": {"inline": [idp.metadata_xml]},
            "xmlsec_binary": get_xmlsec_binary(),
            # Signatures are checked only with certificates from the IdP's metadata, never
            # with a certificate the response carries itself.
            "only_use_keys_in_metadata": True,
            "accepted_time_diff": CLOCK_SKEW_SECONDS,
        }
    )
    return Saml2Client(config=config)


def saml_sp_metadata(sp: SamlServiceProvider) -> str:
    """The SP metadata an IdP administrator loads: our entity ID and ACS (HTTP-POST)."""
    from saml2.config import SPConfig
    from saml2.metadata import create_metadata_string

    config = SPConfig()
    config.load(
        {
            "entityid": sp.entity_id,
            "service": {
                "sp": {
                    "endpoints": {"assertion_consumer_service": [(sp.acs_url, BINDING_HTTP_POST)]},
                    "want_assertions_signed": True,
                    "authn_requests_signed": False,
                    "name_id_format": [NAMEID_EMAIL],
                }
            },
        }
    )
    return create_metadata_string(None, config=config, valid=None).decode()


def saml_authn_request(
    *, sp: SamlServiceProvider, idp: SamlIdentityProvider, relay_state: str = ""
) -> tuple[str, str]:
    """Start a sign-in: (request ID to keep in the session, address to send the browser to)."""
    metadata = idp_metadata_read(idp.metadata_xml, entity_id=idp.entity_id)
    client = _client(sp, idp)
    request_id, info = client.prepare_for_authenticate(
        entityid=metadata.entity_id,
        relay_state=relay_state,
        binding=BINDING_HTTP_REDIRECT,
        nameid_format=NAMEID_UNSPECIFIED if idp.email_attribute else NAMEID_EMAIL,
    )
    location = dict(info["headers"])["Location"]
    return request_id, location


def saml_response_read(
    *,
    sp: SamlServiceProvider,
    idp: SamlIdentityProvider,
    saml_response: str,
    outstanding: dict[str, str],
) -> SamlIdentity:
    """Check a posted SAMLResponse and return who it vouches for.

    `outstanding` maps the IDs of requests this session started to where each sign-in was
    going; a response answering none of them (unsolicited, replayed, or from another browser)
    is refused. Raises `DomainError` (code `saml_refused`) naming the problem."""
    from saml2.response import StatusError

    metadata = idp_metadata_read(idp.metadata_xml, entity_id=idp.entity_id)
    xml = _decoded(saml_response)
    _refuse_early(xml, sp, outstanding)
    client = _client(sp, idp)
    conversation = {"entity_id": sp.entity_id}
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=dict(outstanding), conv_info=conversation
        )
    except StatusError as error:
        raise refused(f"The identity provider did not sign you in ({_words(error)}).") from error
    except Exception as error:  # pysaml2 raises many types, bare Exception among them
        raise _explained(error, xml, sp, outstanding) from error
    if response is None:
        raise refused("The identity provider's response could not be read.")
    return _identity(response, sp=sp, idp=idp, issuer=metadata.entity_id, outstanding=outstanding)


def _decoded(saml_response: str) -> str:
    if not saml_response:
        raise refused("No SAML response was posted.")
    if len(saml_response) > RESPONSE_MAX_BYTES:
        raise refused("The SAML response is too large.")
    try:
        return base64.b64decode(saml_response, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise refused("The SAML response is not base64-encoded XML.") from error


def _refuse_early(xml: str, sp: SamlServiceProvider, outstanding: dict[str, str]) -> None:
    """Refusals that need no signature check, read from the envelope for a precise message.
    Nothing here accepts a response: what passes is checked again after verification."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(xml)
    except Exception as error:  # defusedxml's refusals and ParseError alike
        raise refused("The SAML response is not well-formed XML.") from error
    if root.tag != "{urn:oasis:names:tc:SAML:2.0:protocol}Response":
        raise refused("The posted message is not a SAML Response.")
    if root.get("Destination") != sp.acs_url:
        raise refused("The response was sent to another address than this organisation's ACS.")
    if root.get("InResponseTo") not in outstanding:
        raise refused(
            "The response answers no sign-in started in this browser (it may be a replay, "
            "or was sent without being asked for)."
        )


def _identity(
    response,
    *,
    sp: SamlServiceProvider,
    idp: SamlIdentityProvider,
    issuer: str,
    outstanding: dict[str, str],
) -> SamlIdentity:
    """Checks pysaml2 leaves to us (or skips when an element is absent), then the identity."""
    assertion = response.assertion
    if assertion is None:
        raise refused("The response holds no assertion (encrypted assertions are not supported).")
    if (assertion.issuer is None or assertion.issuer.text != issuer) or (
        response.response.issuer is not None and response.response.issuer.text != issuer
    ):
        raise refused("The response was issued by another identity provider.")
    if response.response.destination != sp.acs_url:
        raise refused("The response was sent to another address than this organisation's ACS.")
    if response.in_response_to not in outstanding:
        raise refused("The response answers no sign-in started in this browser.")
    _check_audience(assertion, sp)
    _check_confirmation(assertion, sp, response.in_response_to)
    name_id = response.name_id
    subject = (name_id.text or "").strip() if name_id is not None else ""
    attributes = _attributes(assertion)
    if idp.email_attribute:
        values = attributes.get(idp.email_attribute, [])
        email = values[0] if values else ""
        if not email:
            raise refused(
                f"The response has no {idp.email_attribute} attribute for the e-mail.",
                code=NO_EMAIL,
            )
    else:
        if name_id is None or name_id.format != NAMEID_EMAIL:
            # Without a named attribute, the usual e-mail attributes are read instead.
            email = next((attributes[a][0] for a in EMAIL_ATTRIBUTES if attributes.get(a)), "")
            if not email:
                raise refused(
                    "The response's NameID is not an e-mail address: ask your identity "
                    "provider for the emailAddress format, or name the attribute that holds "
                    "the e-mail.",
                    code=NO_EMAIL,
                )
        else:
            email = subject
    email = email.strip().lower()
    if "@" not in email:
        raise refused("The e-mail address in the response is not valid.", code=NO_EMAIL)
    groups: tuple[str, ...] = ()
    if idp.groups_attribute:
        groups = tuple(v.strip() for v in attributes.get(idp.groups_attribute, []) if v.strip())
    name = next((attributes[a][0] for a in NAME_ATTRIBUTES if attributes.get(a)), "")
    return SamlIdentity(
        # A transient NameID changes at every sign-in, so it names nobody for later: the SSO
        # core binds a user to a stable subject only ("" means no binding).
        subject="" if name_id is not None and name_id.format == NAMEID_TRANSIENT else subject,
        email=email,
        name=name.strip(),
        groups=groups,
        idp_entity_id=issuer,
        request_id=response.in_response_to,
    )


def _check_audience(assertion, sp: SamlServiceProvider) -> None:
    """pysaml2 checks the audience only when the assertion has Conditions; we require them."""
    conditions = assertion.conditions
    audiences = [
        audience.text.strip()
        for restriction in (conditions.audience_restriction if conditions else [])
        for audience in restriction.audience
        if audience.text
    ]
    if sp.entity_id not in audiences:
        raise refused("The response is meant for another service (its audience is not ours).")


def _check_confirmation(assertion, sp: SamlServiceProvider, request_id: str) -> None:
    """The bearer confirmation must name our ACS, this request and an end time."""
    for confirmation in assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        if (
            data is not None
            and data.recipient == sp.acs_url
            and data.in_response_to == request_id
            and data.not_on_or_after
        ):
            return
    raise refused(
        "The assertion is not confirmed for this organisation's ACS and this sign-in "
        "(recipient, InResponseTo or NotOnOrAfter is missing or wrong)."
    )


def _attributes(assertion) -> dict[str, list[str]]:
    """Attribute values by Name and by FriendlyName."""
    found: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [v.text.strip() for v in attribute.attribute_value if v.text]
            for key in (attribute.name, attribute.friendly_name):
                if key:
                    found.setdefault(key, []).extend(values)
    return found


def _explained(error: Exception, xml: str, sp: SamlServiceProvider, outstanding) -> DomainError:
    """Turn pysaml2's exception into words naming the problem."""
    from saml2.response import IncorrectlySigned, VerificationError
    from saml2.sigver import MissingKey, SignatureError, SigverError
    from saml2.validate import NotValid, ResponseLifetimeExceed, ToEarly

    text = str(error)
    if isinstance(error, ResponseLifetimeExceed) or "Can't use response" in text:
        return refused("The response has expired (its NotOnOrAfter time has passed).")
    if isinstance(error, ToEarly):
        return refused("The response is not valid yet (its NotBefore time is in the future).")
    signature_errors = SignatureError | SigverError | IncorrectlySigned | MissingKey
    if isinstance(error, signature_errors) or "ignature" in text or "signed" in text:
        if not re.search(r"<(\w+:)?Signature[ >]", xml):
            return refused("The response is not signed by the identity provider.")
        return refused(
            "The response's signature does not match the identity provider's certificate "
            "(it was altered, or signed with another key)."
        )
    time_problem = _time_problem(xml)
    if time_problem:
        return refused(time_problem)
    if "AudienceRestrictions" in text:
        return refused("The response is meant for another service (its audience is not ours).")
    if "don't recall" in text or "Unsolicited" in type(error).__name__:
        return refused(
            "The response answers no sign-in started in this browser (it may be a replay, "
            "or was sent without being asked for)."
        )
    if isinstance(error, VerificationError) and "recipient" in text.lower():
        return refused("The assertion is meant for another address than this organisation's ACS.")
    if isinstance(error, NotValid):
        return refused(f"The response is not valid SAML ({_words(error)}).")
    logger.info("SAML response refused: %r", error)
    return refused(f"The response could not be verified ({_words(error)}).")


def _time_problem(xml: str) -> str:
    """Words for a response outside its time window (read only to explain a refusal)."""
    now = datetime.now(UTC)
    skew = timedelta(seconds=CLOCK_SKEW_SECONDS)
    for value in re.findall(r'NotOnOrAfter="([^"]+)"', xml):
        if _instant(value) and _instant(value) <= now - skew:
            return "The response has expired (its NotOnOrAfter time has passed)."
    for value in re.findall(r'NotBefore="([^"]+)"', xml):
        if _instant(value) and _instant(value) > now + skew:
            return "The response is not valid yet (its NotBefore time is in the future)."
    return ""


def _instant(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _words(error: Exception) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:200]
