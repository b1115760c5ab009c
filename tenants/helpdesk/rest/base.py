"""The helpdesk REST API's door: platform host only, helpdesk API keys only.

Security-relevant. A helpdesk API key is an `ApiCredential` of a staff user in the public
schema that carries a `HelpdeskApiKey` mark, which only `helpdesk.api_keys.helpdesk_api_key_issue`
writes, after the staff member proved a second factor there and then. So:

- an organisation's key (`gt_<schema>_…`) is refused on this host by the ordinary key check
  (it names another schema) — 401;
- a public-schema key without the mark (issued any other way, so without MFA) — 403;
- a user who is not staff, is inactive (suspended staff) or has expired — 401 or 403;
- no session authentication: the API is for programs, and a browser session brings CSRF.

Adding an endpoint: one module here with a `HelpdeskApi` subclass, one line in `urls.py`
(see /docs/architecture.md, "Licensed modules, usage and the helpdesk API").
"""

from __future__ import annotations

from typing import Any

from django_tenants.utils import get_public_schema_name
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from goldenthread.platform.accounts.permissions import is_helpdesk_lead
from goldenthread.platform.accounts.rest.authentication import ApiCredentialAuthentication
from goldenthread.platform.core.door import PlatformApi
from goldenthread.platform.core.errors import NotFound
from goldenthread.tenants import selectors
from goldenthread.tenants.models import HelpdeskApiKey, Organisation

ONLY_ON_THE_PLATFORM_HOST = "The helpdesk API is only on the platform's own host."
NOT_A_HELPDESK_KEY = (
    "This API key is not a helpdesk API key: issue one on the helpdesk console's API keys "
    "page, which asks for your authenticator code."
)


class HelpdeskKeyAuthentication(ApiCredentialAuthentication):
    """A bearer key of the public schema (the ordinary check refuses any other schema's)."""


def _is_helpdesk_key(credential: Any) -> bool:
    return (
        credential is not None
        and HelpdeskApiKey.objects.filter(credential_id=credential.pk).exists()
    )


class IsHelpdeskStaff(BasePermission):
    """An active staff user of the public schema, through a helpdesk API key."""

    message = "Only helpdesk staff may use the helpdesk API."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        if not _is_helpdesk_key(request.auth):
            raise exceptions.PermissionDenied(NOT_A_HELPDESK_KEY)
        return True


class IsHelpdeskLead(IsHelpdeskStaff):
    """As `IsHelpdeskStaff`, and in the helpdesk lead group: for changes to organisations."""

    message = "Only a helpdesk lead may do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and is_helpdesk_lead(request.user)


class HelpdeskApi(PlatformApi):
    """The base of every helpdesk REST view. A platform endpoint (it serves the public host)
    because the helpdesk works across organisations; it reads no organisation's schema
    content, only the platform's own tables and counts (see `usage`)."""

    authentication_classes = [HelpdeskKeyAuthentication]
    permission_classes = [IsHelpdeskStaff]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name != get_public_schema_name():
            raise NotFound(ONLY_ON_THE_PLATFORM_HOST)
        super().initial(request, *args, **kwargs)

    @property
    def actor(self) -> str:
        """Who the platform audit log names: the staff member's e-mail address."""
        return self.request.user.email


def organisation_or_404(slug: str) -> Organisation:
    """The organisation with `slug` (never the platform's own row), or 404 in the error body."""
    return selectors.organisation_get(slug=slug)
