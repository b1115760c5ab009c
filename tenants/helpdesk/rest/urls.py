"""The helpdesk REST API, mounted at /api/helpdesk/v1/ on the platform host only
(`platform/urls_public.py`). One line per endpoint; each helper adds theirs at the end, under
a comment naming the area."""

from django.urls import path

from . import archive, organisations, usage
from .schema import HelpdeskSchemaApi

urlpatterns = [
    path("schema/", HelpdeskSchemaApi.as_view(), name="helpdesk-api-schema"),
    path("organisations/", organisations.OrganisationListApi.as_view(), name="organisations"),
    path(
        "organisations/<slug:slug>/",
        organisations.OrganisationApi.as_view(),
        name="organisation",
    ),
    path(
        "organisations/<slug:slug>/suspend/",
        organisations.OrganisationSuspendApi.as_view(),
        name="suspend",
    ),
    path(
        "organisations/<slug:slug>/resume/",
        organisations.OrganisationResumeApi.as_view(),
        name="resume",
    ),
    path(
        "organisations/<slug:slug>/modules/",
        organisations.OrganisationModulesApi.as_view(),
        name="modules",
    ),
    path("usage/", usage.UsageListApi.as_view(), name="usage"),
    path(
        "organisations/<slug:slug>/usage/",
        usage.OrganisationUsageApi.as_view(),
        name="organisation-usage",
    ),
    # Exports and backups (s15b, tenants/archive)
    path("organisations/<slug:slug>/exports/", archive.ExportListApi.as_view(), name="exports"),
    path(
        "organisations/<slug:slug>/exports/<int:pk>/",
        archive.ExportDetailApi.as_view(),
        name="export",
    ),
    path(
        "organisations/<slug:slug>/exports/<int:pk>/download/",
        archive.ExportDownloadApi.as_view(),
        name="export-download",
    ),
    path("organisations/<slug:slug>/backups/", archive.BackupListApi.as_view(), name="backups"),
    path(
        "organisations/<slug:slug>/backups/<int:pk>/restore/",
        archive.RestoreApi.as_view(),
        name="backup-restore",
    ),
    path(
        "organisations/<slug:slug>/backups/<int:pk>/restore-copy/",
        archive.RestoreCopyApi.as_view(),
        name="backup-restore-copy",
    ),
]
