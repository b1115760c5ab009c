"""REST routes under /api/v1/ on an organisation's host: the organisation's own API (every
view an `OrganisationApi`) plus the platform's (`api_urls_platform`)."""

from django.urls import include, path

from goldenthread.platform.accounts.rest.views import MeApi

from .api_urls_platform import urlpatterns as platform_urlpatterns

urlpatterns = [
    path("me/", MeApi.as_view(), name="api-me"),
    path("accounts/", include("goldenthread.platform.accounts.rest.urls")),
    path("planning/", include("goldenthread.platform.planning.rest.urls")),
    path("indicators/", include("goldenthread.platform.indicators.rest.urls")),
    path("notifications/", include("goldenthread.platform.notifications.rest.urls")),
    path("reporting/", include("goldenthread.platform.reporting.rest.urls")),
    path("partnerships/", include("goldenthread.partnerships.rest.urls")),
    path("support/", include("goldenthread.tenants.support.rest.urls")),
    *platform_urlpatterns,
]
