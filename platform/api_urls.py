"""REST routes under /api/v1/, the same set on every organisation's host."""

from django.urls import include, path

from goldenthread.platform.accounts.apis import MeApi

urlpatterns = [
    path("me/", MeApi.as_view(), name="api-me"),
    path("catalogue/", include("goldenthread.shared_indicators.api_urls")),
    path("planning/", include("goldenthread.platform.planning.api_urls")),
    path("indicators/", include("goldenthread.platform.indicators.apis.urls")),
    path("partnerships/", include("goldenthread.partnerships.api_urls")),
]
