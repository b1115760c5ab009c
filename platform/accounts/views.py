from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from .forms import PasswordResetRequestForm, SignInForm
from .models import User
from .tasks import send_password_reset_email


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def password_reset_request(request):
    """Always answers the same way, whether or not the address is known, so that the form
    cannot be used to discover who has an account. The e-mail goes out from a worker."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if user is not None:
            base_url = request.build_absolute_uri("/")
            transaction.on_commit(lambda: send_password_reset_email.delay(user.pk, base_url))
        return render(request, "accounts/password_reset_sent.html", status=200)
    return render(request, "accounts/password_reset_request.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
