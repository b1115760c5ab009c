"""The helpdesk API's own OpenAPI document, /api/helpdesk/v1/schema/: the helpdesk routes
only (the site's /api/schema/ describes the organisation API, which a helpdesk key cannot
use, and this one is not for organisations' users)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from goldenthread.platform.core.door import PlatformApi

PREFIX = "api/helpdesk/v1/"


def helpdesk_patterns() -> list:
    return [path(PREFIX, include("goldenthread.tenants.helpdesk.rest.urls"))]


class HelpdeskSchemaApi(PlatformApi, SpectacularAPIView):
    """The helpdesk API's OpenAPI document. A platform endpoint like /api/schema/: it
    describes the API and holds no data, so anyone may read it."""

    permission_classes = [AllowAny]
    custom_settings = {
        "TITLE": "Golden Thread helpdesk API",
        "DESCRIPTION": "The vendor's helpdesk: provisioning, suspension, licensed modules and "
        "usage of organisations. Platform host only; a helpdesk API key (issued after "
        "MFA on the helpdesk console) as `Authorization: Bearer <key>`.",
    }

    def _get_schema_response(self, request):
        self.patterns = helpdesk_patterns()
        return super()._get_schema_response(request)


class HelpdeskKeyScheme(OpenApiAuthenticationExtension):
    """Helpdesk API keys (`HelpdeskKeyAuthentication`), as the document describes them.
    Registered on import of this module, which the helpdesk URLconf imports."""

    target_class = "goldenthread.tenants.helpdesk.rest.base.HelpdeskKeyAuthentication"
    name = "helpdeskApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "gt_public_<secret>",
            "description": (
                "A helpdesk API key, issued to a member of the helpdesk staff on the console's "
                "API keys page against a current code from their authenticator app, sent as "
                "`Authorization: Bearer gt_public_<secret>` to the platform's own host. An "
                "organisation's key, a key issued any other way, a revoked key, or the key "
                "of someone no longer active helpdesk staff is refused (401 or 403)."
            ),
        }
