from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("contributions/", views.contributions, name="contributions"),
    path("access-log/", views.access_log, name="access-log"),
    path("<int:partnership_id>/", views.partnership_dashboard_page, name="dashboard"),
    path("<int:partnership_id>/report/", views.partnership_report, name="report"),
    path("<int:partnership_id>/reminders/", views.reminders_send, name="reminders"),
    path("agreements/<int:version_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:version_id>/amend/", views.agreement_amend, name="agreement-amend"),
    path(
        "agreements/<int:version_id>/<slug:action>/",
        views.agreement_action,
        name="agreement-action",
    ),
]
