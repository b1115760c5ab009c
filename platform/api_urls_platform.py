"""REST routes under /api/v1/ on every host, the public one included: platform data only
(every view a `PlatformApi`)."""

from django.urls import include, path

from goldenthread.platform.core.licensing import ALWAYS, licensed

urlpatterns = [
    path("catalogue/", licensed(ALWAYS, include("goldenthread.shared_indicators.rest.urls"))),
]
