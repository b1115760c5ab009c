"""Pages of the performance core, under /indicators/ on an organisation's host."""

from django.urls import path

from . import approvals, cost, data_quality, detail, entry, grid, indicators, report, spc, sub_areas

app_name = "indicators"

urlpatterns = [
    path("", indicators.indicator_list_page, name="list"),
    path("new/", indicators.indicator_create_page, name="create"),
    path("adopt/", indicators.indicator_adopt_page, name="adopt"),
    path("settings/", indicators.settings_page, name="settings"),
    path("owe/", entry.what_i_owe_page, name="owe"),
    path("grid/", grid.value_grid_page, name="grid"),
    path("approvals/", approvals.approvals_page, name="approvals"),
    path("report/", report.report_page, name="report"),
    path("data-quality/", data_quality.data_quality_page, name="data-quality"),
    path("sub-areas/", sub_areas.sub_area_list_page, name="sub-areas"),
    path("sub-areas/<int:pk>/", sub_areas.sub_area_edit_page, name="sub-area-edit"),
    path("values/approve-many/", approvals.values_bulk_page, name="approve-many"),
    path("values/<int:value_pk>/approve/", approvals.value_approve_page, name="approve"),
    path("values/<int:value_pk>/send-back/", approvals.value_send_back_page, name="send-back"),
    path("values/<int:value_pk>/reopen/", detail.value_reopen_page, name="reopen"),
    path("<int:pk>/", detail.indicator_detail_page, name="detail"),
    path("<int:pk>/edit/", indicators.indicator_edit_page, name="edit"),
    path(
        "<int:pk>/accept-catalogue-version/",
        indicators.indicator_accept_catalogue_page,
        name="accept-catalogue",
    ),
    path("<int:pk>/targets/", indicators.targets_page, name="targets"),
    path("<int:pk>/sub-areas/", sub_areas.indicator_sub_areas_page, name="indicator-sub-areas"),
    path("<int:pk>/history/", detail.indicator_history_page, name="history"),
    path("<int:pk>/commentary/", detail.commentary_add_page, name="commentary"),
    path("<int:pk>/cost/", cost.cost_pairing_page, name="cost-pairing"),
    path("<int:pk>/spc/baseline/", spc.spc_baseline_page, name="spc-baseline"),
    path("<int:pk>/enter/", entry.value_entry_page, name="enter"),
    path("<int:pk>/check/", entry.value_check_api, name="check"),
]
