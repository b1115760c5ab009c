"""Pages of notifications, under /notifications/ on an organisation's host."""

from django.urls import path

from . import inbox, preferences

app_name = "notifications"

urlpatterns = [
    path("", inbox.notification_list_page, name="list"),
    path("read-all/", inbox.notifications_read_all_page, name="read-all"),
    path("settings/", preferences.preferences_page, name="preferences"),
    path("unsubscribe/<str:token>/", preferences.unsubscribe_page, name="unsubscribe"),
    path("<int:pk>/", inbox.notification_open_page, name="open"),
    path("<int:pk>/read/", inbox.notification_read_page, name="read"),
]
