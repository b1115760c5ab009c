"""Routes under /api/v1/partnerships/."""

from django.urls import path

from . import apis

app_name = "partnerships-api"
urlpatterns = [
    path("", apis.PartnershipListApi.as_view(), name="partnership-list"),
    path("<int:pk>/dashboard/", apis.PartnershipDashboardApi.as_view(), name="dashboard"),
    path("<int:pk>/agreements/", apis.AgreementListApi.as_view(), name="agreement-list"),
    path(
        "agreements/<int:version_id>/<slug:action>/",
        apis.AgreementActionApi.as_view(),
        name="agreement-action",
    ),
]
