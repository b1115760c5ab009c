"""The organisation's single sign-on page (administrators only), next to the session timeout
and the MFA policy: the protocol, the provider's details, who may come in, and "SSO
required" with its break-glass administrator. The client secret is write-only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error

from ...domain.choices import SsoProtocol, UserAuditAction
from ...models import Role, User, UserAuditEntry
from ...permissions import can_administer_users
from ...selectors import sso as sso_selectors
from ...services.sso.configuration import sso_configuration_update
from ..sso_saml import service_provider

REFUSED = "Only the organisation's administrators set up single sign-on."
ENTRA_EXAMPLE = (
    "https://login.microsoftonline.com/<tenant ID>/v2.0/.well-known/openid-configuration"
)
_LABELS = {label.lower(): code for code, label in Role.choices}


def mapping_to_text(mapping: dict[str, list[str]]) -> str:
    labels = dict(Role.choices)
    lines = []
    for group, roles in mapping.items():
        lines.append(f"{group} = {', '.join(labels.get(r, r) for r in roles)}")
    return "\n".join(lines)


def mapping_from_text(text: str) -> dict[str, list[str]]:
    """Lines of "group = Role, Role" (role names as shown on the pages) to
    {"group": ["role code", ...]}; a role that does not exist is an error naming the line."""
    mapping: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise forms.ValidationError(
                f"Line {number}: write the group, then '=', then its roles, e.g. "
                "'Performance team = Performance officer'."
            )
        group, _, names = line.rpartition("=")
        roles = []
        for name in (n.strip() for n in names.split(",")):
            if not name:
                continue
            code = _LABELS.get(name.lower()) or (name if name in Role.values else None)
            if code is None:
                raise forms.ValidationError(
                    f"Line {number}: '{name}' is not a role. The roles are: "
                    f"{', '.join(label for _, label in Role.choices)}."
                )
            roles.append(code)
        if not group.strip() or not roles:
            raise forms.ValidationError(f"Line {number}: name a group and at least one role.")
        mapping.setdefault(group.strip(), []).extend(roles)
    return mapping


class SsoSettingsForm(forms.Form):
    protocol = forms.ChoiceField(
        label="Single sign-on",
        choices=SsoProtocol.choices,
        widget=forms.RadioSelect,
    )
    button_label = forms.CharField(
        label="Name of your identity provider on the sign-in button",
        required=False,
        max_length=80,
        help_text="For example 'Microsoft Entra ID' or 'Council account'. The button reads "
        "'Sign in with …'.",
    )
    oidc_discovery_url = forms.URLField(
        label="OpenID Connect discovery URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=f"Microsoft Entra ID: {ENTRA_EXAMPLE} (your tenant ID is on the app "
        "registration's Overview). Any other provider: its address ending in "
        "/.well-known/openid-configuration.",
    )
    oidc_client_id = forms.CharField(
        label="Client ID",
        required=False,
        max_length=255,
        help_text="Entra ID calls it the Application (client) ID.",
    )
    oidc_client_secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    saml_metadata_url = forms.URLField(
        label="SAML identity provider metadata URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Or paste the metadata XML below.",
    )
    saml_metadata_xml = forms.CharField(
        label="SAML identity provider metadata XML",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    saml_idp_entity_id = forms.CharField(
        label="SAML identity provider entity ID",
        required=False,
        max_length=500,
        help_text="Only if the metadata describes more than one identity provider.",
    )
    saml_email_attribute = forms.CharField(
        label="SAML attribute holding the e-mail address (optional)",
        required=False,
        max_length=200,
        help_text="Leave empty when the NameID is the e-mail address (emailAddress format). "
        "Microsoft Entra ID: http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    )
    jit_enabled = forms.BooleanField(
        label="Create an account for anyone the identity provider signs in (just in time)",
        required=False,
        help_text="Off: only people you have invited can sign in (matched by e-mail address).",
    )
    jit_default_role = forms.ChoiceField(
        label="Role of people created at sign-in",
        required=False,
        choices=[("", "No role")]
        + [(code, label) for code, label in Role.choices if code != Role.ORGANISATION_ADMIN],
    )
    groups_claim = forms.CharField(
        label="Name of the groups claim or attribute",
        required=False,
        max_length=200,
        help_text="Entra ID: 'groups' (it sends group object IDs). Leave as it is if unsure.",
    )
    group_role_mapping = forms.CharField(
        label="Roles by group, for people created at sign-in",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One group a line: the group as your provider sends it, '=', then roles, "
        "e.g. '3f2c…-group-id = Data provider, Verifier'. Nobody becomes an organisation "
        "administrator unless a group is mapped to it here.",
    )
    sso_required = forms.BooleanField(
        label="Require single sign-on: turn passwords off for everyone but the break-glass "
        "administrator",
        required=False,
    )
    break_glass_user_id = forms.TypedChoiceField(
        label="Break-glass administrator",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Keeps their password, to get in if the identity provider fails. Keep their "
        "password long and private, and their multi-factor authentication on.",
    )

    def __init__(self, *args, has_secret: bool, **kwargs):
        super().__init__(*args, **kwargs)
        admins = User.objects.filter(is_active=True, roles__contains=[Role.ORGANISATION_ADMIN])
        self.fields["break_glass_user_id"].choices = [("", "Nobody")] + [
            (user.pk, f"{user.full_name} ({user.email})") for user in admins
        ]
        self.fields["oidc_client_secret"].help_text = (
            "A secret is saved (stored encrypted; it is never shown). Leave this empty to keep "
            "it, or enter a new one to replace it."
            if has_secret
            else "Stored encrypted, and never shown again."
        )

    def clean_group_role_mapping(self) -> dict[str, list[str]]:
        return mapping_from_text(self.cleaned_data.get("group_role_mapping") or "")


def _initial(config) -> dict:
    return {
        "protocol": config.protocol,
        "button_label": config.button_label,
        "oidc_discovery_url": config.oidc_discovery_url,
        "oidc_client_id": config.oidc_client_id,
        "saml_metadata_url": config.saml_metadata_url,
        "saml_metadata_xml": config.saml_metadata_xml,
        "saml_idp_entity_id": config.saml_idp_entity_id,
        "saml_email_attribute": config.saml_email_attribute,
        "jit_enabled": config.jit_enabled,
        "jit_default_role": config.jit_default_role,
        "groups_claim": config.groups_claim,
        "group_role_mapping": mapping_to_text(config.group_role_mapping or {}),
        "sso_required": config.sso_required,
        "break_glass_user_id": config.break_glass_user_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def sso_settings_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_administer_users(request.user), REFUSED)
    config = sso_selectors.sso_configuration_get()
    form = SsoSettingsForm(
        request.POST or None, initial=_initial(config), has_secret=config.has_client_secret
    )
    if request.method == "POST" and form.is_valid():
        try:
            sso_configuration_update(actor=request.user, changes=dict(form.cleaned_data))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "The single sign-on settings are saved.")
            return redirect("users:sso-settings")
    history = UserAuditEntry.objects.filter(
        action=UserAuditAction.SSO_CONFIGURATION_CHANGED
    ).order_by("-at", "-id")[:20]
    context = {
        "form": form,
        "oidc_callback_url": request.build_absolute_uri(reverse("accounts:sso-oidc-callback")),
        "saml_sp": service_provider(request),
        "history": history,
    }
    response = render(
        request, "accounts/users/sso_settings.html", context, status=400 if form.errors else 200
    )
    response["Cache-Control"] = "no-store"
    return response
