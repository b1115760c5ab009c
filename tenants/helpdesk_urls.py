from django.urls import include, path

from .archive.pages import helpdesk as archive_views
from .archive.pages import imports as archive_imports
from .deletion import pages as deletion_pages
from .helpdesk import licensing_views, views

app_name = "helpdesk"
urlpatterns = [
    path("", views.organisation_list, name="organisations"),
    path("support/", include("goldenthread.tenants.support.pages.console_urls")),
    path("staff-sign-ins/", views.staff_sign_ins, name="staff-sign-ins"),
    path("organisations/new/", views.organisation_provision, name="provision"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/suspend/", views.organisation_suspend, name="suspend"),
    path("organisations/<slug:slug>/resume/", views.organisation_resume, name="resume"),
    # Exports, backups and restores of one organisation (tenants/archive).
    path(
        "organisations/<slug:slug>/data/",
        archive_views.organisation_data,
        name="organisation-data",
    ),
    path(
        "organisations/<slug:slug>/data/exports/<int:pk>/download/",
        archive_views.export_download,
        name="organisation-export-download",
    ),
    path(
        "organisations/<slug:slug>/data/backup/",
        archive_views.backup_now,
        name="organisation-backup",
    ),
    path(
        "organisations/<slug:slug>/data/backups/<int:pk>/restore/",
        archive_views.restore_in_place,
        name="organisation-restore",
    ),
    path(
        "organisations/<slug:slug>/data/backups/<int:pk>/restore-copy/",
        archive_views.restore_copy,
        name="organisation-restore-copy",
    ),
    path(
        "organisations/<slug:slug>/data/copies/<int:pk>/drop/",
        archive_views.copy_drop,
        name="organisation-copy-drop",
    ),
    # Importing an organisation archive as a new organisation (tenants/archive).
    path("imports/", archive_imports.imports_page, name="imports"),
    # Deleting an organisation (tenants.deletion).
    path("deletions/", deletion_pages.deletion_list, name="deletions"),
    path("organisations/<slug:slug>/delete/", deletion_pages.deletion_request, name="delete"),
    path(
        "organisations/<slug:slug>/delete/cancel/",
        deletion_pages.deletion_cancel,
        name="delete-cancel",
    ),
]

# Licensed modules, usage and helpdesk API keys (#15 items 5, 6, 10; s15c).
urlpatterns += [
    path(
        "organisations/<slug:slug>/modules/",
        licensing_views.organisation_modules,
        name="modules",
    ),
    path("usage/", licensing_views.usage_dashboard, name="usage"),
    path("usage/refresh/", licensing_views.usage_refresh, name="usage-refresh"),
    path("api-keys/", licensing_views.api_keys, name="api-keys"),
    path(
        "api-keys/<int:credential_id>/revoke/",
        licensing_views.api_key_revoke,
        name="api-key-revoke",
    ),
]
