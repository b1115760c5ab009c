"""Pages of the golden thread, under /planning/ on an organisation's host."""

from django.urls import path

from .views import actions, evidence, exceptions, home, risks, search, strategy

app_name = "planning"

urlpatterns = [
    path("", home.my_items_page, name="my-items"),
    path("strategy/", strategy.strategy_tree_page, name="strategy"),
    path("strategy/<int:pk>/", strategy.strategy_node_page, name="node"),
    path("plans/", actions.plan_list_page, name="plans"),
    path("plans/<int:pk>/", actions.plan_page, name="plan"),
    path("actions/", actions.action_list_page, name="actions"),
    path("actions/<int:pk>/", actions.action_page, name="action"),
    path("actions/<int:pk>/update/", actions.action_update_page, name="action-update"),
    path("actions/<int:pk>/escalate/", actions.action_escalate_page, name="action-escalate"),
    path("risks/", risks.risk_list_page, name="risks"),
    path("risks/registers/", risks.register_list_page, name="registers"),
    path("risks/registers/<int:pk>/", risks.heat_map_page, name="heat-map"),
    path("risks/review-overdue/", risks.review_overdue_page, name="review-overdue"),
    path("risks/<int:pk>/", risks.risk_page, name="risk"),
    path("risks/<int:pk>/review/", risks.risk_review_page, name="risk-review"),
    path("exceptions/", exceptions.exceptions_page, name="exceptions"),
    path("search/", search.search_page, name="search"),
    path("<str:kind>/<int:pk>/evidence/", evidence.evidence_upload_page, name="evidence-upload"),
    path("evidence/<int:pk>/", evidence.evidence_download_page, name="evidence"),
]
