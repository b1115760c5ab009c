"""Routes on an organisation's host (<slug>.<PLATFORM_DOMAIN>).

Every organisation page is mounted through the organisation door (`organisation_pages`),
every REST view is an `OrganisationApi` or `PlatformApi`; `tests/platform/core/test_door.py`
fails for a route that is neither."""

from django.urls import include, path

from goldenthread.platform.core.door import organisation_page, organisation_pages, platform_pages
from goldenthread.platform.planning.pages.home import home_page

from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    # The organisation home: "my items" (what I own, must update, and is overdue), or for a
    # councillor the scorecard of the priorities (planning.pages.home).
    path("", organisation_page(home_page), name="home"),
    path("catalogue/", platform_pages(include("goldenthread.shared_indicators.pages.urls"))),
    path(
        "indicators/import/",
        organisation_pages(include("goldenthread.platform.indicators.pages.importing.urls")),
    ),
    path("indicators/", organisation_pages(include("goldenthread.platform.indicators.pages.urls"))),
    path("partnerships/", organisation_pages(include("goldenthread.partnerships.pages.urls"))),
    path(
        "benchmarking/",
        organisation_pages(include("goldenthread.shared_indicators.benchmarking.pages.urls")),
    ),
    path("planning/", organisation_pages(include("goldenthread.platform.planning.pages.urls"))),
    path(
        "notifications/",
        organisation_pages(include("goldenthread.platform.notifications.pages.urls")),
    ),
    path("reports/", organisation_pages(include("goldenthread.platform.reporting.pages.urls"))),
    # The public performance pages: no sign-in, but still only on organisation hosts.
    path(
        "performance/",
        organisation_pages(include("goldenthread.platform.planning.pages.public_urls")),
    ),
    path("support/", organisation_pages(include("goldenthread.tenants.support.pages.urls"))),
    path("users/", organisation_pages(include("goldenthread.platform.accounts.pages.users.urls"))),
    path("api/v1/", include("goldenthread.platform.api_urls")),
    *common_urlpatterns,
]
