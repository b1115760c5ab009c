"""Routes under /api/v1/partnerships/."""

from django.urls import path

from . import light_partners as apis_light
from . import manage as apis_manage
from . import views as apis

app_name = "partnerships-api"
urlpatterns = [
    path("", apis_manage.PartnershipCollectionApi.as_view(), name="partnership-list"),
    path("invitations/", apis_manage.InvitationsToUsApi.as_view(), name="invitations-to-us"),
    path(
        "invitations/<int:invitation_id>/<slug:action>/",
        apis_manage.InvitationActionApi.as_view(),
        name="invitation-action",
    ),
    path(
        "<int:pk>/light-invitations/",
        apis_light.LightInvitationsApi.as_view(),
        name="light-invitations",
    ),
    path(
        "light-invitations/<int:invitation_id>/withdraw/",
        apis_light.LightInvitationWithdrawApi.as_view(),
        name="light-invitation-withdraw",
    ),
    path("<int:pk>/dashboard/", apis.PartnershipDashboardApi.as_view(), name="dashboard"),
    path("<int:pk>/members/", apis_manage.MemberListApi.as_view(), name="member-list"),
    path("<int:pk>/signatories/", apis_manage.SignatoriesApi.as_view(), name="signatories"),
    path(
        "<int:pk>/invitable-organisations/",
        apis_manage.InvitableOrganisationListApi.as_view(),
        name="invitable-organisations",
    ),
    path(
        "<int:pk>/invitations/",
        apis_manage.PartnershipInvitationsApi.as_view(),
        name="partnership-invitations",
    ),
    path(
        "<int:pk>/agreements/", apis_manage.AgreementCollectionApi.as_view(), name="agreement-list"
    ),
    path(
        "<int:pk>/indicators/", apis_manage.IndicatorCollectionApi.as_view(), name="indicator-list"
    ),
    path(
        "indicators/<int:indicator_id>/targets/",
        apis_manage.TargetSetApi.as_view(),
        name="indicator-targets",
    ),
    path(
        "agreements/<int:version_id>/",
        apis_manage.AgreementDraftApi.as_view(),
        name="agreement-detail",
    ),
    path(
        "agreements/<int:version_id>/<slug:action>/",
        apis.AgreementActionApi.as_view(),
        name="agreement-action",
    ),
]
