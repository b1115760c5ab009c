"""A comparison read from the ranking table: ONE statement returns the shown periods'
summaries, the reader's own entries, the page of entries asked for, the page of time series,
a comparator group's figures, and whose values were shown (for the read log). It reads rows by
index: the periods of the club indicator, the reader's own entries, the entries whose place is
on the page, the series page's members; only a comparator group (computed here, from the
group's members' entries) and the list of owners read grow with the club, and both stay in
the database.

It gives exactly what the pure reference (`domain.alignment.align` +
`domain.comparison.build_comparison`, then `windowed`) gives when members publish values for
the comparison's own periods; `tests/shared_indicators/benchmarking/test_rankings.py` checks that on
randomised clubs after random publications, withdrawals and consent changes. When a
consented value overlapping the asked periods is for another period (months for a quarterly
comparison, years, periods that do not line up), the statement says so (`misaligned`) and the
caller takes the pure path, which rolls up or excludes with a reason.

Security-relevant, the same rules as `domain.comparison`:
- The table holds only values granted under the current members' active consents (see
  `refresh`).
- The minimum count is applied in the statement: for a period with fewer members with values
  no row at all is returned, not even its count. (The embargo is checked before it is run.)
- In an anonymised club a name leaves the database only for the reader's own organisation;
  the others' labels come from their position in the member order, which is the keyed digest
  order of `domain.anonymity`, so the labels are the reference's labels.
- A comparator group of an anonymised club gives only its figures and the reader's place, and
  only when the rest of the club also has the minimum.
- Member ids come back for `is_you` and the read log only; they are never put in a result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from goldenthread.platform.core.periods import Period

from ...domain.anonymity import letters
from ...domain.comparison import (
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
from ...domain.groups import Group
from ...domain.ranking import Summary, side_of_median
from . import sql

CLUB, GROUP = 0, 1
# Stands in for "no limit" in the statement's page bounds.
ALL = 2**62

STATEMENT = """
WITH asked AS (
    SELECT a.ordinal::int AS ordinal, a.type, a.start_date, a.end_date
    FROM unnest(%(types)s::text[], %(starts)s::date[], %(ends)s::date[])
         WITH ORDINALITY AS a(type, start_date, end_date, ordinal)
),
periods AS MATERIALIZED (
    SELECT p.id, a.ordinal, p.published, p.count AS n, p.median, p.mean, p.minimum,
           p.maximum, p.period_start, p.period_end, p.member_ids, p.consent_ids
    FROM benchmarking_rankingperiod p
    LEFT JOIN asked a
      ON a.type = p.period_type AND a.start_date = p.period_start AND a.end_date = p.period_end
    WHERE p.club_indicator_id = %(club_indicator)s
      AND p.period_start <= %(last_day)s AND p.period_end >= %(first_day)s
),
shown AS MATERIALIZED (
    SELECT * FROM periods WHERE ordinal IS NOT NULL AND n > 0 AND n >= %(minimum)s
),
mine AS MATERIALIZED (
    SELECT s.ordinal, e.organisation_id, e.place, e.position, e.value, e.rank, e.quartile,
           e.distance
    FROM shown s
    JOIN benchmarking_rankingentry e
      ON e.ranking_period_id = s.id AND e.organisation_id = %(viewer)s
),
page AS (
    SELECT s.ordinal, e.organisation_id, e.place, e.position, e.value, e.rank, e.quartile,
           e.distance
    FROM shown s
    JOIN benchmarking_rankingentry e
      ON e.ranking_period_id = s.id
     AND e.place > %(entries_from)s AND e.place <= %(entries_to)s
    WHERE e.organisation_id <> %(viewer)s
)
{series_cte}
{group_cte}
SELECT 'summary' AS kind, {club} AS scope, ordinal, NULL::bigint AS member_id,
       NULL::bigint AS place, NULL::bigint AS position, NULL::text AS name,
       NULL::numeric AS value,
       NULL::bigint AS rank, NULL::bigint AS quartile, NULL::numeric AS distance,
       n, median, mean, minimum, maximum,
       NULL::bigint[] AS owners, NULL::bigint[] AS consents, NULL::bigint[] AS masks
FROM shown
UNION ALL
SELECT 'entry', {club}, ordinal, organisation_id, place, position, {name}, value, rank,
       quartile, distance, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM (SELECT * FROM mine UNION ALL SELECT * FROM page) entries
{series_select}
{group_select}
UNION ALL
-- Who was read: the members of each shown period, once per distinct list (usually one list
-- for every period), with the periods (bit i: the (i + 1)th asked) it stands for.
SELECT 'reads', {club}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, member_ids, consent_ids, ARRAY[bit_or(1::bigint << (ordinal - 1))]
FROM shown
GROUP BY member_ids, consent_ids
UNION ALL
SELECT 'misaligned', {club}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL
WHERE EXISTS (
    SELECT 1 FROM periods p JOIN asked a
      ON p.period_start <= a.end_date AND p.period_end >= a.start_date
    WHERE p.ordinal IS NULL AND p.published > 0
)
"""

# The reader first when it has a value in a shown period, then the others by member order:
# the page of others is read by the member order's index and stops when it is full.
SERIES_CTE = """,
you AS (
    SELECT (EXISTS (SELECT 1 FROM mine))::int AS present
),
series_members AS MATERIALIZED (
    SELECT %(viewer)s::bigint AS organisation_id
    FROM you WHERE present = 1 AND %(series_from)s = 0 AND %(series_to)s > 0
    UNION ALL
    SELECT organisation_id FROM (
        SELECT rm.organisation_id
        FROM benchmarking_rankingmember rm
        WHERE rm.club_indicator_id = %(club_indicator)s
          AND rm.organisation_id <> %(viewer)s
          AND EXISTS (
              SELECT 1 FROM shown s
              JOIN benchmarking_rankingentry e
                ON e.ranking_period_id = s.id AND e.organisation_id = rm.organisation_id)
        ORDER BY rm.position
        OFFSET (SELECT greatest(%(series_from)s - present, 0) FROM you)
        LIMIT (SELECT greatest(%(series_to)s - greatest(%(series_from)s, present), 0) FROM you)
    ) others
)"""

SERIES_SELECT = """UNION ALL
SELECT 'series', {club}, s.ordinal, e.organisation_id, NULL, e.position, {name}, e.value,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM series_members sm
JOIN shown s ON true
JOIN benchmarking_rankingentry e
  ON e.ranking_period_id = s.id AND e.organisation_id = sm.organisation_id"""

# A comparator group is ranked here, from its members' entries (values already at the
# indicator's places): O(group members x periods), and only when a group is asked for.
GROUP_CTE = """,
group_scoped AS MATERIALIZED (
    SELECT s.ordinal, e.organisation_id, e.value, e.position
    FROM shown s
    JOIN benchmarking_rankingentry e ON e.ranking_period_id = s.id
    WHERE e.organisation_id = ANY(%(group_ids)s::bigint[])
),
group_ranked AS MATERIALIZED (
    SELECT g.*, count(*) OVER same_period AS n, {rank} AS rank,
           row_number() OVER (same_period ORDER BY g.value {direction}, g.position) AS place
    FROM group_scoped g
    WINDOW same_period AS (PARTITION BY g.ordinal)
),
group_summaries AS MATERIALIZED (
    SELECT ordinal, {summary}
    FROM group_ranked
    GROUP BY ordinal
),
group_shown AS MATERIALIZED (
    -- The minimum, and in an anonymised club the same minimum for the rest of the club.
    SELECT g.*
    FROM group_summaries g JOIN shown whole ON whole.ordinal = g.ordinal
    WHERE g.n >= %(minimum)s
      AND (NOT %(anonymised)s OR whole.n = g.n OR whole.n - g.n >= %(minimum)s)
)"""

GROUP_SELECT = """UNION ALL
SELECT 'summary', {group}, ordinal, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, n, median,
       mean, minimum, maximum, NULL, NULL, NULL
FROM group_shown
UNION ALL
SELECT 'entry', {group}, r.ordinal, r.organisation_id, r.place, r.position,
       {group_name}, r.value, r.rank, {quartile}, r.value - g.median, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL
FROM group_ranked r JOIN group_shown g ON g.ordinal = r.ordinal
WHERE r.organisation_id = %(viewer)s
   OR (%(group_lists)s AND r.place > %(group_from)s AND r.place <= %(group_to)s)"""


class Row(NamedTuple):
    """One row of the statement (a tuple: a page of 50 over 8 periods is 400 of them)."""

    kind: str
    scope: int
    ordinal: int | None
    member_id: int | None
    place: int | None
    position: int | None
    name: str | None
    value: Decimal | None
    rank: int | None
    quartile: int | None
    distance: Decimal | None
    n: int | None
    median: Decimal | None
    mean: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    owners: list[int] | None
    consents: list[int] | None
    masks: list[int] | None


# Names leave the database only in a named club; in an anonymised one the reader's own name
# is the only one it sees, and the caller has it.
_NAME = "(SELECT o.name FROM tenants_organisation o WHERE o.id = {member})"
_NO_NAME = "NULL::text"


def statement(*, polarity: str, anonymised: bool, group: bool, series: bool) -> str:
    """The statement for this labelling, with the group's and the series' parts only when
    they are asked for (only whitelisted SQL is formatted in)."""
    scopes = {"club": CLUB, "group": GROUP}

    def name(member: str) -> str:
        return _NO_NAME if anonymised else _NAME.format(member=member)

    return STATEMENT.format(
        name=name("organisation_id"),
        series_cte=SERIES_CTE if series else "",
        series_select=SERIES_SELECT.format(name=name("e.organisation_id"), **scopes)
        if series
        else "",
        group_cte=GROUP_CTE.format(
            rank=sql.rank("g.value", polarity),
            direction=sql.listing_order(polarity),
            summary=sql.SUMMARY_COLUMNS,
        )
        if group
        else "",
        group_select=GROUP_SELECT.format(
            group_name=name("r.organisation_id"), quartile=sql.quartile("r.rank", "r.n"), **scopes
        )
        if group
        else "",
        **scopes,
    )


@dataclass(frozen=True)
class Scope:
    """What the statement is asked about besides the club's own rows and rules."""

    viewer_id: int
    viewer_name: str
    periods: Sequence[Period]
    entries: Window
    group_entries: Window
    series: Window
    group: Group | None = None


def _owners_read(lists: list[tuple[list, list, int]], viewer_id: int) -> OwnersRead:
    """Merge the statement's lists of members read per set of periods, without the reader."""
    if len(lists) == 1:
        members, consents, mask = lists[0]
        if viewer_id in members:
            at = members.index(viewer_id)
            members, consents = members[:at] + members[at + 1 :], consents[:at] + consents[at + 1 :]
        return OwnersRead(tuple(members), tuple(consents), (mask,) * len(members))
    merged: dict[int, list[int]] = {}
    for members, consents, mask in lists:
        for member, consent in zip(members, consents, strict=True):
            if member != viewer_id:
                merged.setdefault(member, [consent, 0])[1] |= mask
    owners = sorted(merged)
    return OwnersRead(
        tuple(owners),
        tuple(merged[owner][0] for owner in owners),
        tuple(merged[owner][1] for owner in owners),
    )


@dataclass(frozen=True)
class OwnersRead:
    """Whose values the reader was shown (not its own), for the read log; internal. Parallel
    tuples, by owner id: each owner's consent, and the periods read of it as a bit mask over
    the comparison's periods (bit i: the (i + 1)th)."""

    owner_ids: tuple[int, ...] = ()
    consent_ids: tuple[int, ...] = ()
    masks: tuple[int, ...] = ()


@dataclass(frozen=True)
class TableComparison:
    comparison: Comparison
    reads: OwnersRead


def _bounds(window: Window) -> tuple[int, int]:
    end = ALL if window.limit is None else window.offset + window.limit
    return window.offset, end


def run(*, club, club_indicator, scope: Scope) -> TableComparison | None:
    """Run the statement; None when the pure path must be used (see the module docstring)."""
    indicator = club_indicator.catalogue_indicator
    periods = list(scope.periods)
    parameters = {
        "types": [p.type.value for p in periods],
        "starts": [p.start for p in periods],
        "ends": [p.end for p in periods],
        "first_day": min(p.start for p in periods),
        "last_day": max(p.end for p in periods),
        "club_indicator": club_indicator.id,
        "viewer": scope.viewer_id,
        "anonymised": club.anonymised,
        "minimum": club.minimum_members_with_data,
        "places": indicator.decimal_places,
        "group_ids": sorted(scope.group.member_ids) if scope.group else [],
        "group_lists": not club.anonymised,
    }
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
    return _assemble(rows, club=club, polarity=indicator.polarity, scope=scope)


def _label(row: Row, *, anonymised: bool, scope: Scope) -> str:
    if row.member_id == scope.viewer_id:
        return scope.viewer_name
    if not anonymised:
        if row.name is None:  # a named club's member without its name: a bug
            raise AssertionError("a named club's member came back without its name")
        return row.name
    return f"Authority {letters(row.position - 1)}"


def _assemble(rows, *, club, polarity: str, scope: Scope) -> TableComparison | None:
    summaries: dict[tuple[int, int], Summary] = {}
    entries: dict[tuple[int, int], list[tuple[int, Entry]]] = defaultdict(list)
    yours: dict[tuple[int, int], Entry] = {}
    series: dict[int, tuple[int, str, dict[int, Decimal]]] = {}
    read_lists = []
    anonymised = club.anonymised
    pages = {CLUB: _bounds(scope.entries), GROUP: _bounds(scope.group_entries)}
    for values in rows:
        row = Row._make(values)
        kind = row.kind
        if kind == "entry":
            key = (row.scope, row.ordinal)
            is_you = row.member_id == scope.viewer_id
            entry = Entry(
                _label(row, anonymised=anonymised, scope=scope),
                is_you,
                row.value,
                row.rank,
                row.quartile,
                row.distance,
                side_of_median(row.distance, polarity=polarity),
                "",
            )
            if is_you:
                yours[key] = entry
            first, last = pages[row.scope]
            if first < row.place <= last and (row.scope == CLUB or not anonymised):
                entries[key].append((row.place, entry))
        elif kind == "summary":
            summaries[(row.scope, row.ordinal)] = Summary(
                count=row.n,
                median=row.median,
                mean=row.mean,
                minimum=row.minimum,
                maximum=row.maximum,
            )
        elif kind == "series":
            member = row.member_id
            order = 0 if member == scope.viewer_id else row.position
            label = _label(row, anonymised=anonymised, scope=scope)
            _, _, points = series.setdefault(member, (order, label, {}))
            points[row.ordinal] = row.value
        elif kind == "reads":
            read_lists.append((row.owners, row.consents, row.masks[0]))
        elif kind == "misaligned":
            return None

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
    reads = _owners_read(read_lists, scope.viewer_id) if read_lists else OwnersRead()
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
        owner_ids_read=frozenset(reads.owner_ids),
        series_offset=scope.series.offset,
    )
    return TableComparison(comparison, reads)
