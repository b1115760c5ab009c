"""Platform routes served on every host: health, the API's schema and docs, GraphQL (whose
resolvers refuse the public host themselves, see `core.door.require_organisation`), and
sign-in. Organisation routes are in `urls_tenant` and `api_urls` only. Every organisation
has these (`licensed(ALWAYS, ...)`, see `core.licensing`)."""

from django.urls import include, path

from goldenthread.graphql.core.views import graphql_view
from goldenthread.platform.core import views as core_views
from goldenthread.platform.core.door import platform_page, platform_pages
from goldenthread.platform.core.licensing import ALWAYS, licensed

urlpatterns = [
    path("healthz", platform_page(licensed(ALWAYS, core_views.healthz)), name="healthz"),
    path("api/schema/", licensed(ALWAYS, core_views.ApiSchemaApi.as_view()), name="api-schema"),
    path(
        "api/docs/",
        licensed(ALWAYS, core_views.ApiDocsApi.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("graphql/", platform_page(licensed(ALWAYS, graphql_view)), name="graphql"),
    path(
        "accounts/",
        platform_pages(licensed(ALWAYS, include("goldenthread.platform.accounts.pages.urls"))),
    ),
]
