from django.urls import path

from . import apis

urlpatterns = [path("indicators/", apis.CatalogueIndicatorListApi.as_view(), name="api-catalogue")]
