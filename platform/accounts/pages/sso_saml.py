"""SAML 2.0 single sign-on pages on the organisation's own host: the SP metadata, the start
(an AuthnRequest by HTTP-Redirect) and the assertion consumer service (ACS, HTTP-POST).

Security-relevant. Each started sign-in's request ID is kept in the person's session; the
ACS accepts only a response answering one of them (`services.sso.saml.saml_response_read`
checks that and the signature, audience, recipient and times) and removes it, so a response
signs in once. The person then goes through the shared door, `pages.sso.sso_sign_in`.

The IdP posts the response from its own site. Browsers do not send our session cookie
(SameSite=Lax) with such a cross-site POST, so when the request carries no session cookie the
ACS answers with a page that posts the same response again from our own site, where the
cookie is sent (`accounts/saml-continue.js` submits it; a button does without JavaScript).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.throttling import client_address

from ..domain.choices import SsoProtocol, SsoRefusal
from ..domain.sso import REFUSAL_MESSAGES
from ..selectors import sso as sso_selectors
from ..services.sso import saml
from ..services.sso.saml_metadata import saml_idp_metadata
from ..services.sso.sign_in import SsoRefused, VouchedIdentity, sso_refusal_record
from .sso import _no_store, refused_page, sso_sign_in

PENDING = "sso_saml_pending"  # {request ID: where the sign-in was going}
# Sign-ins started in other tabs stay valid; older ones are forgotten.
MAX_PENDING = 5
CONTINUED = "continued"


def service_provider(request: HttpRequest) -> saml.SamlServiceProvider:
    """This organisation as a SAML SP: entity ID and ACS on the host the request came to."""
    return saml.SamlServiceProvider(
        entity_id=request.build_absolute_uri(reverse("accounts:sso-saml-metadata")),
        acs_url=request.build_absolute_uri(reverse("accounts:sso-saml-acs")),
    )


def _identity_provider(config) -> saml.SamlIdentityProvider:
    xml, _ = saml_idp_metadata(config)
    return saml.SamlIdentityProvider(
        metadata_xml=xml,
        entity_id=config.saml_idp_entity_id,
        email_attribute=config.saml_email_attribute,
        groups_attribute=config.groups_claim,
    )


def _organisation_only(request: HttpRequest) -> None:
    if getattr(request, "organisation", None) is None:
        raise Http404("Single sign-on belongs to an organisation's own address.")


def _saml_config():
    config = sso_selectors.sso_configuration_get()
    if config.protocol != SsoProtocol.SAML or not sso_selectors.sso_is_ready(config):
        return None
    return config


@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    """The SP metadata to give the identity provider (also our entity ID). Served whether or
    not SAML is switched on yet: the IdP is usually set up first."""
    _organisation_only(request)
    xml = saml.saml_sp_metadata(service_provider(request))
    return HttpResponse(xml, content_type="application/samlmetadata+xml; charset=utf-8")


@require_GET
def saml_start(request: HttpRequest) -> HttpResponse:
    """Off to the identity provider with an AuthnRequest; the request ID stays in the session."""
    _organisation_only(request)
    config = _saml_config()
    if config is None:
        return refused_page(request, SsoRefused(SsoRefusal.NOT_CONFIGURED), status=404)
    try:
        request_id, location = saml.saml_authn_request(
            sp=service_provider(request), idp=_identity_provider(config)
        )
    except DomainError as error:
        sso_refusal_record(
            reason=SsoRefusal.PROVIDER_ERROR,
            protocol=SsoProtocol.SAML,
            address=client_address(request),
            detail={"problem": error.message[:300]},
        )
        return refused_page(request, SsoRefused(SsoRefusal.PROVIDER_ERROR), status=502)
    pending = dict(request.session.get(PENDING) or {})
    pending[request_id] = request.GET.get("next", "")
    request.session[PENDING] = dict(list(pending.items())[-MAX_PENDING:])
    return _no_store(redirect(location))


@csrf_exempt  # posted by the identity provider's site; the signed response is the proof
@require_POST
def saml_acs(request: HttpRequest) -> HttpResponse:
    """The identity provider's signed response arrives here."""
    _organisation_only(request)
    pending = dict(request.session.get(PENDING) or {})
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.POST.get(CONTINUED):
        return _no_store(
            render(
                request,
                "accounts/sso/saml_continue.html",
                {
                    "acs_url": reverse("accounts:sso-saml-acs"),
                    "saml_response": request.POST.get("SAMLResponse", ""),
                    "relay_state": request.POST.get("RelayState", ""),
                },
            )
        )
    address = client_address(request)
    config = _saml_config()
    if config is None:
        sso_refusal_record(
            reason=SsoRefusal.NOT_CONFIGURED,
            protocol=SsoProtocol.SAML,
            address=address,
            detail={"check": "configuration"},
        )
        return refused_page(request, SsoRefused(SsoRefusal.NOT_CONFIGURED))
    try:
        identity = saml.saml_response_read(
            sp=service_provider(request),
            idp=_identity_provider(config),
            saml_response=request.POST.get("SAMLResponse", ""),
            outstanding=pending,
        )
    except DomainError as error:
        reason = {
            saml.REFUSED: SsoRefusal.INVALID_RESPONSE,
            saml.NO_EMAIL: SsoRefusal.NO_EMAIL,
        }.get(error.code, SsoRefusal.PROVIDER_ERROR)
        sso_refusal_record(
            reason=reason,
            protocol=SsoProtocol.SAML,
            address=address,
            detail={"check": error.message[:300]},
        )
        words = f"{REFUSAL_MESSAGES[reason]} What failed: {error.message}"
        return refused_page(request, SsoRefused(reason, words))
    next_url = pending.pop(identity.request_id, "")
    request.session[PENDING] = pending  # used once: a replay finds nothing to answer
    return sso_sign_in(
        request,
        identity=VouchedIdentity(
            protocol=SsoProtocol.SAML,
            issuer=identity.idp_entity_id,
            subject=identity.subject,
            email=identity.email,
            name=identity.name,
            groups=identity.groups,
        ),
        next_url=next_url,
    )
