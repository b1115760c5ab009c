from django.urls import path

from . import views as apis

urlpatterns = [
    path("indicators/", apis.CatalogueIndicatorListApi.as_view(), name="api-catalogue"),
    path(
        "indicators/<catalogue_code:code>/",
        apis.CatalogueIndicatorDetailApi.as_view(),
        name="api-catalogue-detail",
    ),
]
