"""A comparison computed in PostgreSQL: ONE statement returns the shown periods' summaries, the
page of entries asked for, the reader's own place, a page of time series and, per owner, what
the reader was shown (for the read log). What reaches Python does not grow with the club.

It gives exactly what the pure reference (`domain.alignment.align` +
`domain.comparison.build_comparison`, then `windowed`) gives, for the common case in which
members publish values for the comparison's own periods; `tests/benchmarking/
test_comparison_sql.py` checks that on randomised clubs. When any consented value overlapping
the asked periods is for another period (months for a quarterly comparison, years, periods
that do not line up), the statement says so (`misaligned`) and returns nothing else, and the
caller uses the pure path, which rolls up or excludes with a reason.

Security-relevant, the same rules as `domain.comparison`:
- Values are read only under the current members' active consents for this club indicator,
  and only through a grant under the owner's own consent (the rule `publication.selectors.
  visible_values` applies; the grant test is repeated here so that one statement can do all).
- The minimum count is applied in the statement: for a period with fewer members with values
  no row at all is returned, not even its count. (The embargo is checked before the statement
  is run.)
- In an anonymised club a name leaves the database only for the reader's own organisation;
  the others' order is the row number over the keyed digest of `domain.anonymity`, computed
  by the database with the HMAC pads as parameters, so the labels are the reference's labels.
- Member ids come back for `is_you` and the read log only; they are never put in a result.

Ranks are competition ranks (`RANK()`, polarity-aware), quartiles floor(4 (rank - 1) / n) + 1,
the median the middle value or the mean of the two middle values, computed on the numeric
values themselves (`percentile_cont` works in double precision, which would not give the
exact decimal the reference gives); median and mean rounded half up to one more decimal place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from goldenthread.platform.core.periods import Period

from .domain.anonymity import digest_prefix, hmac_pads, letters
from .domain.comparison import (
    BELOW_MINIMUM,
    GROUP_BELOW_MINIMUM,
    Comparison,
    Entry,
    GroupResult,
    MemberSeries,
    PeriodResult,
    SeriesPoint,
    Window,
)
from .domain.groups import Group
from .domain.ranking import HIGHER, LOWER, Summary, side_of_median

CLUB, GROUP = 0, 1
# Stands in for "no limit" in the statement's page bounds.
ALL = 2**62


@dataclass(frozen=True)
class OwnerRead:
    """What one other member's values the reader was shown: under which consent, which
    periods (codes). Internal: for the read log only."""

    owner_id: int
    consent_id: int
    period_codes: tuple[str, ...]


@dataclass(frozen=True)
class SqlComparison:
    comparison: Comparison
    reads: tuple[OwnerRead, ...]


_ANONYMOUS_ORDER = (
    "sha256(%(outer_pad)s || sha256(%(inner_message)s || "
    "convert_to(m.organisation_id::text, 'UTF8'))), m.organisation_id"
)
# Python orders names by (casefold, name); PostgreSQL's lower() then byte order ("C") is the
# same for every name without characters whose case folding differs from lower-casing (ß).
_NAMED_ORDER = 'lower(o.name) COLLATE "C", o.name COLLATE "C", m.organisation_id'
_RANK = {
    HIGHER: "rank() OVER (PARTITION BY s.scope, s.ordinal ORDER BY s.value DESC)",
    LOWER: "rank() OVER (PARTITION BY s.scope, s.ordinal ORDER BY s.value ASC)",
}
# Entries are listed by rank then member order; without polarity, by value (highest first).
_PLACE_DIRECTION = {HIGHER: "DESC", LOWER: "ASC"}

STATEMENT = """
WITH asked AS (
    SELECT a.ordinal::int AS ordinal, a.type, a.start_date, a.end_date
    FROM unnest(%(types)s::text[], %(starts)s::date[], %(ends)s::date[])
         WITH ORDINALITY AS a(type, start_date, end_date, ordinal)
),
members AS (
    SELECT m.organisation_id AS member_id,
           c.id AS consent_id,
           CASE WHEN NOT %(anonymised)s OR m.organisation_id = %(viewer)s THEN o.name END AS name,
           row_number() OVER (ORDER BY {member_order}) AS position
    FROM benchmarking_clubmembership m
    JOIN tenants_organisation o ON o.id = m.organisation_id
    LEFT JOIN benchmarking_clubconsent c
      ON c.membership_id = m.id
     AND c.club_indicator_id = %(club_indicator)s
     AND c.withdrawn_at IS NULL
    WHERE m.club_id = %(club)s AND m.left_at IS NULL
),
store AS MATERIALIZED (
    SELECT v.organisation_id AS member_id, v.period_code, v.period_type, v.period_start,
           v.period_end,
           CASE WHEN v.value_state = 'entered' THEN round(v.value, %(places)s) END AS value,
           mm.position, mm.name, mm.consent_id
    FROM publication_publishedvalue v
    JOIN members mm ON mm.member_id = v.organisation_id
    WHERE v.is_current
      AND v.indicator_code = %(indicator_code)s
      AND v.sub_area_kind = ''
      AND v.period_start <= %(last_day)s AND v.period_end >= %(first_day)s
      AND mm.consent_id IS NOT NULL
      -- A scalar subquery (not EXISTS) so it stays a probe of the grant's unique index.
      AND (SELECT true FROM publication_publicationgrant g
           WHERE g.published_value_id = v.id
             AND g.basis_type = %(basis_type)s
             AND g.basis_id = mm.consent_id
           LIMIT 1)
),
matched AS MATERIALIZED (
    SELECT a.ordinal, s.*
    FROM store s
    LEFT JOIN asked a
      ON a.type = s.period_type AND a.start_date = s.period_start AND a.end_date = s.period_end
),
scoped AS (
    SELECT {club} AS scope, v.* FROM matched v WHERE v.ordinal IS NOT NULL AND v.value IS NOT NULL
    {group_scope}
),
ranked AS MATERIALIZED (
    SELECT s.scope, s.ordinal, s.member_id, s.value, s.period_code, s.position, s.name,
           s.consent_id,
           count(*) OVER (PARTITION BY s.scope, s.ordinal) AS n,
           {rank} AS rank,
           row_number() OVER (
               PARTITION BY s.scope, s.ordinal ORDER BY s.value {direction}, s.position
           ) AS place
    FROM scoped s
),
summaries AS MATERIALIZED (
    -- Any order by value has the same middle values, so `place` finds the median.
    SELECT scope, ordinal, count(*) AS n,
           round(avg(value) FILTER (WHERE place IN ((n + 1) / 2, (n + 2) / 2)),
                 %(places)s + 1) AS median,
           round(avg(value), %(places)s + 1) AS mean,
           min(value) AS minimum,
           max(value) AS maximum
    FROM ranked
    GROUP BY scope, ordinal
),
shown AS MATERIALIZED (
    -- The minimum, and for a group of an anonymised club the same minimum for the rest of
    -- the club, before anything about a period leaves the database.
    SELECT s.*
    FROM summaries s
    LEFT JOIN summaries whole ON whole.scope = {club} AND whole.ordinal = s.ordinal
    WHERE s.n >= %(minimum)s
      AND (s.scope = {club} OR NOT %(anonymised)s
           OR whole.n = s.n OR whole.n - s.n >= %(minimum)s)
),
placed AS MATERIALIZED (
    SELECT r.scope, r.ordinal, r.member_id, r.place, r.name, r.position, r.value, r.rank,
           CASE WHEN r.rank IS NOT NULL THEN 4 * (r.rank - 1) / r.n + 1 END AS quartile,
           r.value - s.median AS distance, r.consent_id, r.period_code
    FROM ranked r JOIN shown s ON s.scope = r.scope AND s.ordinal = r.ordinal
)
{series_cte}
SELECT 'summary' AS kind, scope, ordinal, NULL::bigint AS member_id, NULL::bigint AS place,
       NULL::text AS name, NULL::bigint AS position, NULL::numeric AS value,
       NULL::bigint AS rank, NULL::bigint AS quartile, NULL::numeric AS distance,
       n, median, mean, minimum, maximum, NULL::bigint AS consent_id, NULL::text[] AS codes
FROM shown
UNION ALL
SELECT 'entry', scope, ordinal, member_id, place, name, position, value, rank, quartile,
       distance, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM placed
WHERE member_id = %(viewer)s
   OR (scope = {club} AND place > %(entries_from)s AND place <= %(entries_to)s)
   OR (scope = {group} AND %(group_lists)s
       AND place > %(group_from)s AND place <= %(group_to)s)
{series_select}
UNION ALL
SELECT 'read', {club}, NULL, member_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, consent_id, array_agg(period_code::text ORDER BY ordinal)
FROM placed
WHERE scope = {club} AND member_id <> %(viewer)s
GROUP BY member_id, consent_id
UNION ALL
SELECT 'misaligned', {club}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL
WHERE EXISTS (
    SELECT 1 FROM matched m JOIN asked a
      ON m.period_start <= a.end_date AND m.period_end >= a.start_date
    WHERE m.ordinal IS NULL
)
"""

GROUP_SCOPE = """UNION ALL
    SELECT {group} AS scope, v.* FROM matched v
    WHERE v.ordinal IS NOT NULL AND v.value IS NOT NULL
      AND v.member_id = ANY(%(group_ids)s::bigint[])"""

SERIES_CTE = """, series_members AS MATERIALIZED (
    SELECT member_id,
           row_number() OVER (ORDER BY member_id <> %(viewer)s, min(position)) AS place
    FROM placed
    WHERE scope = {club}
    GROUP BY member_id
)"""

SERIES_SELECT = """UNION ALL
SELECT 'series', p.scope, p.ordinal, p.member_id, sm.place, p.name, p.position, p.value,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM placed p JOIN series_members sm ON sm.member_id = p.member_id
WHERE p.scope = {club} AND sm.place > %(series_from)s AND sm.place <= %(series_to)s"""

COLUMNS = [
    "kind",
    "scope",
    "ordinal",
    "member_id",
    "place",
    "name",
    "position",
    "value",
    "rank",
    "quartile",
    "distance",
    "n",
    "median",
    "mean",
    "minimum",
    "maximum",
    "consent_id",
    "codes",
]


def statement(*, polarity: str, anonymised: bool, group: bool, series: bool) -> str:
    """The statement for this polarity and labelling, with the group's and the series' parts
    only when they are asked for (only whitelisted SQL is formatted in)."""
    scopes = {"club": CLUB, "group": GROUP}
    return STATEMENT.format(
        member_order=_ANONYMOUS_ORDER if anonymised else _NAMED_ORDER,
        rank=_RANK.get(polarity, "NULL::bigint"),
        direction=_PLACE_DIRECTION.get(polarity, "DESC"),
        group_scope=GROUP_SCOPE.format(**scopes) if group else "",
        series_cte=SERIES_CTE.format(**scopes) if series else "",
        series_select=SERIES_SELECT.format(**scopes) if series else "",
        **scopes,
    )


def _bounds(window: Window) -> tuple[int, int]:
    end = ALL if window.limit is None else window.offset + window.limit
    return window.offset, end


@dataclass(frozen=True)
class Scope:
    """What the statement is asked about besides the club's own rows and rules."""

    viewer_id: int
    periods: Sequence[Period]
    entries: Window
    group_entries: Window
    series: Window
    group: Group | None = None


def run(*, club, club_indicator, basis_type: str, scope: Scope) -> SqlComparison | None:
    """Run the statement; None when the pure path must be used (see the module docstring)."""
    indicator = club_indicator.catalogue_indicator
    places = indicator.decimal_places
    periods = list(scope.periods)
    parameters = {
        "types": [p.type.value for p in periods],
        "starts": [p.start for p in periods],
        "ends": [p.end for p in periods],
        "first_day": min(p.start for p in periods),
        "last_day": max(p.end for p in periods),
        "club": club.id,
        "club_indicator": club_indicator.id,
        "indicator_code": indicator.code,
        "basis_type": basis_type,
        "viewer": scope.viewer_id,
        "anonymised": club.anonymised,
        "minimum": club.minimum_members_with_data,
        "places": places,
        "group_ids": sorted(scope.group.member_ids) if scope.group else [],
        "group_lists": not club.anonymised,
    }
    if club.anonymised:
        inner, outer = hmac_pads(club.label_salt)
        parameters["inner_message"] = inner + digest_prefix(indicator.code)
        parameters["outer_pad"] = outer
    for name, window in (
        ("entries", scope.entries),
        ("group", scope.group_entries),
        ("series", scope.series),
    ):
        parameters[f"{name}_from"], parameters[f"{name}_to"] = _bounds(window)
    sql = statement(
        polarity=indicator.polarity,
        anonymised=club.anonymised,
        group=scope.group is not None,
        series=scope.series.limit != 0,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    return _assemble(rows, club=club, indicator=indicator, scope=scope)


def _label(row: dict, *, anonymised: bool) -> str:
    if row["name"] is not None:
        return row["name"]
    if not anonymised:  # a named club returns every name; reaching here is a bug
        raise AssertionError("a named club's member came back without its name")
    return f"Authority {letters(row['position'] - 1)}"


def _assemble(rows, *, club, indicator, scope: Scope) -> SqlComparison | None:
    polarity = indicator.polarity
    summaries: dict[tuple[int, int], Summary] = {}
    entries: dict[tuple[int, int], list[tuple[int, Entry]]] = defaultdict(list)
    yours: dict[tuple[int, int], Entry] = {}
    series: dict[int, tuple[int, str, dict[int, Decimal]]] = {}
    reads: list[OwnerRead] = []
    for values in rows:
        row = dict(zip(COLUMNS, values, strict=True))
        kind, key = row["kind"], (row["scope"], row["ordinal"])
        if kind == "misaligned":
            return None
        if kind == "summary":
            summaries[key] = Summary(
                count=row["n"],
                median=row["median"],
                mean=row["mean"],
                minimum=row["minimum"],
                maximum=row["maximum"],
            )
        elif kind == "entry":
            is_you = row["member_id"] == scope.viewer_id
            entry = Entry(
                label=_label(row, anonymised=club.anonymised),
                is_you=is_you,
                value=row["value"],
                rank=row["rank"],
                quartile=row["quartile"],
                distance_from_median=row["distance"],
                side_of_median=side_of_median(row["distance"], polarity=polarity),
                derived_from="",
            )
            if is_you:
                yours[key] = entry
            window = scope.entries if row["scope"] == CLUB else scope.group_entries
            if _bounds(window)[0] < row["place"] <= _bounds(window)[1] and (
                row["scope"] == CLUB or not club.anonymised
            ):
                entries[key].append((row["place"], entry))
        elif kind == "series":
            label = _label(row, anonymised=club.anonymised)
            place, _, points = series.setdefault(row["member_id"], (row["place"], label, {}))
            points[row["ordinal"]] = row["value"]
        elif kind == "read":
            reads.append(OwnerRead(row["member_id"], row["consent_id"], tuple(row["codes"])))

    def period_results(scope_id: int, hidden_reason: str) -> tuple[PeriodResult, ...]:
        window = scope.entries if scope_id == CLUB else scope.group_entries
        results = []
        for ordinal, period in enumerate(scope.periods, start=1):
            key = (scope_id, ordinal)
            summary = summaries.get(key)
            if summary is None:
                results.append(
                    PeriodResult(period, False, hidden_reason, entries_offset=window.offset)
                )
                continue
            page = tuple(entry for _, entry in sorted(entries[key], key=lambda item: item[0]))
            results.append(
                PeriodResult(
                    period=period,
                    shown=True,
                    summary=summary,
                    entries=page,
                    you=yours.get(key),
                    entries_offset=window.offset,
                )
            )
        return tuple(results)

    periods = period_results(CLUB, BELOW_MINIMUM)
    shown = [(ordinal, r) for ordinal, r in enumerate(periods, start=1) if r.shown]
    member_series = tuple(
        MemberSeries(
            label=label,
            is_you=member_id == scope.viewer_id,
            points=tuple(
                SeriesPoint(result.period, points.get(ordinal), result.summary.median)
                for ordinal, result in shown
            ),
        )
        for member_id, (_, label, points) in sorted(series.items(), key=lambda item: item[1][0])
    )
    group = None
    if scope.group is not None:
        group = GroupResult(
            scope.group.key,
            scope.group.name,
            period_results(GROUP, GROUP_BELOW_MINIMUM),
            not club.anonymised,
        )
    comparison = Comparison(
        periods=periods,
        series=member_series,
        group=group,
        owner_ids_read=frozenset(read.owner_id for read in reads),
        series_offset=scope.series.offset,
    )
    return SqlComparison(comparison, tuple(sorted(reads, key=lambda read: read.owner_id)))
