"""Routes under /api/v1/indicators/."""

from django.urls import path

from . import (
    bulk_verification,
    cost,
    data_quality,
    forecast,
    indicators,
    readouts,
    spc,
    targets,
    values,
)

app_name = "indicators-api"

urlpatterns = [
    path("", indicators.IndicatorListApi.as_view(), name="indicator-list"),
    path("adopt/", indicators.IndicatorAdoptApi.as_view(), name="indicator-adopt"),
    path("<int:pk>/", indicators.IndicatorDetailApi.as_view(), name="indicator-detail"),
    path("<int:pk>/retire/", indicators.IndicatorRetireApi.as_view(), name="indicator-retire"),
    path(
        "<int:pk>/reactivate/",
        indicators.IndicatorReactivateApi.as_view(),
        name="indicator-reactivate",
    ),
    path(
        "<int:pk>/accept-catalogue-version/",
        indicators.IndicatorAcceptCatalogueVersionApi.as_view(),
        name="indicator-accept-catalogue-version",
    ),
    path("<int:pk>/targets/", targets.TargetListApi.as_view(), name="target-list"),
    path("<int:pk>/targets/profile/", targets.TargetProfileApi.as_view(), name="target-profile"),
    path(
        "<int:pk>/targets/<int:target_pk>/",
        targets.TargetDetailApi.as_view(),
        name="target-detail",
    ),
    path("<int:pk>/baseline/", targets.BaselineApi.as_view(), name="baseline"),
    path(
        "<int:pk>/sub-areas/", indicators.IndicatorSubAreasApi.as_view(), name="indicator-sub-areas"
    ),
    path("<int:pk>/values/", values.IndicatorValueListApi.as_view(), name="indicator-values"),
    path("<int:pk>/commentary/", values.CommentaryListApi.as_view(), name="commentary-list"),
    path("<int:pk>/status/", readouts.IndicatorStatusApi.as_view(), name="indicator-status"),
    path("<int:pk>/forecast/", forecast.IndicatorForecastApi.as_view(), name="indicator-forecast"),
    path("<int:pk>/cost/", cost.IndicatorCostApi.as_view(), name="indicator-cost"),
    path("<int:pk>/spc/", spc.SpcApi.as_view(), name="indicator-spc"),
    path("<int:pk>/spc/baseline/", spc.SpcBaselineApi.as_view(), name="indicator-spc-baseline"),
    path("<int:pk>/audit/", readouts.IndicatorAuditApi.as_view(), name="indicator-audit"),
    path("values/", values.ValueListApi.as_view(), name="value-list"),
    path("values/bulk/", values.ValueBulkUpsertApi.as_view(), name="value-bulk"),
    path(
        "values/bulk-approve/",
        bulk_verification.ValueBulkApproveApi.as_view(),
        name="value-bulk-approve",
    ),
    path(
        "values/bulk-send-back/",
        bulk_verification.ValueBulkSendBackApi.as_view(),
        name="value-bulk-send-back",
    ),
    path("values/due/", values.DueValuesApi.as_view(), name="value-due"),
    path("values/<int:pk>/", values.ValueDetailApi.as_view(), name="value-detail"),
    path("values/<int:pk>/submit/", values.ValueSubmitApi.as_view(), name="value-submit"),
    path("values/<int:pk>/approve/", values.ValueApproveApi.as_view(), name="value-approve"),
    path("values/<int:pk>/send-back/", values.ValueSendBackApi.as_view(), name="value-send-back"),
    path("values/<int:pk>/reopen/", values.ValueReopenApi.as_view(), name="value-reopen"),
    path("report/", readouts.ReportApi.as_view(), name="report"),
    path("data-quality/", data_quality.DataQualityApi.as_view(), name="data-quality"),
    path("audit/", readouts.AuditListApi.as_view(), name="audit-list"),
    path("service-areas/", indicators.ServiceAreaListApi.as_view(), name="service-area-list"),
    path("sub-areas/", indicators.SubAreaListApi.as_view(), name="sub-area-list"),
    path("sub-areas/<int:pk>/", indicators.SubAreaDetailApi.as_view(), name="sub-area-detail"),
    path("settings/", indicators.PerformanceSettingsApi.as_view(), name="settings"),
]
