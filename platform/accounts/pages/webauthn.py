"""Security key and passkey pages: adding a key, signing in with one as the second step or
(a passkey) instead of the password, removing one, and the JSON options the browser script
(`static/accounts/webauthn.js`) asks for just before it calls the authenticator.

Each page is an ordinary form. The script fetches the options (which start the ceremony in
the session, `pages.ceremonies`), asks the browser's WebAuthn for the key's answer, puts it
in the form's hidden `credential` field and submits the form; the page then verifies it. A
browser without WebAuthn (or without JavaScript) is told so on the page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import show_domain_error
from goldenthread.platform.core.responses import error_body
from goldenthread.platform.core.throttling import client_address

from ..selectors import mfa as mfa_selectors
from ..selectors.sso import password_allowed, sso_sign_in_offer
from ..services import lockout
from ..services import webauthn as keys
from . import ceremonies
from .forms import (
    MfaConfirmForm,
    PasskeySignInForm,
    SecurityKeyAddForm,
    SecurityKeySignInForm,
    SignInForm,
)
from .mfa import (
    ENROL_REQUIRED,
    PENDING,
    _no_store,
    _safe_next,
    complete_sign_in,
    pending_user,
    recovery_codes_page,
    sign_in_again,
    sign_in_page,
    with_factor,
)


def _options(request: HttpRequest, *, purpose: str, user, make) -> HttpResponse:
    options_json, challenge = make(user=user, rp_id=ceremonies.rp_id(request))
    ceremonies.ceremony_start(request, purpose=purpose, user_id=user.pk, challenge=challenge)
    return _no_store(HttpResponse(options_json, content_type="application/json"))


@login_required
@require_POST
def security_key_options(request: HttpRequest) -> HttpResponse:
    """Options to create a key for the signed-in person (starts a "register" ceremony)."""
    return _options(
        request, purpose=ceremonies.REGISTER, user=request.user, make=keys.registration_options
    )


@login_required
@require_POST
def confirm_options(request: HttpRequest) -> HttpResponse:
    """Options to confirm a change with one of the person's keys (a "confirm" ceremony)."""
    if not mfa_selectors.security_key_list(user=request.user).exists():
        return JsonResponse(
            error_body("You have no security key to confirm with.", code="no_security_key"),
            status=409,
        )
    return _options(
        request, purpose=ceremonies.CONFIRM, user=request.user, make=keys.authentication_options
    )


@require_POST
def sign_in_options(request: HttpRequest) -> HttpResponse:
    """Options for the second sign-in step, naming the pending person's keys. Only after a
    right password: without one there is nobody to ask about."""
    user, _ = pending_user(request)
    if user is None:
        return JsonResponse(error_body("Please sign in again.", code="sign_in_again"), status=401)
    return _options(
        request, purpose=ceremonies.SIGN_IN, user=user, make=keys.authentication_options
    )


@login_required
@require_http_methods(["GET", "POST"])
def security_key_add(request: HttpRequest) -> HttpResponse:
    """Add a security key or passkey. The person's first factor also brings their recovery
    codes, shown once; a person held on enrolment may go on once it is added."""
    form = SecurityKeyAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ceremony = ceremonies.ceremony_take(
            request, purpose=ceremonies.REGISTER, user_id=request.user.pk
        )
        if ceremony is None:
            form.add_error(None, ceremonies.EXPIRED_MESSAGE)
        else:
            try:
                key, codes = keys.security_key_register(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    credential=form.cleaned_data["credential"],
                    ceremony=ceremony,
                    address=client_address(request),
                )
            except DomainError as error:
                show_domain_error(form, error, field_map={"credential": ""})
            else:
                request.session.pop(ENROL_REQUIRED, None)
                if codes:
                    return recovery_codes_page(request, codes=codes, status=201)
                messages.success(request, f"Your key {key.name} is added.")
                return redirect("accounts:mfa")
    context = {"form": form, "required": bool(request.session.get(ENROL_REQUIRED))}
    return _no_store(
        render(
            request,
            "accounts/mfa/security_key_add.html",
            context,
            status=400 if form.errors else 200,
        )
    )


@require_POST
def security_key_sign_in(request: HttpRequest) -> HttpResponse:
    """The second step with a key: its answer to the "sign_in" ceremony. Failures count at
    the lockout's MFA door, like a wrong code."""
    user, pending = pending_user(request)
    if user is None:
        return sign_in_again(request)
    form = SecurityKeySignInForm(request.POST)
    if not form.is_valid():
        return sign_in_page(request, user=user, key_form=form, status=400)
    address = client_address(request)
    lock = lockout.lock_for(door=lockout.MFA, email=user.email, address=address)
    if lock is not None:
        lockout.refusal_record(lock=lock, email=user.email, address=address)
        form.add_error(None, lock.message)
        return sign_in_page(request, user=user, key_form=form, lock=lock)
    assertion = ceremonies.assertion_from(
        request,
        credential=form.cleaned_data["credential"],
        purpose=ceremonies.SIGN_IN,
        user_id=user.pk,
    )
    if assertion is None:
        form.add_error(None, ceremonies.EXPIRED_MESSAGE)
        return sign_in_page(request, user=user, key_form=form, status=400)
    try:
        keys.security_key_authenticate(user=user, assertion=assertion, address=address)
    except DomainError as error:
        lock = lockout.failure_record(door=lockout.MFA, email=user.email, address=address)
        form.add_error(None, lock.message if lock else error.message)
        return sign_in_page(request, user=user, key_form=form, lock=lock, status=400)
    return complete_sign_in(request, user=user, pending=pending, address=address)


@login_required
@require_http_methods(["GET", "POST"])
def security_key_remove(request: HttpRequest, key_id: int) -> HttpResponse:
    """Remove one of the person's keys, confirmed with a current factor."""
    key = mfa_selectors.security_key_list(user=request.user).filter(pk=key_id).first()
    if key is None:  # another person's key is not found, like one that never was
        raise Http404("You have no security key with that id.")
    form = MfaConfirmForm(request.POST or None)
    lock = None
    if request.method == "POST":
        removed, lock = with_factor(
            request,
            form,
            lambda *, code, assertion: keys.security_key_remove(
                user=request.user,
                key_id=key.pk,
                code=code,
                assertion=assertion,
                address=client_address(request),
            ),
        )
        if removed is not None:
            messages.success(request, f"Your key {removed.name} is removed.")
            return redirect("accounts:mfa")
    has_app = mfa_selectors.has_authenticator_app(user=request.user)
    context = {
        "key": key,
        "form": form,
        "has_app": has_app,
        # Said before the person touches their key (the service refuses it anyway).
        "last_required": not has_app
        and mfa_selectors.mfa_required(user=request.user)
        and mfa_selectors.security_key_list(user=request.user).count() == 1,
    }
    status = 429 if lock is not None else (400 if form.errors else 200)
    response = render(request, "accounts/mfa/security_key_remove.html", context, status=status)
    if lock is not None:
        response["Retry-After"] = str(lock.seconds_left)
    return _no_store(response)


SSO_REQUIRED_MESSAGE = (
    "Your organisation signs everyone in with single sign-on, so passkeys are turned off here: "
    "use the 'Sign in with' button instead."
)


def _address_lock(request: HttpRequest) -> lockout.Lock | None:
    return lockout.lock_for(door=lockout.SIGN_IN, email="", address=client_address(request))


@require_POST
def passkey_sign_in_options(request: HttpRequest) -> HttpResponse:
    """Options for signing in with a passkey instead of the password. Refused while the
    client's address is locked at the sign-in door."""
    lock = _address_lock(request)
    if lock is not None:
        response = JsonResponse(error_body(lock.message, code="locked"), status=429)
        response["Retry-After"] = str(lock.seconds_left)
        return response
    options_json, challenge = keys.passkey_options(rp_id=ceremonies.rp_id(request))
    ceremonies.ceremony_start(
        request, purpose=ceremonies.PASSKEY, user_id=None, challenge=challenge
    )
    return _no_store(HttpResponse(options_json, content_type="application/json"))


def _passkey_refused(
    request: HttpRequest, *, message: str, next_url: str, lock: lockout.Lock | None = None
) -> HttpResponse:
    context = {
        "form": SignInForm(request),
        "sso": sso_sign_in_offer(organisation=getattr(request, "organisation", None)),
        "next": next_url,
        "passkey_errors": [("", "", message)],
    }
    response = render(request, "accounts/sign_in.html", context, status=429 if lock else 400)
    if lock is not None:
        response["Retry-After"] = str(lock.seconds_left)
    return _no_store(response)


@require_POST
def passkey_sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in with a passkey alone. It goes through the sign-in door's lockout like a
    password (per account, once the passkey names it, and per address), is recorded in the
    sign-in history as a passkey sign-in, and ends in Django's login like every other way in
    (so session lifetimes and "sign out everywhere" apply)."""
    form = PasskeySignInForm(request.POST)
    next_url = request.POST.get("next", "")
    if not form.is_valid():
        return _passkey_refused(
            request, message="Your browser did not pass on a passkey. Try again.", next_url=next_url
        )
    address = client_address(request)
    credential = form.cleaned_data["credential"]
    owner = keys.passkey_claimed_owner(credential=credential)
    email = owner.email if owner is not None else ""
    lock = lockout.lock_for(door=lockout.SIGN_IN, email=email, address=address)
    if lock is not None:
        lockout.refusal_record(lock=lock, email=email, address=address)
        return _passkey_refused(request, message=lock.message, next_url=next_url, lock=lock)
    assertion = ceremonies.assertion_from(
        request, credential=credential, purpose=ceremonies.PASSKEY, user_id=None
    )
    if assertion is None:
        return _passkey_refused(request, message=ceremonies.EXPIRED_MESSAGE, next_url=next_url)
    try:
        user = keys.passkey_authenticate(assertion=assertion, address=address)
    except DomainError as error:
        lock = lockout.failure_record(
            door=lockout.SIGN_IN, email=email, address=address, detail={"with": "passkey"}
        )
        return _passkey_refused(
            request, message=lock.message if lock else error.message, next_url=next_url, lock=lock
        )
    # "SSO required" turns off every way in but the identity provider's (and the break-glass
    # administrator's): a passkey is no exception. Asked after the passkey is proven, as the
    # password form does, so the answer tells a stranger nothing.
    if not password_allowed(user=user):
        return _passkey_refused(request, message=SSO_REQUIRED_MESSAGE, next_url=next_url)
    lockout.success_record(
        door=lockout.SIGN_IN,
        user=user,
        email=user.email,
        address=address,
        detail={"with": "passkey"},
    )
    request.session.pop(PENDING, None)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return redirect(_safe_next(request, form.cleaned_data["next"]))
