"""Import pages, mounted at indicators/import/ on an organisation's host."""

from django.urls import path

from . import views

app_name = "indicators-import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/status.json", views.job_status, name="job-status"),
    path("<int:pk>/commit/", views.job_commit, name="job-commit"),
    path(
        "template/<str:kind>.<str:file_format>",
        views.template_download,
        name="template",
    ),
]
