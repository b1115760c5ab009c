from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def password_reset_url(*, user, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    return f"{base_url.rstrip('/')}{path}"


def send_password_reset(*, user, base_url: str) -> None:
    context = {
        "user": user,
        "reset_url": password_reset_url(user=user, base_url=base_url),
        "organisation_schema": connection.schema_name,
    }
    send_mail(
        subject="Reset your Golden Thread password",
        message=render_to_string("accounts/emails/password_reset.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def send_invitation(*, user, base_url: str) -> None:
    """The invitation: a set-password link, and where the organisation has single sign-on,
    its button's name (and no link at all when SSO is required of this person)."""
    from ..selectors import sso as sso_selectors

    config = sso_selectors.sso_configuration_get()
    context = {
        "user": user,
        "sso_label": sso_selectors.sso_button_label(config)
        if sso_selectors.sso_is_ready(config)
        else "",
        "password_allowed": sso_selectors.password_allowed(user=user),
        "set_password_url": password_reset_url(user=user, base_url=base_url),
        "sign_in_url": f"{base_url.rstrip('/')}{reverse('accounts:sign-in')}",
    }
    send_mail(
        subject="You have been invited to Golden Thread",
        message=render_to_string("accounts/emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def send_mfa_reset(*, user, base_url: str) -> None:
    context = {"user": user, "sign_in_url": f"{base_url.rstrip('/')}{reverse('accounts:sign-in')}"}
    send_mail(
        subject="Your Golden Thread multi-factor authentication was reset",
        message=render_to_string("accounts/emails/mfa_reset.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
