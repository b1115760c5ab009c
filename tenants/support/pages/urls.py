"""Support pages under /support/ on an organisation's host (mounted through the door)."""

from django.urls import path

from . import access, requests

app_name = "support"

urlpatterns = [
    path("", requests.request_list_page, name="requests"),
    path("requests/new/", requests.request_new_page, name="request-new"),
    path("requests/<int:pk>/", requests.request_detail_page, name="request"),
    path("suggestions/", requests.suggestion_list_page, name="suggestions"),
    path("suggestions/<int:pk>/vote/", requests.suggestion_vote_page, name="suggestion-vote"),
    path(
        "announcements/<int:pk>/dismiss/",
        requests.announcement_dismiss_page,
        name="announcement-dismiss",
    ),
    path("access/", access.access_page, name="access"),
    path("access/<int:pk>/revoke/", access.access_revoke_page, name="access-revoke"),
    path("access/log/", access.access_log_page, name="access-log"),
    path("enter/<str:token>/", access.enter_page, name="enter"),
]
