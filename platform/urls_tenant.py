"""Routes on an organisation's host (<slug>.<PLATFORM_DOMAIN>).

Every organisation page is mounted through the organisation door (`organisation_pages`),
every REST view is an `OrganisationApi` or `PlatformApi`; `tests/platform/core/test_door.py`
fails for a route that is neither. Every route also declares the licensed module it needs
(`core.licensing.licensed`, or ALWAYS); `tests/platform/core/test_licensing.py` fails for a
route that does not."""

from django.urls import include, path

from goldenthread.platform.core.door import organisation_page, organisation_pages, platform_pages
from goldenthread.platform.core.licensing import ALWAYS, licensed
from goldenthread.platform.planning.pages.home import home_page
from goldenthread.tenants.models import Module

from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    # The organisation home: "my items" (what I own, must update, and is overdue), or for a
    # councillor the scorecard of the priorities (planning.pages.home).
    path("", organisation_page(licensed(ALWAYS, home_page)), name="home"),
    path(
        "catalogue/",
        platform_pages(licensed(ALWAYS, include("goldenthread.shared_indicators.pages.urls"))),
    ),
    path(
        "indicators/import/",
        organisation_pages(
            licensed(
                Module.PERFORMANCE,
                include("goldenthread.platform.indicators.pages.importing.urls"),
            )
        ),
    ),
    path(
        "indicators/",
        organisation_pages(
            licensed(Module.PERFORMANCE, include("goldenthread.platform.indicators.pages.urls"))
        ),
    ),
    path(
        "partnerships/",
        organisation_pages(
            licensed(Module.PARTNERSHIPS, include("goldenthread.partnerships.pages.urls"))
        ),
    ),
    path(
        "benchmarking/",
        organisation_pages(
            licensed(
                Module.BENCHMARKING,
                include("goldenthread.shared_indicators.benchmarking.pages.urls"),
            )
        ),
    ),
    path(
        "planning/",
        organisation_pages(
            licensed(Module.PLANNING, include("goldenthread.platform.planning.pages.urls"))
        ),
    ),
    path(
        "notifications/",
        organisation_pages(
            licensed(ALWAYS, include("goldenthread.platform.notifications.pages.urls"))
        ),
    ),
    path(
        "reports/",
        organisation_pages(
            licensed(Module.PERFORMANCE, include("goldenthread.platform.reporting.pages.urls"))
        ),
    ),
    # The public performance pages: no sign-in, but still only on organisation hosts.
    path(
        "performance/",
        organisation_pages(
            licensed(
                Module.PERFORMANCE, include("goldenthread.platform.planning.pages.public_urls")
            )
        ),
    ),
    path(
        "users/",
        organisation_pages(
            licensed(ALWAYS, include("goldenthread.platform.accounts.pages.users.urls"))
        ),
    ),
    path("api/v1/", include("goldenthread.platform.api_urls")),
    *common_urlpatterns,
]
