"""How the OpenAPI schema describes our API authentication (loaded by `AccountsConfig.ready`)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiCredentialScheme(OpenApiAuthenticationExtension):
    """Bearer API keys (`ApiCredentialAuthentication`): one key acts as one user of one
    organisation and works only on that organisation's host."""

    target_class = "goldenthread.platform.accounts.rest.authentication.ApiCredentialAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "gt_<organisation>_<secret>",
            "description": (
                "An API key issued to a user of the organisation (`goldenthread apikey` or the "
                "account page), sent as `Authorization: Bearer gt_<organisation>_<secret>` to "
                "that organisation's host. The request acts as that user, with that user's "
                "roles. A key sent to another organisation's host, a revoked key, or a key of "
                "an inactive user is refused with 401."
            ),
        }
