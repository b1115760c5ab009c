"""Reporting pages, mounted at /reports/ through the organisation door."""

from django.urls import path

from . import definitions, distribution, pack

app_name = "reporting"

urlpatterns = [
    path("", definitions.definition_list_page, name="list"),
    path("running-header.css", pack.running_header_css, name="running-header"),
    path("new/", definitions.definition_create_page, name="create"),
    path("<int:pk>/", definitions.definition_page, name="definition"),
    path("<int:pk>/edit/", definitions.definition_edit_page, name="edit"),
    path("<int:pk>/archive/", definitions.definition_archive_page, name="archive"),
    path("<int:pk>/versions/<int:number>/", definitions.version_page, name="version"),
    path("<int:pk>/pack/", pack.pack_page, name="pack"),
    path("<int:pk>/freeze/", distribution.freeze_page, name="freeze"),
    path("<int:pk>/schedule/", distribution.schedule_page, name="schedule"),
    path("runs/<int:pk>/", distribution.run_page, name="run"),
    path("runs/<int:pk>/status/", distribution.run_status_json, name="run-status"),
    path("packs/", distribution.archive_page, name="archive"),
    path(
        "distribution-settings/",
        distribution.distribution_settings_page,
        name="distribution-settings",
    ),
    path("packs/<int:pk>/", distribution.frozen_pack_page, name="frozen"),
    path("packs/<int:pk>/compare/", distribution.compare_page, name="compare"),
    path(
        "packs/<int:pk>/download/<str:fmt>/",
        distribution.frozen_pack_download,
        name="frozen-download",
    ),
]
