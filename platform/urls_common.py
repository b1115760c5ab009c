"""Platform routes served on every host: health, the API's schema and docs, GraphQL (whose
resolvers refuse the public host themselves, see `core.door.require_organisation`), and
sign-in. Organisation routes are in `urls_tenant` and `api_urls` only."""

from django.urls import include, path

from goldenthread.graphql.core.views import graphql_view
from goldenthread.platform.core import views as core_views
from goldenthread.platform.core.door import platform_page, platform_pages

urlpatterns = [
    path("healthz", platform_page(core_views.healthz), name="healthz"),
    path("api/schema/", core_views.ApiSchemaApi.as_view(), name="api-schema"),
    path("api/docs/", core_views.ApiDocsApi.as_view(url_name="api-schema"), name="api-docs"),
    path("graphql/", platform_page(graphql_view), name="graphql"),
    path("accounts/", platform_pages(include("goldenthread.platform.accounts.pages.urls"))),
]
