"""REST routes of the golden thread, under /api/v1/planning/."""

from django.urls import path

from . import actions, evidence, public, reports, risks, strategy

urlpatterns = [
    path("settings/", reports.SettingsApi.as_view(), name="planning-settings"),
    path("my-items/", reports.MyItemsApi.as_view(), name="planning-my-items"),
    path("search/", reports.SearchApi.as_view(), name="planning-search"),
    path("strategy/tree/", strategy.StrategyTreeApi.as_view(), name="planning-tree"),
    path("strategy/nodes/", strategy.NodeListApi.as_view(), name="planning-nodes"),
    path("strategy/nodes/<int:pk>/", strategy.NodeDetailApi.as_view(), name="planning-node"),
    path("strategy/nodes/<int:pk>/links/", strategy.NodeLinkApi.as_view(), name="planning-links"),
    path("plans/", actions.PlanListApi.as_view(), name="planning-plans"),
    path("plans/<int:pk>/", actions.PlanDetailApi.as_view(), name="planning-plan"),
    path("actions/", actions.ActionListApi.as_view(), name="planning-actions"),
    path("actions/<int:pk>/", actions.ActionDetailApi.as_view(), name="planning-action"),
    path("actions/<int:pk>/updates/", actions.ActionUpdateApi.as_view(), name="planning-updates"),
    path(
        "actions/<int:pk>/escalations/",
        actions.ActionEscalateApi.as_view(),
        name="planning-escalations",
    ),
    path(
        "actions/<int:pk>/milestones/",
        actions.MilestoneCreateApi.as_view(),
        name="planning-milestones",
    ),
    path("milestones/<int:pk>/", actions.MilestoneDetailApi.as_view(), name="planning-milestone"),
    path("risk-registers/", risks.RegisterListApi.as_view(), name="planning-registers"),
    path("heat-map/", risks.HeatMapApi.as_view(), name="planning-heat-map"),
    path("risks/", risks.RiskListApi.as_view(), name="planning-risks"),
    path("risks/<int:pk>/", risks.RiskDetailApi.as_view(), name="planning-risk"),
    path("risks/<int:pk>/reviews/", risks.RiskReviewApi.as_view(), name="planning-reviews"),
    path("evidence/", evidence.EvidenceListApi.as_view(), name="planning-evidence"),
    path("evidence/<int:pk>/", evidence.EvidenceDetailApi.as_view(), name="planning-document"),
    path(
        "evidence/<int:pk>/download/",
        evidence.EvidenceDownloadApi.as_view(),
        name="planning-download",
    ),
    path(
        "exceptions/overdue-actions/",
        reports.OverdueActionsApi.as_view(),
        name="planning-overdue",
    ),
    path("exceptions/actions-behind/", reports.ActionsBehindApi.as_view(), name="planning-behind"),
    path("exceptions/pis-off-target/", reports.PisOffTargetApi.as_view(), name="planning-pis-off"),
    path(
        "exceptions/pis-special-cause-concerning/",
        reports.PisSpecialCauseApi.as_view(),
        name="planning-pis-special-cause",
    ),
    path(
        "exceptions/risks-review-overdue/",
        reports.ReviewOverdueApi.as_view(),
        name="planning-review-overdue",
    ),
    path("publications/", public.PublicationListApi.as_view(), name="planning-publications"),
    path(
        "publications/<int:pk>/approve/",
        public.PublicationApproveApi.as_view(),
        name="planning-publication-approve",
    ),
    path(
        "publications/<int:pk>/reject/",
        public.PublicationRejectApi.as_view(),
        name="planning-publication-reject",
    ),
    path(
        "publications/<int:pk>/withdraw/",
        public.PublicationWithdrawApi.as_view(),
        name="planning-publication-withdraw",
    ),
    path(
        "pre-election-periods/", public.PreElectionListApi.as_view(), name="planning-pre-elections"
    ),
    path(
        "pre-election-periods/<int:pk>/",
        public.PreElectionApi.as_view(),
        name="planning-pre-election",
    ),
    path("auditor-access-log/", reports.AuditorLogApi.as_view(), name="planning-auditor-log"),
]
