"""Consented benchmarking peers' values for one of our catalogue PIs, as a guide at entry
(`domain.anomaly.peer_anomaly`) and when a target is set (`domain.target_sanity`).

Only through benchmarking's one read path, `comparison_for`: the clubs this organisation is a
current member of that compare the PI's catalogue indicator, each club's rules (minimum
members, embargo, consents) applied by it, and every read of another member's value logged
by it under the reader's name and interface. The organisation's own value is left out. No
other cross-organisation path: the values are those members published under consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.periods import Period, periods_between
from goldenthread.shared_indicators.benchmarking.errors import ComparisonUnavailable
from goldenthread.shared_indicators.benchmarking.selectors import club_list_for, comparison_for
from goldenthread.tenants.models import Organisation

from ..models import Indicator

# How far back target advice looks for the latest period peers have published.
GUIDE_PERIODS = 8


@dataclass(frozen=True)
class PeerValues:
    club: str
    period: Period
    values: tuple[Decimal, ...]  # the other members' values, the reader's own left out


def _reader() -> Organisation | None:
    """The organisation whose schema the connection is on (a request's tenant; outside a
    request, e.g. in a worker, the row of the current schema). None on the public schema."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation) and tenant.pk:
        return tenant
    schema = getattr(connection, "schema_name", "")
    if not schema or schema == get_public_schema_name():
        return None
    return Organisation.objects.filter(schema_name=schema).first()


def _clubs(indicator: Indicator):
    reader = _reader()
    if reader is None or not indicator.catalogue_code:
        return reader, []
    clubs = club_list_for(organisation=reader).filter(
        indicators__catalogue_indicator__code=indicator.catalogue_code
    )
    return reader, list(clubs.order_by("name"))


def _compared(*, reader, reader_user, interface, club, code, periods, today) -> PeerValues | None:
    try:
        view = comparison_for(
            reader=reader,
            reader_user=reader_user,
            interface=interface,
            club=club,
            indicator_code=code,
            periods=periods,
            today=today,
        )
    except (ComparisonUnavailable, NotFound):
        return None  # the club compares other periods, or the reader left meanwhile
    if view.embargoed or view.comparison is None:
        return None
    for result in reversed(view.comparison.periods):
        values = tuple(entry.value for entry in result.entries if not entry.is_you)
        if result.shown and values:
            return PeerValues(club=club.name, period=result.period, values=values)
    return None


def peer_values_for_period(
    *, indicator: Indicator, period: Period, reader_user, interface: str, today: date | None = None
) -> list[PeerValues]:
    """Each club's peers' values of the PI's catalogue indicator for `period` (clubs with
    none shown are left out). Nothing for a local PI or outside an organisation."""
    reader, clubs = _clubs(indicator)
    today = today or timezone.localdate()
    found = []
    for club in clubs:
        peers = _compared(
            reader=reader,
            reader_user=reader_user,
            interface=interface,
            club=club,
            code=indicator.catalogue_code,
            periods=[period],
            today=today,
        )
        if peers is not None:
            found.append(peers)
    return found


def latest_peer_values(
    *, indicator: Indicator, up_to: Period, reader_user, interface: str, today: date | None = None
) -> list[PeerValues]:
    """Each club's peers' values for the latest period, of `up_to`'s type, up to `up_to` (and
    started by today) that the club shows: a target is set ahead, before peers publish."""
    reader, clubs = _clubs(indicator)
    today = today or timezone.localdate()
    earliest = up_to.start - timedelta(days=366 * 3)
    started = [p for p in periods_between(up_to.type, earliest, up_to) if p.start <= today]
    periods = started[-GUIDE_PERIODS:]
    if not periods:
        return []
    found = []
    for club in clubs:
        peers = _compared(
            reader=reader,
            reader_user=reader_user,
            interface=interface,
            club=club,
            code=indicator.catalogue_code,
            periods=periods,
            today=today,
        )
        if peers is not None:
            found.append(peers)
    return found
