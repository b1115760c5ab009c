from django.conf import settings

from .door import organisation_of


def organisation(request) -> dict:
    organisation = organisation_of(request)
    return {
        "organisation": organisation,
        "is_public_host": organisation is None,
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
