"""Finding PIs and values in the current organisation."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window

from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.periods import Period, parse_period

from ..models import AuditEntry, Indicator, IndicatorValue, ServiceArea, SubArea, Target

INDICATOR_FILTERS = (
    "q",
    "service_area",
    "owner",
    "data_provider",
    "status",
    "due",
    "active",
    "tag",
    "adopted",
)


def _as_id(raw: Any, what: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise NotFound(f"There is no {what} with the id '{raw}'.") from None


def _truthy(raw: Any) -> bool:
    return str(raw).lower() in ("1", "true", "yes", "on")


def indicator_list(
    *, filters: Mapping[str, Any] | None = None, today: date | None = None
) -> QuerySet[Indicator]:
    """PIs of this organisation, filtered, ordered by code, each annotated with
    `latest_status` (the stored status of its most recent overall value).

    Filters: `q` (code or title), `service_area`, `owner`, `data_provider` (ids), `status`
    (latest status; `missing` means a value is late), `due` (`late` or `due_soon`), `active`,
    `tag`, `adopted`.
    """
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    latest = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), sub_area__isnull=True
    ).order_by("-period_start")
    qs = (
        Indicator.objects.select_related("service_area", "owner", "verifier", "catalogue_indicator")
        .prefetch_related("data_providers", "sub_areas")
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
    )
    if "q" in filters:
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(code__icontains=text) | Q(title__icontains=text))
    for name in ("service_area", "owner"):
        if name in filters:
            qs = qs.filter(**{f"{name}_id": _as_id(filters[name], name.replace("_", " "))})
    if "data_provider" in filters:
        qs = qs.filter(data_providers__id=_as_id(filters["data_provider"], "user"))
    if "active" in filters:
        qs = qs.filter(is_active=_truthy(filters["active"]))
    if "adopted" in filters:
        qs = qs.filter(catalogue_indicator__isnull=not _truthy(filters["adopted"]))
    if "tag" in filters:
        qs = qs.filter(tags__contains=[str(filters["tag"])])
    due = filters.get("due")
    if filters.get("status") == "missing":
        due = "late"
    elif "status" in filters:
        qs = qs.filter(latest_status=str(filters["status"]))
    if due:
        from .due import late_values, values_due_soon

        items = late_values(today=today) if due == "late" else values_due_soon(today=today)
        qs = qs.filter(pk__in={item.indicator.pk for item in items})
    return qs.order_by("code")


# What the REST list returns of a PI, read as plain values (no model instances): the PI's own
# columns, two of its relations' columns and the annotations below.
INDICATOR_API_COLUMNS = (
    "id",
    "code",
    "title",
    "definition",
    "calculation_notes",
    "service_area_id",
    "owner_id",
    "verifier_id",
    "tags",
    "is_active",
    "unit_kind",
    "unit_label",
    "polarity",
    "band_lower",
    "band_upper",
    "frequency",
    "year_basis",
    "decimal_places",
    "is_calculated",
    "numerator_label",
    "denominator_label",
    "factor",
    "rollup_rule",
    "year_to_date",
    "falls_back_to_annual_target",
    "valid_minimum",
    "valid_maximum",
    "whole_numbers",
    "out_of_range_policy",
    "tolerance_kind",
    "tolerance_amount",
    "commentary_required_when_off_target",
    "due_day_of_following_month",
    "due_lag_months",
    "catalogue_code",
    "catalogue_indicator_id",
    "adopted_catalogue_version",
    "latest_status",
)


def indicator_list_for_api(
    *, filters: Mapping[str, Any] | None = None
) -> QuerySet[Indicator, dict[str, Any]]:
    """`indicator_list` as rows of plain values, reading only what the REST list returns, in
    one query: the PI's columns, its service area's name and its catalogue entry's version
    (two joins), and the ids of its data providers and sub-areas as arrays beside it (two
    correlated `ARRAY(SELECT …)`), not their rows in more queries. Building model instances
    and their related objects cost more than the query itself; the list is the API's busiest
    read (issue #16, P6). `indicators.rest.indicators.indicator_row_output` turns a row into
    the same body as a PI's."""
    providers = Indicator.data_providers.through.objects.filter(indicator=OuterRef("pk"))
    sub_areas = Indicator.sub_areas.through.objects.filter(indicator=OuterRef("pk"))
    return (
        indicator_list(filters=filters)
        .select_related(None)
        .prefetch_related(None)
        .annotate(
            data_provider_ids=ArraySubquery(providers.order_by("user_id").values("user_id")),
            sub_area_ids=ArraySubquery(
                sub_areas.order_by("subarea__kind", "subarea__name").values("subarea_id")
            ),
            service_area_name=F("service_area__name"),
            catalogue_version=F("catalogue_indicator__version"),
        )
        .values(
            *INDICATOR_API_COLUMNS,
            "data_provider_ids",
            "sub_area_ids",
            "service_area_name",
            "catalogue_version",
        )
    )


def indicator_list_models() -> tuple:
    """The models the REST list's rows are read from (its cache is kept while none of their
    tables is written: `tenants.database.changes.watch_models`, at app loading;
    `tests/platform/indicators/rest/test_list_cache.py` holds this to the list's SQL)."""
    return (
        Indicator,
        Indicator.data_providers.through,
        Indicator.sub_areas.through,
        SubArea,
        ServiceArea,
        IndicatorValue,
        Indicator._meta.get_field("catalogue_indicator").related_model,
    )


# The total beside each row of a page (`COUNT(*) OVER ()`, computed before LIMIT): a page and
# the count in one statement instead of a COUNT and then the page.
_TOTAL = "rows_in_all"


def _with_total(rows: QuerySet) -> QuerySet:
    return rows.annotate(**{_TOTAL: Window(Count("*"))})


@functools.cache
def _unfiltered_page_sql() -> tuple[str, tuple]:
    """The unfiltered list's SQL, compiled by the ORM once per process (compiling it cost more
    than running it: about 2.5 ms a request, issue #16 P6). Table names are not
    schema-qualified (the search path selects the organisation), so one text serves every
    organisation; only LIMIT and OFFSET vary."""
    sql, params = _with_total(indicator_list_for_api()).query.sql_with_params()
    return f"{sql} LIMIT %s OFFSET %s", tuple(params)


def indicator_page_for_api(
    *, filters: Mapping[str, Any] | None = None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """One page of `indicator_list_for_api`'s rows and how many rows the list has in all (None
    when the page is empty), in one query. The unfiltered list, the busiest, runs from SQL
    compiled once; a filtered one is compiled for its filters."""
    if any(value not in (None, "") for value in (filters or {}).values()):
        rows = list(_with_total(indicator_list_for_api(filters=filters))[offset : offset + limit])
    else:
        sql, params = _unfiltered_page_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, limit, offset))
            names = [column.name for column in cursor.description]
            rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    total = None
    for row in rows:
        total = row.pop(_TOTAL)
    return rows, total


def indicator_get(*, pk: Any) -> Indicator:
    """One PI of this organisation; an id from another organisation is simply not found."""
    indicator = (
        Indicator.objects.select_related("service_area", "owner", "verifier", "catalogue_indicator")
        .prefetch_related("data_providers", "sub_areas")
        .filter(pk=_as_id(pk, "indicator"))
        .first()
    )
    if indicator is None:
        raise NotFound(f"There is no indicator with the id '{pk}'.")
    return indicator


def indicator_get_by_code(*, code: str) -> Indicator:
    indicator = Indicator.objects.filter(code__iexact=(code or "").strip()).first()
    if indicator is None:
        raise NotFound(f"There is no indicator with the code '{code}'.")
    return indicator


def value_get(*, pk: Any) -> IndicatorValue:
    row = (
        IndicatorValue.objects.select_related(
            "indicator", "sub_area", "entered_by", "submitted_by", "approved_by"
        )
        .filter(pk=_as_id(pk, "value"))
        .first()
    )
    if row is None:
        raise NotFound(f"There is no value with the id '{pk}'.")
    return row


def value_list(
    *, indicator: Indicator | None = None, filters: Mapping[str, Any] | None = None
) -> QuerySet[IndicatorValue]:
    """Values, newest period first. Filters: `workflow_status`, `period` (code), `sub_area`
    (id, or `none` for overall values), `indicator` (id)."""
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    qs = IndicatorValue.objects.select_related(
        "indicator", "sub_area", "entered_by", "submitted_by", "approved_by"
    )
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    if "indicator" in filters:
        qs = qs.filter(indicator_id=_as_id(filters["indicator"], "indicator"))
    if "workflow_status" in filters:
        qs = qs.filter(workflow_status=filters["workflow_status"])
    if "period" in filters:
        qs = qs.filter(period_code=str(filters["period"]).strip())
    if "sub_area" in filters:
        if str(filters["sub_area"]).lower() == "none":
            qs = qs.filter(sub_area__isnull=True)
        else:
            qs = qs.filter(sub_area_id=_as_id(filters["sub_area"], "sub-area"))
    return qs.order_by("-period_start", "indicator__code", "sub_area__name")


def target_list(*, indicator: Indicator) -> QuerySet[Target]:
    return Target.objects.filter(indicator=indicator).select_related("sub_area", "set_by")


def target_get(*, indicator: Indicator, pk: Any) -> Target:
    target = Target.objects.filter(indicator=indicator, pk=_as_id(pk, "target")).first()
    if target is None:
        raise NotFound(f"There is no target with the id '{pk}' for {indicator.code}.")
    return target


def service_area_get(*, pk: Any) -> ServiceArea:
    area = ServiceArea.objects.filter(pk=_as_id(pk, "service area")).first()
    if area is None:
        raise NotFound(f"There is no service area with the id '{pk}'.")
    return area


def sub_area_list(*, include_archived: bool = False) -> QuerySet[SubArea]:
    """The organisation's sub-areas by kind and name (archived ones too when asked)."""
    qs = SubArea.objects.all()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("kind", "name")


def sub_area_get(*, pk: Any) -> SubArea:
    area = SubArea.objects.filter(pk=_as_id(pk, "sub-area")).first()
    if area is None:
        raise NotFound(f"There is no sub-area with the id '{pk}'.")
    return area


def audit_list(
    *, indicator: Indicator | None = None, filters: Mapping[str, Any] | None = None
) -> QuerySet[AuditEntry]:
    """The audit trail, newest first: a PI's (its own changes and its values', targets' and
    commentary's) or the whole organisation's. Filters: `object_type`, `object_id`,
    `action`, `period`."""
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    qs = AuditEntry.objects.select_related("actor")
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    for name in ("object_type", "object_id", "action"):
        if name in filters:
            qs = qs.filter(**{name: str(filters[name])})
    if "period" in filters:
        qs = qs.filter(period_code=str(filters["period"]))
    return qs.order_by("-at", "-id")


class SubAreaCell(NamedTuple):
    value: IndicatorValue | None
    target: Decimal | None


class SubAreaTable(NamedTuple):
    """A PI's values by area or group over its latest periods with any: `periods` oldest
    first, and per sub-area (kind and name order) one cell per period."""

    periods: list[Period]
    rows: list[tuple[SubArea, list[SubAreaCell]]]


def indicator_sub_area_table(*, indicator: Indicator, count: int = 4) -> SubAreaTable:
    """The PI's sub-areas' values and targets over its latest `count` periods with a
    sub-area value (a sub-area without a target of its own shows the PI's overall one, which
    is what its values are rated against). Three queries whatever the number of sub-areas."""
    chosen = list(indicator.sub_areas.all())
    codes = list(
        IndicatorValue.objects.filter(indicator=indicator, sub_area__isnull=False)
        .values_list("period_code", "period_start")
        .distinct()
        .order_by("-period_start")[:count]
    )
    periods = sorted((parse_period(code) for code, _ in codes), key=lambda p: p.start)
    wanted = [p.code for p in periods]
    values = {
        (row.sub_area_id, row.period_code): row
        for row in IndicatorValue.objects.filter(
            indicator=indicator, sub_area__isnull=False, period_code__in=wanted
        ).select_related("sub_area")
    }
    targets = {
        (row.sub_area_id, row.period_code): row.value
        for row in Target.objects.filter(indicator=indicator, period_code__in=wanted)
    }
    areas = {area.pk: area for area in chosen}
    for row in values.values():
        areas.setdefault(row.sub_area_id, row.sub_area)
    ordered = sorted(areas.values(), key=lambda a: (a.kind, a.name.casefold()))
    return SubAreaTable(
        periods=periods,
        rows=[
            (
                area,
                [
                    SubAreaCell(
                        values.get((area.pk, code)),
                        targets.get((area.pk, code), targets.get((None, code))),
                    )
                    for code in wanted
                ],
            )
            for area in ordered
        ],
    )
