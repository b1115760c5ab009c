"""REST routes under /api/v1/ on every host, the public one included: platform data only
(every view a `PlatformApi`)."""

from django.urls import include, path

urlpatterns = [
    path("catalogue/", include("goldenthread.shared_indicators.rest.urls")),
]
