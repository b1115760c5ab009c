"""Reporting pages, mounted at /reports/ through the organisation door."""

from django.urls import path

from . import definitions, pack

app_name = "reporting"

urlpatterns = [
    path("", definitions.definition_list_page, name="list"),
    path("new/", definitions.definition_create_page, name="create"),
    path("<int:pk>/", definitions.definition_page, name="definition"),
    path("<int:pk>/edit/", definitions.definition_edit_page, name="edit"),
    path("<int:pk>/archive/", definitions.definition_archive_page, name="archive"),
    path("<int:pk>/versions/<int:number>/", definitions.version_page, name="version"),
    path("<int:pk>/pack/", pack.pack_page, name="pack"),
]
