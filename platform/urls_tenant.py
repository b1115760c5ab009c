"""Routes on an organisation's host (<slug>.<PLATFORM_DOMAIN>)."""

from django.urls import include, path

from goldenthread.platform.planning.views.home import my_items_page

from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    # The organisation home is the "my items" page: what I own, must update, and is overdue.
    path("", my_items_page, name="home"),
    path("catalogue/", include("goldenthread.shared_indicators.urls")),
    path("indicators/import/", include("goldenthread.platform.indicators.importing.urls")),
    path("indicators/", include("goldenthread.platform.indicators.urls")),
    path("partnerships/", include("goldenthread.partnerships.urls")),
    path("benchmarking/", include("goldenthread.shared_indicators.benchmarking.urls")),
    path("planning/", include("goldenthread.platform.planning.urls")),
    *common_urlpatterns,
]
