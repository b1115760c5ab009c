"""The helpdesk REST API, mounted at /api/helpdesk/v1/ on the platform host only
(`platform/urls_public.py`). One line per endpoint; each helper adds theirs at the end, under
a comment naming the area."""

from django.urls import path

from . import organisations, usage
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
]
