"""The helpdesk console's support pages, under /helpdesk/support/ on the platform host."""

from django.urls import path

from . import console

app_name = "support"

urlpatterns = [
    path("access/", console.access_page, name="access"),
    path("access/<int:pk>/open/", console.open_page, name="open"),
    path("access/<int:pk>/approve/", console.approve_page, name="approve"),
    path("access/<int:pk>/end/", console.end_page, name="end"),
    path("announcements/", console.announcements_page, name="announcements"),
    path("announcements/<int:pk>/end/", console.announcement_end_page, name="announcement-end"),
    path("requests/", console.requests_page, name="requests"),
    path("requests/<int:pk>/", console.request_page, name="request"),
]
