"""REST routes under /api/v1/ on an organisation's host: the organisation's own API (every
view an `OrganisationApi`) plus the platform's (`api_urls_platform`)."""

from django.urls import include, path

from goldenthread.platform.accounts.rest.views import MeApi
from goldenthread.platform.core.licensing import ALWAYS, licensed
from goldenthread.tenants.models import Module

from .api_urls_platform import urlpatterns as platform_urlpatterns

urlpatterns = [
    path("me/", licensed(ALWAYS, MeApi.as_view()), name="api-me"),
    path("accounts/", licensed(ALWAYS, include("goldenthread.platform.accounts.rest.urls"))),
    path(
        "planning/", licensed(Module.PLANNING, include("goldenthread.platform.planning.rest.urls"))
    ),
    path(
        "indicators/",
        licensed(Module.PERFORMANCE, include("goldenthread.platform.indicators.rest.urls")),
    ),
    path(
        "notifications/", licensed(ALWAYS, include("goldenthread.platform.notifications.rest.urls"))
    ),
    path(
        "reporting/",
        licensed(Module.PERFORMANCE, include("goldenthread.platform.reporting.rest.urls")),
    ),
    path(
        "partnerships/",
        licensed(Module.PARTNERSHIPS, include("goldenthread.partnerships.rest.urls")),
    ),
    *platform_urlpatterns,
]
