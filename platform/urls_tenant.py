"""Routes on an organisation's host (<slug>.<PLATFORM_DOMAIN>)."""

from django.urls import include, path

from goldenthread.platform.core import views as core_views

from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    path("", core_views.organisation_home, name="home"),
    path("catalogue/", include("goldenthread.shared_indicators.urls")),
    path("indicators/", include("goldenthread.platform.indicators.urls")),
    path("planning/", include("goldenthread.platform.planning.urls")),
    *common_urlpatterns,
]
