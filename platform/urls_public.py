"""Routes on the bare platform domain (the public schema): helpdesk console, public pages."""

from django.urls import include, path

from goldenthread.platform.core import views as core_views

from .urls_common import urlpatterns as common_urlpatterns

urlpatterns = [
    path("", core_views.public_home, name="home"),
    path("helpdesk/", include("goldenthread.tenants.helpdesk_urls")),
    path("catalogue/", include("goldenthread.shared_indicators.urls")),
    *common_urlpatterns,
]
