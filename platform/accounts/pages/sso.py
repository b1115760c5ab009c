"""Single sign-on pages: the start (the button on the sign-in page), the OpenID Connect
callback, and `sso_sign_in`, the one way both protocols sign a vouched-for person in.

Security-relevant. `sso_sign_in` is the page half of the shared door: the service
(`services.sso.sign_in.sso_user_resolve`) decides who may come in; this then goes through the
MFA hooks exactly as the password door does (`pages.mfa.after_password` /
`after_login`), so a person with MFA still gives their code and a person who must set it up is
held on enrolment. The OIDC state, nonce and PKCE verifier live in the session between start
and callback and are used once.
"""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.throttling import client_address

from ..domain.choices import SsoProtocol, SsoRefusal
from ..models import AuthenticationEventKind
from ..selectors import sso as sso_selectors
from ..services import lockout
from ..services.sso import oidc
from ..services.sso.sign_in import SsoRefused, VouchedIdentity, sso_refusal_record, sso_user_resolve
from . import mfa as mfa_pages

BACKEND = "goldenthread.platform.accounts.services.backends.OrganisationUserBackend"
OIDC_PENDING = "sso_oidc_pending"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def refused_page(request: HttpRequest, error: DomainError, *, status: int = 403) -> HttpResponse:
    """The page a refused person sees: what happened in words, and what to do."""
    return _no_store(
        render(
            request,
            "accounts/sso/refused.html",
            {"message": error.message, "reason": getattr(error, "reason", "")},
            status=status,
        )
    )


def sso_sign_in(request: HttpRequest, *, identity: VouchedIdentity, next_url: str) -> HttpResponse:
    """Sign in the person the identity provider vouched for (both protocols call this once
    their own checks passed), or show the refused page. Returns the response to send."""
    address = client_address(request)
    try:
        user = sso_user_resolve(identity=identity, address=address)
    except SsoRefused as refusal:
        return refused_page(request, refusal)
    user.backend = BACKEND
    second_step = mfa_pages.after_password(request, user=user, next_url=next_url)
    lockout.success_record(
        door=lockout.SIGN_IN,
        user=user,
        email=user.email,
        address=address,
        kind=AuthenticationEventKind.SSO_ACCEPTED
        if second_step is not None
        else AuthenticationEventKind.SSO_SIGNED_IN,
        detail={"door": "sso", "protocol": identity.protocol},
    )
    if second_step is not None:
        return second_step
    login(request, user, backend=BACKEND)
    enrol = mfa_pages.after_login(request, user=user)
    return redirect(enrol or mfa_pages._safe_next(request, next_url))


@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """The "Sign in with …" button: off to the organisation's identity provider."""
    next_url = request.GET.get("next", "")
    config = sso_selectors.sso_configuration_get()
    if getattr(request, "organisation", None) is None or not sso_selectors.sso_is_ready(config):
        return refused_page(request, SsoRefused(SsoRefusal.NOT_CONFIGURED), status=404)
    if config.protocol == SsoProtocol.SAML:
        try:
            target = reverse("accounts:sso-saml-start")
        except NoReverseMatch:  # the SAML service provider is not installed in this build
            return refused_page(request, SsoRefused(SsoRefusal.NOT_CONFIGURED), status=404)
        return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    redirect_uri = request.build_absolute_uri(reverse("accounts:sso-oidc-callback"))
    try:
        url, pending = oidc.authorization_start(
            config=config, redirect_uri=redirect_uri, next_url=next_url
        )
    except DomainError as error:
        sso_refusal_record(
            reason=SsoRefusal.PROVIDER_ERROR,
            protocol=SsoProtocol.OIDC,
            address=client_address(request),
            detail={"problem": error.message[:300]},
        )
        return refused_page(request, SsoRefused(SsoRefusal.PROVIDER_ERROR), status=502)
    request.session[OIDC_PENDING] = pending.as_session()
    return _no_store(redirect(url))


@require_GET
def sso_oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here (on the organisation's own host) with a code
    and our state. The pending sign-in is taken from the session once: a replayed or forged
    callback finds nothing, or a state that does not match."""
    saved = request.session.pop(OIDC_PENDING, None)
    address = client_address(request)
    config = sso_selectors.sso_configuration_get()

    def refuse(reason: str, check: str) -> HttpResponse:
        sso_refusal_record(
            reason=reason, protocol=SsoProtocol.OIDC, address=address, detail={"check": check}
        )
        return refused_page(request, SsoRefused(reason))

    if config.protocol != SsoProtocol.OIDC or not sso_selectors.sso_is_ready(config):
        return refuse(SsoRefusal.NOT_CONFIGURED, "configuration")
    if not saved:
        return refuse(SsoRefusal.INVALID_RESPONSE, "no_pending_sign_in")
    pending = oidc.PendingSignIn(**saved)
    if request.GET.get("state") != pending.state:
        return refuse(SsoRefusal.INVALID_RESPONSE, "state")
    if request.GET.get("error"):
        return refuse(SsoRefusal.PROVIDER_ERROR, f"provider:{request.GET['error'][:60]}")
    code = request.GET.get("code", "")
    if not code:
        return refuse(SsoRefusal.INVALID_RESPONSE, "code")
    try:
        claims = oidc.authorization_finish(config=config, pending=pending, code=code)
    except oidc.OidcCheckFailed as failed:
        return refuse(SsoRefusal.INVALID_RESPONSE, failed.check)
    except DomainError:
        return refuse(SsoRefusal.PROVIDER_ERROR, "provider_unreachable")
    person = oidc.identity_claims(claims, groups_claim=config.groups_claim)
    identity = VouchedIdentity(
        protocol=SsoProtocol.OIDC,
        issuer=claims["iss"],
        subject=str(claims["sub"]),
        email=person["email"],
        name=person["name"],
        groups=person["groups"],
    )
    return sso_sign_in(request, identity=identity, next_url=pending.next_url)
