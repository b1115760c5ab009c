"""Single sign-on: the organisation's identity provider and policy, and each person's link
to their identity there.

Both live in the organisation's schema (and, unused, in the public one), next to its users:
one organisation's provider can never vouch for another organisation's people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..domain.choices import SsoProtocol


class SsoConfiguration(models.Model):
    """One row per organisation, written when an administrator first saves it (reading never
    writes: until then single sign-on is off). Changed only by
    `services.sso.configuration.sso_configuration_update`, which audits every change (never
    the secret).

    The client secret is stored encrypted (`services.sso.secrets`, Fernet with keys from the
    environment) and is never shown again once saved: pages and the API are write-only for it.
    """

    SINGLETON_ID = 1

    protocol = models.CharField(max_length=8, choices=SsoProtocol.choices, default=SsoProtocol.OFF)
    # The words on the sign-in button: "Sign in with <button_label>".
    button_label = models.CharField(max_length=80, blank=True)

    # OpenID Connect (the provider is found by discovery).
    oidc_discovery_url = models.URLField(max_length=500, blank=True)
    oidc_client_id = models.CharField(max_length=255, blank=True)
    oidc_client_secret_encrypted = models.TextField(blank=True)

    # SAML 2.0 (the identity provider's metadata, by URL or pasted).
    saml_metadata_url = models.URLField(max_length=500, blank=True)
    saml_metadata_xml = models.TextField(blank=True)
    saml_idp_entity_id = models.CharField(max_length=500, blank=True)
    # The attribute carrying the e-mail address; empty: the NameID (emailAddress format).
    saml_email_attribute = models.CharField(max_length=200, blank=True)

    # Who may come in: invited users only, unless just-in-time creation is on.
    jit_enabled = models.BooleanField(default=False)
    jit_default_role = models.CharField(max_length=32, blank=True)
    # The claim (OIDC) or attribute (SAML) carrying the person's groups, and
    # {"group": ["role", ...]} for people created just in time.
    groups_claim = models.CharField(max_length=200, blank=True, default="groups")
    group_role_mapping = models.JSONField(default=dict, blank=True)

    # Passwords off for everyone but the named break-glass administrator.
    sso_required = models.BooleanField(default=False)
    break_glass_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "single sign-on configuration"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="sso_configuration_singleton")
        ]

    def __str__(self) -> str:
        return f"Single sign-on ({self.get_protocol_display()})"

    @classmethod
    def load(cls) -> SsoConfiguration:
        return cls.objects.filter(id=cls.SINGLETON_ID).first() or cls(id=cls.SINGLETON_ID)

    @property
    def has_client_secret(self) -> bool:
        return bool(self.oidc_client_secret_encrypted)


class SsoLink(models.Model):
    """Who a user is at the identity provider (issuer and subject), and when they last came
    in by single sign-on. Made at their first single sign-on; shown on the user list."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_link"
    )
    protocol = models.CharField(max_length=8, choices=SsoProtocol.choices)
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=500)
    first_signed_in_at = models.DateTimeField(default=timezone.now)
    last_signed_in_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} at {self.issuer}"
