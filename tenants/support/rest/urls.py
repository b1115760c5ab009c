"""Support REST routes, under /api/v1/support/ on an organisation's host."""

from django.urls import path

from . import views

urlpatterns = [
    path("access/", views.AccessListApi.as_view(), name="api-support-access"),
    path("access/log/", views.AccessLogApi.as_view(), name="api-support-access-log"),
    path(
        "access/<int:pk>/revoke/", views.AccessRevokeApi.as_view(), name="api-support-access-revoke"
    ),
    path("requests/", views.RequestListApi.as_view(), name="api-support-requests"),
    path("requests/<int:pk>/", views.RequestDetailApi.as_view(), name="api-support-request"),
    path("suggestions/", views.SuggestionListApi.as_view(), name="api-support-suggestions"),
    path(
        "suggestions/<int:pk>/vote/",
        views.SuggestionVoteApi.as_view(),
        name="api-support-suggestion-vote",
    ),
]
