from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import formats

from goldenthread.platform.core.throttling import client_address

from ..models import AuthenticationEventKind, User
from ..selectors.mfa import mfa_enrolled
from ..selectors.sso import password_allowed
from ..services import lockout


class SignInForm(AuthenticationForm):
    """Sign-in against the users of the current schema only.

    Users belong to one organisation's schema, so the same address on another organisation's
    host simply does not exist here and gets the ordinary "not right" message. An account
    whose time-limited access has ended is told so, but only once its password is proven, so
    the message reveals nothing to someone guessing addresses.

    Repeated failures lock the account (the address typed, known or not) or the client's
    address for a while (`services.lockout`); the person is told for how long.
    """

    error_messages = {
        "invalid_login": "The e-mail address or password is not right. Both are case-sensitive "
        "apart from the e-mail address.",
        "inactive": "This account is not active. Ask your organisation's administrator.",
        "access_expired": "Your access ended on %(date)s. Ask your organisation's "
        "administrator if you still need it.",
        "sso_required": "Your organisation signs everyone in with single sign-on, so passwords "
        "are turned off: use the 'Sign in with' button instead.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.lock: lockout.Lock | None = None  # set when this attempt met a lock

    def clean(self):
        """Refuses a locked account or address before the password is looked at (so the right
        password does not sign in during a lock), and counts each failure
        (`services.lockout`)."""
        email = (self.cleaned_data.get("username") or "").strip()
        address = client_address(self.request) if self.request is not None else None
        self.lock = lockout.lock_for(door=lockout.SIGN_IN, email=email, address=address)
        if self.lock is not None:
            lockout.refusal_record(lock=self.lock, email=email, address=address)
            raise ValidationError(self.lock.message, code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if not email or not self.cleaned_data.get("password"):
                raise  # an empty field is not a guess
            self.lock = lockout.failure_record(door=lockout.SIGN_IN, email=email, address=address)
            if self.lock is not None:
                raise ValidationError(self.lock.message, code="locked") from error
            self._refuse_expired()
            raise
        user = self.get_user()
        # "SSO required": a right password is still refused, except the break-glass
        # administrator's. Checked after the password so the answer reveals nothing to a guesser.
        if not password_allowed(user=user):
            self.user_cache = None
            raise ValidationError(self.error_messages["sso_required"], code="sso_required")
        # With MFA the person is not signed in yet: the code step records "signed in".
        lockout.success_record(
            door=lockout.SIGN_IN,
            user=user,
            email=email,
            address=address,
            kind=AuthenticationEventKind.PASSWORD_ACCEPTED if mfa_enrolled(user=user) else None,
        )
        return cleaned

    def _refuse_expired(self) -> None:
        expired = self._expired_account()
        if expired is not None:
            raise ValidationError(
                self.error_messages["access_expired"],
                code="access_expired",
                params={"date": formats.date_format(expired.access_expires_at, "j F Y")},
            ) from None

    def _expired_account(self) -> User | None:
        email = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password") or ""
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is not None and user.access_has_expired and user.check_password(password):
            return user
        return None


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ApiKeyIssueForm(forms.Form):
    name = forms.CharField(
        label="What will use the key?",
        max_length=100,
        help_text="For example 'Monthly import from the finance system'.",
    )


class ChoosePasswordForm(SetPasswordForm):
    """The one-time link's form (invitation or reset). Saving it is `password_set`, which
    also ends the user's other sessions; their API keys end too when they tick the box."""

    revoke_api_keys = forms.BooleanField(
        label="Also revoke all my API keys",
        required=False,
        help_text="Tick this if you think someone else may have used your account or a key. "
        "Programs using your keys will stop working until you issue new ones.",
    )


class MfaCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class MfaConfirmForm(forms.Form):
    """Proof of a second factor before a change to MFA itself: a code from the authenticator
    app, or (filled in by `webauthn.js`) a security key's answer to a fresh challenge."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        required=False,
        help_text="The 6-digit code your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    credential = forms.CharField(
        required=False, max_length=20_000, widget=forms.HiddenInput(attrs={"data-webauthn": ""})
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and not cleaned.get("credential"):
            raise ValidationError(
                "Enter the code your authenticator app shows, or use one of your security keys.",
                code="required",
            )
        return cleaned


class SecurityKeyAddForm(forms.Form):
    name = forms.CharField(
        label="Name of the key",
        max_length=60,
        help_text="So that you can tell your keys apart, for example YubiKey or Laptop passkey.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credential = forms.CharField(
        required=False, max_length=20_000, widget=forms.HiddenInput(attrs={"data-webauthn": ""})
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("credential") and not self.has_error("name"):
            # Above the form: the hidden field has no place of its own to show it.
            raise ValidationError(
                "Your browser did not pass on an answer from a security key. Press Add key and "
                "follow your browser's instructions (this needs JavaScript).",
                code="required",
            )
        return cleaned


class SecurityKeySignInForm(forms.Form):
    credential = forms.CharField(
        required=True, max_length=20_000, widget=forms.HiddenInput(attrs={"data-webauthn": ""})
    )


class PasskeySignInForm(forms.Form):
    credential = forms.CharField(max_length=20_000, widget=forms.HiddenInput())
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput())
