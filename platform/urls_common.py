"""Routes served on every host: health, the API and its schema, GraphQL."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from goldenthread.graphql.core.views import graphql_view
from goldenthread.platform.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", include("goldenthread.platform.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("graphql/", graphql_view, name="graphql"),
    path("accounts/", include("goldenthread.platform.accounts.urls")),
]
