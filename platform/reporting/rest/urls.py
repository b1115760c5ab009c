"""REST routes of reporting, under /api/v1/reporting/."""

from django.urls import path

from . import definitions, distribution

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
    path(
        "definitions/<int:pk>/preview/<str:fmt>/",
        definitions.PreviewDownloadApi.as_view(),
        name="reporting-preview-download",
    ),
    path(
        "definitions/<int:pk>/freeze/",
        distribution.FreezeApi.as_view(),
        name="reporting-freeze",
    ),
    path(
        "definitions/<int:pk>/schedule/",
        distribution.ScheduleApi.as_view(),
        name="reporting-schedule",
    ),
    path(
        "definitions/<int:pk>/distribution-list/",
        distribution.DistributionListApi.as_view(),
        name="reporting-distribution-list",
    ),
    path("packs/", distribution.FrozenPackListApi.as_view(), name="reporting-packs"),
    path("packs/<int:pk>/", distribution.FrozenPackDetailApi.as_view(), name="reporting-pack"),
    path(
        "packs/<int:pk>/compare/",
        distribution.CompareApi.as_view(),
        name="reporting-pack-compare",
    ),
    path(
        "packs/<int:pk>/download/<str:fmt>/",
        distribution.DownloadApi.as_view(),
        name="reporting-pack-download",
    ),
    path("runs/<int:pk>/", distribution.RunDetailApi.as_view(), name="reporting-run"),
    path(
        "distribution-settings/",
        distribution.DistributionSettingsApi.as_view(),
        name="reporting-distribution-settings",
    ),
]
