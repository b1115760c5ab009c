"""The helpdesk REST API, mounted at /api/helpdesk/v1/ on the platform host only
(`platform/urls_public.py`). One line per endpoint; each helper adds theirs at the end, under
a comment naming the area."""

from django.urls import path

from . import organisations, support, usage
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
]
