"""What the performance report reads, in written-out SQL.

Six statements whatever the number of PIs (eight with the sub-areas' rows): the
organisation's settings (through the ORM, the model's own `load`), the service areas, the
chosen PIs, their overall values of just the periods the report compares, their targets for
the current reading (and its year), and the newest commentary per PI with its author's name.
Each returns only the columns the report, the page and the API use.

Written out rather than built by the ORM because the report is the page a large council
opens most (600 PIs): building and compiling the ORM's querysets, and turning rows into
model instances, took a quarter of the page's time (bench/report.py). The statements name
tables without a schema, so they read the current organisation's schema through the search
path django-tenants sets, exactly as the ORM's would; every value is passed as a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from goldenthread.platform.core.periods import PeriodType

from ..models.indicators import period_type_of


class ReportServiceArea(NamedTuple):
    """A service area as the report shows it: its name (rows are grouped and ordered by it)."""

    id: int
    name: str

    @property
    def pk(self) -> int:
        return self.id

    def __str__(self) -> str:
        return self.name


class ReportIndicator(NamedTuple):
    """What the report, and the pages and API that show it, read of a PI: its periods and
    roll-up, its status rules, its due date, and what is printed. Definitions, notes,
    timestamps and catalogue links stay in the database.

    A tuple rather than an `Indicator`: 600 model instances took longer to build than the
    query took to fetch them. It answers the attributes the status rules and due dates read
    of a PI (`assess_indicator`, `due_date_for`) under the model's names."""

    id: int
    code: str
    title: str
    unit_kind: str
    polarity: str
    frequency: str
    year_basis: str
    decimal_places: int
    is_calculated: bool
    factor: Decimal
    rollup_rule: str
    year_to_date: bool
    falls_back_to_annual_target: bool
    band_lower: Decimal | None
    band_upper: Decimal | None
    tolerance_kind: str | None
    tolerance_amount: Decimal | None
    due_day_of_following_month: int | None
    due_lag_months: int | None
    service_area: ReportServiceArea | None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def period_type(self) -> PeriodType:
        return period_type_of(self.frequency, self.year_basis)


class StoredValue(NamedTuple):
    """What the report reads of a stored value row (the overall value of one PI and period).

    A tuple rather than an `IndicatorValue`, for the same reason as `ReportIndicator`."""

    indicator_id: int
    period_code: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    state: str
    workflow_status: str
    status: str
    status_target: Decimal | None
    status_warning_threshold: Decimal | None
    status_tolerance_kind: str
    status_tolerance_amount: Decimal | None


class ReportSubArea(NamedTuple):
    """A ward, locality or group a PI has values for."""

    id: int
    kind: str
    name: str


class ReportCommentary(NamedTuple):
    """The newest commentary on a PI's period: its words, when, and who wrote it (the name as
    the account prints it, `User.__str__`: full name, else e-mail; None if the account is
    gone)."""

    text: str
    created_at: datetime
    author: str | None


def service_areas() -> list[ReportServiceArea]:
    """The organisation's service areas, in name order (a dozen or so)."""
    with connection.cursor() as cursor:
        cursor.execute(SERVICE_AREAS_SQL)
        return [ReportServiceArea(pk, name) for pk, name in cursor.fetchall()]


# Which PIs a report is of: active ones unless retired ones are asked for, optionally of one
# service area or just some PIs. Used as is, and as the subquery that picks their values,
# targets and commentary (rather than hundreds of ids as parameters).
def _chosen(
    *, include_retired: bool, service_area_id: int | None, indicator_ids: list[int] | None
) -> tuple[str, list]:
    conditions, params = [], []
    if not include_retired:
        conditions.append("i.is_active")
    if service_area_id is not None:
        conditions.append("i.service_area_id = %s")
        params.append(service_area_id)
    if indicator_ids is not None:
        conditions.append("i.id = ANY(%s)")
        params.append(list(indicator_ids))
    return " AND ".join(conditions) or "TRUE", params


SERVICE_AREAS_SQL = "SELECT id, name FROM indicators_servicearea ORDER BY name"
# In `ReportIndicator`'s order; the service area by its id.
INDICATORS_SQL = """
    SELECT i.id, i.code, i.title, i.unit_kind, i.polarity, i.frequency, i.year_basis,
           i.decimal_places, i.is_calculated, i.factor, i.rollup_rule, i.year_to_date,
           i.falls_back_to_annual_target,
           i.band_lower, i.band_upper, i.tolerance_kind, i.tolerance_amount,
           i.due_day_of_following_month, i.due_lag_months, i.service_area_id
    FROM indicators_indicator i WHERE {chosen} ORDER BY i.code
"""
# In `StoredValue`'s order: the overall value (no sub-area) of the given periods.
VALUES_SQL = """
    SELECT v.indicator_id, v.period_code, v.value, v.numerator, v.denominator, v.state,
           v.workflow_status, v.status, v.status_target, v.status_warning_threshold,
           v.status_tolerance_kind, v.status_tolerance_amount
    FROM indicators_indicatorvalue v
    WHERE v.indicator_id IN (SELECT i.id FROM indicators_indicator i WHERE {chosen})
      AND v.sub_area_id IS NULL AND v.period_code IN ({codes})
"""
# The same, of the PIs' sub-areas (with each sub-area's kind and name, to order and show).
SUB_AREA_VALUES_SQL = """
    SELECT v.indicator_id, v.period_code, v.value, v.numerator, v.denominator, v.state,
           v.workflow_status, v.status, v.status_target, v.status_warning_threshold,
           v.status_tolerance_kind, v.status_tolerance_amount, s.id, s.kind, s.name
    FROM indicators_indicatorvalue v JOIN indicators_subarea s ON s.id = v.sub_area_id
    WHERE v.indicator_id IN (SELECT i.id FROM indicators_indicator i WHERE {chosen})
      AND v.period_code IN ({codes})
"""
SUB_AREA_TARGETS_SQL = """
    SELECT t.indicator_id, t.period_code, t.value, t.sub_area_id
    FROM indicators_target t
    WHERE t.indicator_id IN (SELECT i.id FROM indicators_indicator i WHERE {chosen})
      AND t.sub_area_id IS NOT NULL AND t.period_code IN ({codes})
"""
TARGETS_SQL = """
    SELECT t.indicator_id, t.period_code, t.value
    FROM indicators_target t
    WHERE t.indicator_id IN (SELECT i.id FROM indicators_indicator i WHERE {chosen})
      AND t.sub_area_id IS NULL AND t.period_code IN ({codes})
"""
# The newest per PI and period (DISTINCT ON keeps the first of each in this order).
COMMENTARY_SQL = """
    SELECT DISTINCT ON (c.indicator_id, c.period_code)
           c.indicator_id, c.period_code, c.text, c.created_at, u.full_name, u.email
    FROM indicators_commentary c LEFT JOIN accounts_user u ON u.id = c.author_id
    WHERE c.indicator_id IN (SELECT i.id FROM indicators_indicator i WHERE {chosen})
      AND c.period_code IN ({codes})
    ORDER BY c.indicator_id, c.period_code, c.created_at DESC, c.id DESC
"""


@dataclass
class ReportReader:
    """Reads the report's rows for one choice of PIs (see `_chosen`), on the current
    connection and schema."""

    include_retired: bool = False
    service_area_id: int | None = None
    indicator_ids: list[int] | None = None

    def __post_init__(self) -> None:
        self._chosen, self._params = _chosen(
            include_retired=self.include_retired,
            service_area_id=self.service_area_id,
            indicator_ids=self.indicator_ids,
        )

    def _rows(self, sql: str, codes: set[str] = frozenset()) -> list[tuple]:
        # The periods as a list of parameters rather than one array: for one period (the
        # quarter's targets and commentary) PostgreSQL then plans a plain equality.
        if "{codes}" in sql and not codes:
            return []  # no periods asked for: nothing to read (and `IN ()` is not SQL)
        placeholders = ", ".join(["%s"] * len(codes))
        with connection.cursor() as cursor:
            cursor.execute(
                sql.format(chosen=self._chosen, codes=placeholders),
                [*self._params, *sorted(codes)],
            )
            return cursor.fetchall()

    def indicators(self, service_areas: list[ReportServiceArea]) -> list[ReportIndicator]:
        """The chosen PIs in code order, each with its service area (one of these)."""
        areas = {area.id: area for area in service_areas}
        return [
            ReportIndicator(*row[:-1], areas.get(row[-1])) for row in self._rows(INDICATORS_SQL)
        ]

    def values(self, codes: set[str]) -> dict[str, dict[int, StoredValue]]:
        """The PIs' overall values of these periods, by period code, then PI. (Ids as keys
        rather than (PI, period) tuples, which a report would hold thousands of.)"""
        found: dict[str, dict[int, StoredValue]] = {code: {} for code in codes}
        for row in self._rows(VALUES_SQL, codes):
            found[row[1]][row[0]] = StoredValue._make(row)
        return found

    def targets(self, codes: set[str]) -> dict[str, dict[int, Decimal]]:
        """The PIs' overall targets of these periods, by period code, then PI."""
        found: dict[str, dict[int, Decimal]] = {code: {} for code in codes}
        for indicator_id, code, value in self._rows(TARGETS_SQL, codes):
            found[code][indicator_id] = value
        return found

    def sub_area_values(
        self, codes: set[str]
    ) -> tuple[dict[str, dict[tuple[int, int], StoredValue]], dict[int, list[ReportSubArea]]]:
        """The PIs' sub-areas' values of these periods, by period code, then (PI, sub-area);
        and each PI's sub-areas that have any, in kind and name order."""
        found: dict[str, dict[tuple[int, int], StoredValue]] = {code: {} for code in codes}
        areas: dict[int, dict[int, ReportSubArea]] = {}
        for row in self._rows(SUB_AREA_VALUES_SQL, codes):
            *stored, area_id, kind, name = row
            found[row[1]][(row[0], area_id)] = StoredValue._make(stored)
            areas.setdefault(row[0], {})[area_id] = ReportSubArea(area_id, kind, name)
        ordered = {
            pk: sorted(by_id.values(), key=lambda a: (a.kind, a.name.casefold()))
            for pk, by_id in areas.items()
        }
        return found, ordered

    def sub_area_targets(self, codes: set[str]) -> dict[str, dict[tuple[int, int], Decimal]]:
        """The PIs' sub-areas' own targets of these periods, by period code, then (PI,
        sub-area)."""
        found: dict[str, dict[tuple[int, int], Decimal]] = {code: {} for code in codes}
        for indicator_id, code, value, area_id in self._rows(SUB_AREA_TARGETS_SQL, codes):
            found[code][(indicator_id, area_id)] = value
        return found

    def commentary(self, codes: set[str]) -> dict[str, dict[int, ReportCommentary]]:
        """The newest commentary on each PI for these periods, by period code, then PI."""
        found: dict[str, dict[int, ReportCommentary]] = {code: {} for code in codes}
        for indicator_id, code, text, created_at, full_name, email in self._rows(
            COMMENTARY_SQL, codes
        ):
            found[code][indicator_id] = ReportCommentary(
                text, created_at, full_name or email or None
            )
        return found
