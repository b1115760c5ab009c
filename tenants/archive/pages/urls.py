"""The organisation's export pages, under /organisation-data/ on its host."""

from django.urls import path

from . import exports

app_name = "archive"
urlpatterns = [
    path("", exports.exports_page, name="exports"),
    path("exports/<int:pk>/", exports.export_page, name="export"),
    path("exports/<int:pk>/status/", exports.export_status, name="export-status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export-download"),
]
