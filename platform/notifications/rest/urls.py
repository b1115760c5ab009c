"""REST routes of notifications, under /api/v1/notifications/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.NotificationListApi.as_view(), name="notifications-list"),
    path("unread-count/", views.NotificationCountApi.as_view(), name="notifications-count"),
    path("read-all/", views.NotificationReadAllApi.as_view(), name="notifications-read-all"),
    path("settings/", views.PreferencesApi.as_view(), name="notifications-preferences"),
    path("<int:pk>/read/", views.NotificationReadApi.as_view(), name="notifications-read"),
]
