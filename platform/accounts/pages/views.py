from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.platform.core.outbox import queue_after_commit
from goldenthread.platform.core.throttling import client_address

from .. import selectors, services
from ..models import User
from ..selectors.sso import password_allowed, sso_sign_in_offer
from ..services import lockout
from ..services.password_change import password_set
from ..tasks import send_password_reset_email
from . import mfa as mfa_pages
from .forms import ApiKeyIssueForm, ChoosePasswordForm, PasswordResetRequestForm, SignInForm


class SignInView(auth_views.LoginView):
    """The password step. A user with MFA goes on to the second step, not yet signed in; a
    user who must use MFA and has not set it up is signed in and held on enrolment
    (`pages.mfa`)."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        """The single sign-on button when the organisation has it; with "SSO required" the
        password form only behind the break-glass link (or after a post)."""
        context = super().get_context_data(**kwargs)
        context["sso"] = sso_sign_in_offer(organisation=getattr(self.request, "organisation", None))
        context["show_password"] = (
            self.request.method == "POST" or self.request.GET.get("password") == "1"
        )
        return context

    def form_valid(self, form):
        user = form.get_user()
        second_step = mfa_pages.after_password(
            self.request, user=user, next_url=self.get_redirect_url()
        )
        if second_step is not None:
            return second_step
        response = super().form_valid(form)
        enrol = mfa_pages.after_login(self.request, user=user)
        return redirect(enrol) if enrol else response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.lock is not None:  # locked: say so to HTTP clients too
            response.status_code = 429
            response["Retry-After"] = str(form.lock.seconds_left)
        return response


class SignOutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def password_reset_request(request):
    """Always answers the same way, whether or not the address is known, so that the form
    cannot be used to discover who has an account. The e-mail goes out from a worker."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Every request counts, per address typed and per client address: a flood of reset
        # e-mails to one person, or from one place, stops for an hour (`services.lockout`).
        email, address = form.cleaned_data["email"], client_address(request)
        lock = lockout.request_admit(door=lockout.PASSWORD_RESET, email=email, address=address)
        if lock is not None:
            form.add_error(None, lock.message)
            response = render(
                request, "accounts/password_reset_request.html", {"form": form}, status=429
            )
            response["Retry-After"] = str(lock.seconds_left)
            return response
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        # Under "SSO required" only the break-glass administrator has a password to reset;
        # the answer is the same either way.
        if user is not None and password_allowed(user=user):
            base_url = request.build_absolute_uri("/")
            # Through the outbox: a broker that is down delays the e-mail, and the answer
            # stays the same (an error here would tell that the address is known).
            queue_after_commit(send_password_reset_email, user.pk, base_url)
        return render(request, "accounts/password_reset_sent.html", status=200)
    return render(request, "accounts/password_reset_request.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link (invitation or reset): the user chooses their password, which ends
    their other sessions and, if they ask, their API keys
    (`services.password_change.password_set`)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    form_class = ChoosePasswordForm

    def form_valid(self, form: ChoosePasswordForm) -> HttpResponse:
        if not password_allowed(user=form.user):
            form.add_error(
                None,
                "Your organisation signs everyone in with single sign-on, so you do not need a "
                "password: go to the sign-in page and use the 'Sign in with' button.",
            )
            return self.form_invalid(form)
        password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            revoke_api_keys=form.cleaned_data["revoke_api_keys"],
            organisation=getattr(self.request, "organisation", None),
            keep_session_key=self.request.session.session_key,
        )
        # Choosing a password from the e-mailed link lifts a sign-in lock: locking someone out
        # must not keep them out.
        lockout.account_unlock(email=form.user.email)
        # Django's own form_valid would save the form again; this is the rest of it.
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _account_page(
    request: HttpRequest, *, form: ApiKeyIssueForm, new_key: str | None = None, status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "credentials": selectors.api_credential_list(user=request.user),
            "new_key": new_key,
        },
        status=status,
    )
    # The page may carry a key shown once: never cache it anywhere.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: roles and API keys, in the current schema only."""
    return _account_page(request, form=ApiKeyIssueForm())


@login_required
@require_POST
def api_key_issue(request: HttpRequest) -> HttpResponse:
    # Rendered rather than redirected: the raw key exists only in this response.
    form = ApiKeyIssueForm(request.POST)
    if form.is_valid():
        try:
            credential, raw_key = services.api_credential_issue(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error("name", exc.messages[0])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"The key '{credential.name}' is ready.")
            return _account_page(request, form=ApiKeyIssueForm(), new_key=raw_key, status=201)
    return _account_page(request, form=form, status=400)


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, credential_id: int) -> HttpResponse:
    try:
        credential = selectors.api_credential_get(user=request.user, credential_id=credential_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        services.api_credential_revoke(credential=credential)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The key '{credential.name}' is revoked and no longer works.")
    return redirect("accounts:me")
