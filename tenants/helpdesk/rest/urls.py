"""The helpdesk REST API, mounted at /api/helpdesk/v1/ on the platform host only
(`platform/urls_public.py`). One line per endpoint; each helper adds theirs at the end, under
a comment naming the area.

Slugs are matched as `<str:slug>` (any segment), so a malformed one reaches the view and is
answered 404 in the API error body, not by the platform host's catch-all for unknown /api/
paths (which, for a POST, would first fail the CSRF check with an HTML page)."""

from django.urls import path

from . import archive, deletion, imports, organisations, support, usage
from .schema import HelpdeskSchemaApi

urlpatterns = [
    path("schema/", HelpdeskSchemaApi.as_view(), name="helpdesk-api-schema"),
    path("organisations/", organisations.OrganisationListApi.as_view(), name="organisations"),
    path(
        "organisations/<str:slug>/",
        organisations.OrganisationApi.as_view(),
        name="organisation",
    ),
    path(
        "organisations/<str:slug>/suspend/",
        organisations.OrganisationSuspendApi.as_view(),
        name="suspend",
    ),
    path(
        "organisations/<str:slug>/resume/",
        organisations.OrganisationResumeApi.as_view(),
        name="resume",
    ),
    path(
        "organisations/<str:slug>/modules/",
        organisations.OrganisationModulesApi.as_view(),
        name="modules",
    ),
    path("usage/", usage.UsageListApi.as_view(), name="usage"),
    path(
        "organisations/<str:slug>/usage/",
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
    path("organisations/<slug:slug>/restores/", archive.RestoreListApi.as_view(), name="restores"),
    path(
        "organisations/<slug:slug>/restores/<int:pk>/",
        archive.RestoreDetailApi.as_view(),
        name="restore",
    ),
    # Announcements, the request queue and break-glass (#15 items 1, 7, 8; s15a).
    path("announcements/", support.AnnouncementListApi.as_view(), name="announcements"),
    path(
        "announcements/<int:pk>/end/",
        support.AnnouncementEndApi.as_view(),
        name="announcement-end",
    ),
    path("requests/", support.RequestListApi.as_view(), name="requests"),
    path("requests/<int:pk>/answer/", support.RequestAnswerApi.as_view(), name="request-answer"),
    path("support-access/", support.AccessListApi.as_view(), name="support-access"),
    path("break-glass/", support.BreakGlassApi.as_view(), name="break-glass"),
    path(
        "break-glass/<int:pk>/approve/",
        support.BreakGlassApproveApi.as_view(),
        name="break-glass-approve",
    ),
    # Deleting an organisation (s15d).
    path("deletions/", deletion.DeletionListApi.as_view(), name="deletions"),
    path(
        "organisations/<str:slug>/deletion/",
        deletion.OrganisationDeletionApi.as_view(),
        name="organisation-deletion",
    ),
    path(
        "organisations/<str:slug>/deletion/cancel/",
        deletion.OrganisationDeletionCancelApi.as_view(),
        name="organisation-deletion-cancel",
    ),
    # Importing an organisation archive as a new organisation (tenants/archive).
    path("imports/", imports.ImportListApi.as_view(), name="imports"),
    path("imports/<int:pk>/", imports.ImportDetailApi.as_view(), name="import"),
]
