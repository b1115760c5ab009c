"""REST routes of the organisation's exports, under /api/v1/archive/."""

from django.urls import path

from . import exports

urlpatterns = [
    path("exports/", exports.ExportListApi.as_view(), name="archive-exports"),
    path("exports/<int:pk>/", exports.ExportDetailApi.as_view(), name="archive-export"),
    path(
        "exports/<int:pk>/download/",
        exports.ExportDownloadApi.as_view(),
        name="archive-export-download",
    ),
]
