"""Routes on the bare platform domain (the public schema): helpdesk console, public pages and
the platform's own API. No organisation route is mounted here: any other `/api/…` path is a
404 in the API error body (`core.views.organisation_api_on_public_host`)."""

from django.urls import include, path, re_path

from goldenthread.partnerships.pages import light_partners as light_partner_pages
from goldenthread.platform.core import views as core_views
from goldenthread.platform.core.door import platform_page, platform_pages

from .urls_common import urlpatterns as common_urlpatterns

# A transient database error answers 503 with Retry-After (`core.unavailable`), not 500.
handler500 = "goldenthread.platform.core.unavailable.database_unavailable_or_server_error"

urlpatterns = [
    path("", platform_page(core_views.public_home), name="home"),
    path("helpdesk/", platform_pages(include("goldenthread.tenants.helpdesk_urls"))),
    # A partnership's invitation to a body not yet on the platform (it has no host yet).
    path(
        "join/<str:token>/",
        platform_page(light_partner_pages.join),
        name="light-partner-join",
    ),
    path("catalogue/", platform_pages(include("goldenthread.shared_indicators.pages.urls"))),
    path("api/v1/", include("goldenthread.platform.api_urls_platform")),
    # The helpdesk REST API (helpdesk API keys only; tenants.helpdesk.rest).
    path("api/helpdesk/v1/", include(("goldenthread.tenants.helpdesk.rest.urls", "helpdesk-api"))),
    *common_urlpatterns,
    re_path(r"^api/", core_views.organisation_api_on_public_host),
]
