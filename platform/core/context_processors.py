from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .door import organisation_of


def organisation(request) -> dict:
    organisation = organisation_of(request)
    return {
        "organisation": organisation,
        "is_public_host": organisation is None,
        "platform_domain": settings.PLATFORM_DOMAIN,
    }


def navigation(request) -> dict:
    """`nav_items`: the main navigation for this person on this host (`core.navigation`),
    worked out only when a template draws it."""
    from .navigation import main_navigation

    on_organisation_host = organisation_of(request) is not None
    return {
        "nav_items": SimpleLazyObject(
            lambda: main_navigation(request, on_organisation_host=on_organisation_host)
        )
    }
