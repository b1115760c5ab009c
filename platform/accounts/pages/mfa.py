"""Multi-factor authentication pages: the second sign-in step, enrolment (QR code, secret,
confirmation, recovery codes shown once), new recovery codes, removing the app, and the
middleware that holds a person who must enrol on the enrolment page. Security keys and
passkeys have their pages in `pages.webauthn`; changes here can be confirmed with one.

The session carries the state between the steps:
* `PENDING` — after a right password, for a user with MFA: who, by which backend, until when
  and where to go. The user is NOT signed in until the second step succeeds.
* `ENROL_REQUIRED` — a signed-in user who must use MFA and has not set it up: every page but
  enrolment and sign-out sends them to enrolment (`MfaEnrolmentMiddleware`).
* `ENROL_SECRET` — the secret being enrolled, until confirmed (never in the database before).
"""

from __future__ import annotations

import io
import time

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import show_domain_error
from goldenthread.platform.core.responses import error_body, wants_json
from goldenthread.platform.core.throttling import client_address

from ..domain import mfa as rules
from ..models import AuthenticationEventKind, User
from ..selectors import mfa as mfa_selectors
from ..services import lockout, mfa
from ..services.authentication_events import authentication_event_record
from . import ceremonies
from .forms import MfaCodeForm, MfaConfirmForm, SecurityKeySignInForm

PENDING = "mfa_pending"
ENROL_REQUIRED = "mfa_enrol_required"
ENROL_SECRET = "mfa_enrol_secret"  # noqa: S105 (a session key, not a secret)
ENROL_FIRST = (
    "Set up multi-factor authentication first: sign in on a page and follow the steps, then "
    "try again."
)
ENROL_CODE = "mfa_enrolment_required"
# How long the second step waits after the password before starting again.
PENDING_SECONDS = 5 * 60


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def after_password(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse | None:
    """Called by the sign-in page once the password is right. For a user with MFA: keep them
    pending and send them to the second step (a response). Otherwise None: sign in as usual,
    then `after_login`."""
    if not mfa_selectors.mfa_enrolled(user=user):
        return None
    request.session[PENDING] = {
        "user_id": user.pk,
        "backend": user.backend,
        "until": time.time() + PENDING_SECONDS,
        "next": next_url,
    }
    return redirect("accounts:mfa-sign-in")


def after_login(request: HttpRequest, *, user: User) -> str | None:
    """After signing in without a second step (or removing their last factor): a person who
    must use MFA and has none is held on the enrolment page (returned as where to go)."""
    if mfa_selectors.mfa_required(user=user) and not mfa_selectors.mfa_enrolled(user=user):
        request.session[ENROL_REQUIRED] = True
        return reverse("accounts:mfa-enrol")
    return None


def pending_user(request: HttpRequest) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING) or {}
    if not pending or pending.get("until", 0) < time.time():
        return None, {}
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None or user.access_has_expired:
        return None, {}
    return user, pending


@require_http_methods(["GET", "POST"])
def mfa_sign_in(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code. Failures count
    at the lockout's MFA door, per account and per address."""
    user, pending = pending_user(request)
    if user is None:
        return sign_in_again(request)
    form = MfaCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        lock = lockout.lock_for(door=lockout.MFA, email=user.email, address=address)
        if lock is not None:
            lockout.refusal_record(lock=lock, email=user.email, address=address)
            form.add_error(None, lock.message)
            return sign_in_page(request, user=user, code_form=form, lock=lock)
        kind = mfa.mfa_check(user=user, code=form.cleaned_data["code"])
        if kind is None:
            lock = lockout.failure_record(door=lockout.MFA, email=user.email, address=address)
            form.add_error("code", lock.message if lock else "That code is not right.")
            return sign_in_page(request, user=user, code_form=form, lock=lock)
        if kind == mfa.RECOVERY_CODE:
            authentication_event_record(
                kind=AuthenticationEventKind.RECOVERY_CODE_USED,
                email=user.email,
                address=address,
                user=user,
                detail={"door": lockout.MFA},
            )
        response = complete_sign_in(request, user=user, pending=pending, address=address)
        if kind == mfa.RECOVERY_CODE:
            left = mfa_selectors.recovery_codes_left(user=user)
            messages.warning(
                request,
                f"You used a recovery code; {left} left. Make new ones on your account page "
                "if you are running out.",
            )
        return response
    return sign_in_page(request, user=user, code_form=form, status=400 if form.errors else status)


def sign_in_again(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING, None)
    messages.info(request, "Please sign in again.")
    return redirect("accounts:sign-in")


def sign_in_page(
    request: HttpRequest,
    *,
    user: User,
    code_form=None,
    key_form=None,
    status: int = 200,
    lock: lockout.Lock | None = None,
) -> HttpResponse:
    """The second step's page: a code (app or recovery code) and, for someone with keys,
    "Use your security key". A lock answers 429 with Retry-After."""
    code_form = code_form or MfaCodeForm()
    key_form = key_form or SecurityKeySignInForm()
    has_app = mfa_selectors.has_authenticator_app(user=user)
    if not has_app:  # keys only: the box takes a recovery code, nothing else
        code_form.fields["code"].label = "Recovery code"
        code_form.fields["code"].help_text = "One of the recovery codes you kept, like abcde-fghij."
    context = {
        "form": code_form,
        "key_form": key_form,
        "has_app": has_app,
        "has_keys": mfa_selectors.security_key_list(user=user).exists(),
    }
    if lock is not None:
        status = 429
    elif code_form.errors or key_form.errors:
        status = max(status, 400)
    response = render(request, "accounts/mfa/sign_in.html", context, status=status)
    if lock is not None:
        response["Retry-After"] = str(lock.seconds_left)
    return _no_store(response)


def complete_sign_in(
    request: HttpRequest, *, user: User, pending: dict, address: str | None
) -> HttpResponse:
    """The second step succeeded: record it, sign in by the backend that checked the
    password, and go where the person was going."""
    lockout.success_record(door=lockout.MFA, user=user, email=user.email, address=address)
    request.session.pop(PENDING, None)
    user.backend = pending["backend"]
    login(request, user, backend=pending["backend"])
    return redirect(_safe_next(request, pending.get("next", "")))


def _enrol_secret(request: HttpRequest) -> str:
    secret = request.session.get(ENROL_SECRET)
    if not secret:
        secret = rules.new_secret()
        request.session[ENROL_SECRET] = secret
    return secret


def _issuer(request: HttpRequest) -> str:
    organisation = getattr(request, "organisation", None)
    return f"Golden Thread ({organisation.name})" if organisation else "Golden Thread (helpdesk)"


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol_page(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app. Someone who must use MFA and has none is held here,
    from where they may add a security key instead (`pages.webauthn`)."""
    if mfa_selectors.has_authenticator_app(user=request.user):
        return redirect("accounts:mfa")
    secret = _enrol_secret(request)
    form = MfaCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa.mfa_enrol(user=request.user, secret=secret, code=form.cleaned_data["code"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            request.session.pop(ENROL_SECRET, None)
            request.session.pop(ENROL_REQUIRED, None)
            if not codes:  # the person's security key already gave them recovery codes
                messages.success(request, "Your authenticator app is set up.")
                return redirect("accounts:mfa")
            return recovery_codes_page(request, codes=codes, status=201)
    context = {
        "form": form,
        "secret": secret,
        "required": bool(request.session.get(ENROL_REQUIRED)),
    }
    return _no_store(
        render(request, "accounts/mfa/enrol.html", context, status=400 if form.errors else 200)
    )


@login_required
@require_GET
def mfa_enrol_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the secret being enrolled, drawn as SVG on the server (an image the
    page links to, so no inline markup or script is needed)."""
    uri = rules.provisioning_uri(
        secret=_enrol_secret(request), account=request.user.email, issuer=_issuer(request)
    )
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return _no_store(HttpResponse(out.getvalue(), content_type="image/svg+xml"))


def recovery_codes_page(request: HttpRequest, *, codes: list[str], status: int) -> HttpResponse:
    # Rendered, never redirected: the codes exist only in this response.
    return _no_store(
        render(request, "accounts/mfa/recovery_codes.html", {"codes": codes}, status=status)
    )


def _manage_context(request: HttpRequest, **forms) -> dict:
    user = request.user
    return {
        "enrolled": mfa_selectors.mfa_enrolled(user=user),
        "required": mfa_selectors.mfa_required(user=user),
        "factors": mfa_selectors.mfa_factors_in_words(user=user),
        "has_app": mfa_selectors.has_authenticator_app(user=user),
        "keys": list(mfa_selectors.security_key_list(user=user)),
        "codes_left": mfa_selectors.recovery_codes_left(user=user),
        "regenerate_form": forms.get("regenerate") or MfaConfirmForm(prefix="regenerate"),
        "remove_form": forms.get("remove") or MfaConfirmForm(prefix="remove"),
    }


@login_required
@require_GET
def mfa_page(request: HttpRequest) -> HttpResponse:
    """The user's own MFA: which factors, their security keys, recovery codes left, new
    codes, removing the app."""
    return _no_store(render(request, "accounts/mfa/manage.html", _manage_context(request)))


def with_factor(
    request: HttpRequest, form: MfaConfirmForm, change
) -> tuple[object, HttpResponse | None]:
    """Run `change(code=..., assertion=...)` if the person proves a second factor now: a
    code from their app, or a key's answer to the confirmation ceremony. Failures count at
    the MFA door as at sign-in, so a borrowed session cannot be used to guess codes here
    either. Returns (the change's result, None), or (None, the lock now holding the door,
    if any) with the refusal on the form."""
    if form.is_valid():
        email, address = request.user.email, client_address(request)
        lock = lockout.lock_for(door=lockout.MFA, email=email, address=address)
        if lock is not None:
            lockout.refusal_record(lock=lock, email=email, address=address)
            form.add_error(None, lock.message)
            return None, lock
        assertion = None
        credential = form.cleaned_data["credential"]
        if credential:
            assertion = ceremonies.assertion_from(
                request, credential=credential, purpose=ceremonies.CONFIRM, user_id=request.user.pk
            )
            if assertion is None:
                form.add_error(None, ceremonies.EXPIRED_MESSAGE)
                return None, None
        try:
            return change(code=form.cleaned_data["code"], assertion=assertion), None
        except DomainError as error:
            show_domain_error(form, error, field_map={"credential": ""})
            if error.code in ("last_factor", "conflict", "not_found"):
                return None, None  # not a wrong factor: the change itself is refused
            return None, lockout.failure_record(door=lockout.MFA, email=email, address=address)
    return None, None


def _with_code(request: HttpRequest, prefix: str, change) -> tuple[object, HttpResponse | None]:
    form = MfaConfirmForm(request.POST, prefix=prefix)
    result, lock = with_factor(
        request,
        form,
        lambda *, code, assertion: change(user=request.user, code=code, assertion=assertion),
    )
    if not form.errors:
        return result, None
    context = _manage_context(request, **{prefix: form})
    response = render(
        request, "accounts/mfa/manage.html", context, status=429 if lock is not None else 400
    )
    if lock is not None:
        response["Retry-After"] = str(lock.seconds_left)
    return None, _no_store(response)


@login_required
@require_POST
def mfa_recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    codes, refused = _with_code(request, "regenerate", mfa.recovery_codes_regenerate)
    if refused is not None:
        return refused
    return recovery_codes_page(request, codes=codes, status=201)


@login_required
@require_POST
def mfa_remove_page(request: HttpRequest) -> HttpResponse:
    _, refused = _with_code(request, "remove", mfa.mfa_remove)
    if refused is not None:
        return refused
    messages.success(
        request,
        "Your authenticator app is removed."
        if mfa_selectors.mfa_enrolled(user=request.user)
        else "Multi-factor authentication is off.",
    )
    target = after_login(request, user=request.user)
    return redirect(target or "accounts:mfa")


class MfaEnrolmentMiddleware:
    """Holds a signed-in person who must use MFA, and has not set it up, on the enrolment
    page: every other page redirects there (sign-out and static files excepted). API keys are
    not affected: they authenticate in DRF, not by session, and are issued only by a signed-in
    user (who passed MFA if it was required of them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(ENROL_REQUIRED):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                allowed = (
                    reverse("accounts:mfa-enrol"),
                    reverse("accounts:mfa-enrol-qr"),
                    reverse("accounts:security-key-add"),
                    reverse("accounts:security-key-options"),
                    reverse("accounts:sign-out"),
                    # The idle warning on the enrolment page asks how long is left.
                    reverse("accounts:session-status"),
                    reverse("accounts:session-keep-alive"),
                )
                if request.path not in allowed and not request.path.startswith("/static/"):
                    if wants_json(request):  # REST or GraphQL with the session's cookie
                        return JsonResponse(error_body(ENROL_FIRST, code=ENROL_CODE), status=403)
                    return redirect("accounts:mfa-enrol")
        return self.get_response(request)
