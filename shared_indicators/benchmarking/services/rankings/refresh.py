"""Keeping the ranking table right, in the transaction of the change that makes it stale.

What changes what (the callers are named so that a new writer knows where to hook in):

- a value published, restated or withdrawn in the store: that period of each club indicator
  comparing the code in the clubs the organisation belongs to (`publication.services.
  publish_value`, through the store listener `store_changed`);
- consent given: the member's consent id only; nothing is granted under a new consent until
  the worker publishes, which refreshes the periods (`services.consent_give`);
- consent withdrawn: the member's consent id, then every period of that club indicator
  (`services.consent_withdraw`; leaving and removing an indicator refresh more, below);
- a member joins or leaves, or the club's anonymisation is switched: the member order (labels,
  hence every place), then every period of every club indicator of the club
  (`services.club_member_add`, `club_member_remove`, `club_update_rules`);
- a club indicator added: its members and periods (`services.club_indicator_add`); removed:
  its rows deleted (`services.club_indicator_remove`);
- a catalogue indicator's polarity or decimal places changed: every period of every club
  indicator comparing it (`shared_indicators.services`, the catalogue import).

The minimum count and the embargo are not in the table: they are applied when a comparison is
read. An organisation's name orders the members of a named club; nothing renames an
organisation today, and whatever does must call `refresh_clubs_of`.

Each refresh is one set-based statement per club indicator (O(members) for one period,
O(members x periods) for all), after an advisory lock on the club indicator: two transactions
refreshing the same club indicator take turns, and the second one's statement starts after the
first has committed, so it sees the first one's store rows as well as its own (READ COMMITTED
takes a snapshot per statement). The worker publishes each value in a transaction of its own,
so it holds one only briefly.

The lock order (one order, in every transaction that touches rankings; #16):
  1. the ranking advisory locks, in club indicator id order (`lock_club_indicators`): all of
     the club's before its row is locked (`services._lock`: consent given, labelling
     switched), only the affected ones otherwise;
  2. the club's row, if any, FOR NO KEY UPDATE (a refresh's foreign-key checks pass it);
  3. the store's key lock and rows (`publication.services.publish_value`), the consent rows.
So whoever waits for a ranking lock holds nothing the holder of that lock could want.
A refresh statement's foreign-key checks lock consent and member rows too, so taking the
ranking locks last (as this module once said) was not enough: a withdrawal holding a consent
row waited for the ranking lock while a publication holding the ranking lock waited for that
consent row, and PostgreSQL aborted one of them ("deadlock detected"). So publication takes
its ranking locks before anything else (`lock_for_store_change`, a store lock taker), and the
consent services take theirs before they lock a consent. Advisory transaction locks are
re-entrant, so the refresh that takes them again later does not wait for itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection

from ...domain.anonymity import digest_prefix, hmac_pads
from ...selectors.bases import BASIS_TYPE
from ...selectors.rankings import sql

LOCK_PREFIX = "benchmarking.ranking:"

_LOCK = """
SELECT pg_advisory_xact_lock(hashtextextended(%(prefix)s || ids.id::text, 0))
FROM (SELECT DISTINCT id FROM unnest(%(ids)s::bigint[]) AS id ORDER BY id) ids
"""

# The member order: in an anonymised club the keyed digest of `domain.anonymity` (HMAC-SHA256
# computed with the club's pads, which are sent as parameters and never stored), in a named
# club the order of names as Python sorts them (casefold, then the name), then the id.
_ANONYMOUS_ORDER = (
    "sha256(%(outer_pad)s || sha256(%(inner_message)s || "
    "convert_to(m.organisation_id::text, 'UTF8'))), m.organisation_id"
)
# PostgreSQL's lower() then byte order ("C") is Python's casefold order for every name without
# characters whose case folding differs from lower-casing (ß).
_NAMED_ORDER = 'lower(o.name) COLLATE "C", o.name COLLATE "C", m.organisation_id'

# Two statements: one statement's DELETE and INSERT would both check the unique positions.
_FORGET_MEMBERS = "DELETE FROM benchmarking_rankingmember WHERE club_indicator_id = %s"
_MEMBERS = """
INSERT INTO benchmarking_rankingmember (club_indicator_id, organisation_id, position, consent_id)
SELECT %(club_indicator)s, m.organisation_id, row_number() OVER (ORDER BY {order}), c.id
FROM benchmarking_clubmembership m
JOIN tenants_organisation o ON o.id = m.organisation_id
LEFT JOIN benchmarking_clubconsent c
  ON c.membership_id = m.id
 AND c.club_indicator_id = %(club_indicator)s
 AND c.withdrawn_at IS NULL
WHERE m.club_id = %(club)s AND m.left_at IS NULL
"""

_CONSENT = """
UPDATE benchmarking_rankingmember SET consent_id = %(consent)s
WHERE club_indicator_id = %(club_indicator)s AND organisation_id = %(organisation)s
"""


# Rows of the periods `keys`: of the store (`prefix` "v.") or of the ranking table ("").
_PERIOD_FILTER = """
  AND ({prefix}period_type, {prefix}period_start, {prefix}period_end) IN (
      SELECT * FROM unnest(%(types)s::text[], %(starts)s::date[], %(ends)s::date[]))"""

_FORGET = """
WITH gone AS (
    DELETE FROM benchmarking_rankingperiod
    WHERE club_indicator_id = %(club_indicator)s {period_filter}
    RETURNING id
)
DELETE FROM benchmarking_rankingentry WHERE ranking_period_id IN (SELECT id FROM gone)
"""

# Values are read only through a grant under the member's own active consent for this club
# indicator (the rule of `publication.selectors.visible_values`), from current members only;
# ranked and summarised by the rule of `rankings.sql`.
_PERIODS = """
WITH store AS MATERIALIZED (
    SELECT v.organisation_id, v.period_code, v.period_type, v.period_start, v.period_end,
           CASE WHEN v.value_state = 'entered' THEN round(v.value, %(places)s) END AS value,
           rm.position, rm.consent_id
    FROM benchmarking_rankingmember rm
    JOIN publication_publishedvalue v ON v.organisation_id = rm.organisation_id
    WHERE rm.club_indicator_id = %(club_indicator)s
      AND rm.consent_id IS NOT NULL
      AND v.is_current
      AND v.indicator_code = %(code)s
      AND v.sub_area_kind = ''
      {period_filter}
      -- A scalar subquery (not EXISTS) so that it stays a probe of the grant's unique index.
      AND (SELECT true FROM publication_publicationgrant g
           WHERE g.published_value_id = v.id
             AND g.basis_type = %(basis_type)s
             AND g.basis_id = rm.consent_id
           LIMIT 1)
),
ranked AS MATERIALIZED (
    SELECT s.organisation_id, s.period_start, s.period_end, s.value, s.position, s.consent_id,
           count(*) OVER same_period AS n,
           {rank} AS rank,
           row_number() OVER (same_period ORDER BY s.value {direction}, s.position) AS place
    FROM store s
    WHERE s.value IS NOT NULL AND s.period_type = %(comparison_type)s
    WINDOW same_period AS (PARTITION BY s.period_start, s.period_end)
),
figures AS (
    SELECT period_start, period_end, {summary},
           array_agg(organisation_id ORDER BY organisation_id) AS member_ids,
           array_agg(consent_id ORDER BY organisation_id) AS consent_ids
    FROM ranked
    GROUP BY period_start, period_end
),
periods AS (
    INSERT INTO benchmarking_rankingperiod (
        club_indicator_id, period_type, period_start, period_end, period_code, aligned,
        published, count, median, mean, minimum, maximum, member_ids, consent_ids,
        refreshed_at)
    SELECT %(club_indicator)s, p.period_type, p.period_start, p.period_end, p.period_code,
           p.period_type = %(comparison_type)s, p.published, coalesce(f.n, 0),
           f.median, f.mean, f.minimum, f.maximum, coalesce(f.member_ids, '{{}}'),
           coalesce(f.consent_ids, '{{}}'), statement_timestamp()
    FROM (
        SELECT period_type, period_start, period_end, min(period_code) AS period_code,
               count(*) AS published
        FROM store
        GROUP BY period_type, period_start, period_end
    ) p
    LEFT JOIN figures f
      ON p.period_type = %(comparison_type)s
     AND f.period_start = p.period_start
     AND f.period_end = p.period_end
    RETURNING id, aligned, period_start, period_end, median
)
INSERT INTO benchmarking_rankingentry (
    ranking_period_id, organisation_id, consent_id, position, place, value, rank, quartile,
    distance)
SELECT p.id, r.organisation_id, r.consent_id, r.position, r.place, r.value, r.rank,
       {quartile},
       r.value - p.median
FROM ranked r
JOIN periods p
  ON p.aligned AND p.period_start = r.period_start AND p.period_end = r.period_end
"""


@dataclass(frozen=True)
class PeriodKey:
    """A period as the store keeps it."""

    type: str
    start: date
    end: date


def _lock(club_indicator_ids: Iterable[int]) -> None:
    ids = sorted(set(club_indicator_ids))
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_LOCK, {"prefix": LOCK_PREFIX, "ids": ids})


def lock_club_indicators(club_indicator_ids: Iterable[int]) -> None:
    """Take the ranking locks of these club indicators now (step 2 of the lock order)."""
    _lock(club_indicator_ids)


def lock_for_store_change(*, organisation_id: int, indicator_code: str) -> None:
    """Store lock taker: the ranking locks a publication of the code by the organisation
    will need (every club indicator comparing it in the organisation's current clubs)."""
    from ...models import ClubIndicator

    _lock(
        ClubIndicator.objects.filter(
            catalogue_indicator__code=indicator_code,
            club__memberships__organisation_id=organisation_id,
            club__memberships__left_at__isnull=True,
        ).values_list("id", flat=True)
    )


def _club_indicators(queryset) -> list:
    return list(queryset.select_related("club", "catalogue_indicator").order_by("id"))


def _refresh_members(cursor, club_indicator) -> None:
    club = club_indicator.club
    parameters = {"club_indicator": club_indicator.id, "club": club.id}
    if club.anonymised:
        inner, outer = hmac_pads(club.label_salt)
        parameters["inner_message"] = inner + digest_prefix(club_indicator.catalogue_indicator.code)
        parameters["outer_pad"] = outer
    order = _ANONYMOUS_ORDER if club.anonymised else _NAMED_ORDER
    cursor.execute(_FORGET_MEMBERS, [club_indicator.id])
    cursor.execute(_MEMBERS.format(order=order), parameters)


def _key_parameters(keys: Sequence[PeriodKey] | None) -> dict:
    if keys is None:
        return {}
    return {
        "types": [key.type for key in keys],
        "starts": [key.start for key in keys],
        "ends": [key.end for key in keys],
    }


def _refresh_periods(cursor, club_indicator, keys: Sequence[PeriodKey] | None) -> None:
    """Rebuild the rows of `keys` (None: every period) from the store."""
    indicator = club_indicator.catalogue_indicator
    parameters = {
        "club_indicator": club_indicator.id,
        "code": indicator.code,
        "places": indicator.decimal_places,
        "comparison_type": club_indicator.comparison_period_type,
        "basis_type": BASIS_TYPE,
        **_key_parameters(keys),
    }
    every = keys is None
    cursor.execute(
        _FORGET.format(period_filter="" if every else _PERIOD_FILTER.format(prefix="")), parameters
    )
    cursor.execute(
        _PERIODS.format(
            period_filter="" if every else _PERIOD_FILTER.format(prefix="v."),
            rank=sql.rank("s.value", indicator.polarity),
            direction=sql.listing_order(indicator.polarity),
            summary=sql.SUMMARY_COLUMNS,
            quartile=sql.quartile("r.rank", "r.n"),
        ),
        parameters,
    )


def refresh_club_indicators(club_indicators: Sequence, *, members: bool = True) -> None:
    """Rebuild the members (unless `members` is False) and every period of each club
    indicator (model instances with their club and catalogue indicator)."""
    _lock(ci.id for ci in club_indicators)
    with connection.cursor() as cursor:
        for club_indicator in club_indicators:
            if members:
                _refresh_members(cursor, club_indicator)
            _refresh_periods(cursor, club_indicator, None)


def refresh_club(club) -> None:
    """A member joined or left, or the club's labelling changed: every club indicator."""
    from ...models import ClubIndicator

    refresh_club_indicators(_club_indicators(ClubIndicator.objects.filter(club=club)))


def refresh_clubs_of(organisation_id: int) -> None:
    """The organisation's name changed: every club it is a current member of."""
    from ...models import ClubIndicator

    refresh_club_indicators(
        _club_indicators(
            ClubIndicator.objects.filter(
                club__memberships__organisation_id=organisation_id,
                club__memberships__left_at__isnull=True,
            )
        )
    )


def refresh_catalogue_indicators(catalogue_indicator_ids: Iterable[int]) -> None:
    """Polarity or decimal places changed: every club indicator comparing them."""
    from ...models import ClubIndicator

    ids = list(catalogue_indicator_ids)
    if ids:
        refresh_club_indicators(
            _club_indicators(ClubIndicator.objects.filter(catalogue_indicator_id__in=ids)),
            members=False,
        )


def consent_changed(*, club_indicator, organisation_id: int, consent_id: int | None) -> None:
    """A member gave (`consent_id`) or withdrew (None) consent for `club_indicator`. On
    withdrawal every period is rebuilt: the member's values leave the comparison at once."""
    _lock([club_indicator.id])
    with connection.cursor() as cursor:
        cursor.execute(
            _CONSENT,
            {
                "club_indicator": club_indicator.id,
                "organisation": organisation_id,
                "consent": consent_id,
            },
        )
        if consent_id is None:
            _refresh_periods(cursor, club_indicator, None)


def forget_club_indicator(club_indicator) -> None:
    """The club stops comparing the indicator: its rows go before it does."""
    _lock([club_indicator.id])
    with connection.cursor() as cursor:
        cursor.execute(_FORGET.format(period_filter=""), {"club_indicator": club_indicator.id})
        cursor.execute(_FORGET_MEMBERS, [club_indicator.id])


def store_changed(
    *, organisation_id: int, indicator_code: str, period_type: str, start: date, end: date
) -> None:
    """Listener of the published-values store: one whole-area value of `organisation_id` for
    `indicator_code` and that period was published, restated, or lost its grants. Refreshes
    that period of every club indicator comparing the code in the clubs the organisation is a
    current member of (whether or not it consents: a grant may just have been removed)."""
    from ...models import ClubIndicator

    club_indicators = _club_indicators(
        ClubIndicator.objects.filter(
            catalogue_indicator__code=indicator_code,
            club__memberships__organisation_id=organisation_id,
            club__memberships__left_at__isnull=True,
        )
    )
    if not club_indicators:
        return
    _lock(ci.id for ci in club_indicators)
    keys = [PeriodKey(period_type, start, end)]
    with connection.cursor() as cursor:
        for club_indicator in club_indicators:
            _refresh_periods(cursor, club_indicator, keys)


def rebuild_everything() -> int:
    """Every club indicator of every club, from scratch (after a bulk load, to repair, or when
    a migration changes the ranking tables); returns how many club indicators."""
    from ...models import ClubIndicator

    club_indicators = _club_indicators(ClubIndicator.objects.all())
    refresh_club_indicators(club_indicators)
    return len(club_indicators)
