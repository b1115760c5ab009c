"""REST routes of reporting, under /api/v1/reporting/."""

from django.urls import path

from . import definitions

urlpatterns = [
    path("definitions/", definitions.DefinitionListApi.as_view(), name="reporting-definitions"),
    path(
        "definitions/<int:pk>/",
        definitions.DefinitionDetailApi.as_view(),
        name="reporting-definition",
    ),
    path(
        "definitions/<int:pk>/versions/",
        definitions.VersionListApi.as_view(),
        name="reporting-versions",
    ),
    path(
        "definitions/<int:pk>/versions/<int:number>/",
        definitions.VersionDetailApi.as_view(),
        name="reporting-version",
    ),
    path(
        "definitions/<int:pk>/preview/",
        definitions.PreviewApi.as_view(),
        name="reporting-preview",
    ),
]
