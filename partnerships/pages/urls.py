from django.urls import path

from . import forming as views_forming
from . import light_partners as views_light
from . import manage as views_manage
from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.partnership_list, name="list"),
    path("new/", views_forming.partnership_new, name="new"),
    path("contributions/", views.contributions, name="contributions"),
    path(
        "contributions/<int:indicator_id>/submit/",
        views_light.contribution_submit,
        name="contribution-submit",
    ),
    path("<int:partnership_id>/new-partners/", views_light.new_partners, name="new-partners"),
    path(
        "new-partners/<int:invitation_id>/withdraw/",
        views_light.new_partner_withdraw,
        name="new-partner-withdraw",
    ),
    path("access-log/", views.access_log, name="access-log"),
    path("<int:partnership_id>/", views.partnership_dashboard_page, name="dashboard"),
    path("<int:partnership_id>/report/", views.partnership_report, name="report"),
    path("<int:partnership_id>/reminders/", views.reminders_send, name="reminders"),
    path("<int:partnership_id>/members/", views_forming.members, name="members"),
    path("<int:partnership_id>/signatories/", views_forming.signatories, name="signatories"),
    path("<int:partnership_id>/agreements/new/", views_manage.agreement_new, name="agreement-new"),
    path("<int:partnership_id>/indicators/", views_manage.indicators, name="indicators"),
    path(
        "indicators/<int:indicator_id>/targets/",
        views_manage.indicator_targets,
        name="indicator-targets",
    ),
    path("invitations/<int:invitation_id>/", views_forming.invitation_detail, name="invitation"),
    path(
        "invitations/<int:invitation_id>/accept/",
        views_forming.invitation_accept,
        name="invitation-accept",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        views_forming.invitation_decline,
        name="invitation-decline",
    ),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        views_forming.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("agreements/<int:version_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:version_id>/amend/", views.agreement_amend, name="agreement-amend"),
    path("agreements/<int:version_id>/edit/", views_manage.agreement_edit, name="agreement-edit"),
    path(
        "agreements/<int:version_id>/<slug:action>/",
        views.agreement_action,
        name="agreement-action",
    ),
]
