"""Demo performance content: PIs, targets and two years of quarterly values per organisation.

Everything goes through the performance core's services, as a user would: the performance
officer adopts or creates the PI and sets its targets, the data provider enters and submits
each value (with commentary when it is off target, which submitting requires), and the
verifier approves it. The latest period is left part-way through that workflow so that the
approvals queue and "What I owe" have something in them.

The values cover the PI's periods up to the last one that has ended on the day of the seed
(eight quarters, so 2024/25 Q1 to 2025/26 Q4 when seeded in spring 2026): the report opens on
the last quarter that has ended, so the demo always opens on data.

Idempotent per PI: a PI that already exists is left exactly as it is.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from goldenthread.platform.core.periods import (
    Period,
    PeriodType,
    period_containing,
    previous_period,
)
from goldenthread.platform.indicators.domain.choices import UnitKind
from goldenthread.platform.indicators.models import Indicator, ServiceArea
from goldenthread.platform.indicators.services.indicators import (
    indicator_adopt,
    indicator_create,
    service_area_create,
)
from goldenthread.platform.indicators.services.targets import target_profile_annual
from goldenthread.platform.indicators.services.values import commentary_add, value_enter
from goldenthread.platform.indicators.services.workflow import value_approve, value_submit
from goldenthread.platform.notifications.services.notify import notifications_quiet

from .common import Cast, Tally

# How the latest period's value is left: approved, submitted (awaiting the verifier), a draft
# (the provider still owes the submission) or not entered at all (owed).
APPROVED, SUBMITTED, DRAFT, OWED = "approved", "submitted", "draft", "owed"


@dataclass(frozen=True)
class PISpec:
    """One demo PI. `values` run oldest first, one per period of the two years; `shift` moves
    them per district (in the worse direction), so the districts differ."""

    code: str
    area: str
    # The annual target of the first financial year, and of every later one.
    targets: tuple[float, float]
    values: tuple[float, ...]
    latest: str = APPROVED
    shift: float = 0.0
    adopted: bool = True
    title: str = ""
    unit_kind: str = ""
    unit_label: str = ""
    polarity: str = ""
    # Calculated PIs: values are entered as numerator over this denominator.
    denominator: int | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    why_off_target: str = (
        "Performance fell short of target this period; a recovery plan is in place."
    )


WASTE = "Waste and recycling"
PLANNING = "Planning and development"
REVENUES = "Revenues and benefits"
CUSTOMER = "Customer services"
SAFETY = "Community safety"
STREETS = "Street scene"

# Environmental anti-social behaviour PIs that every party to the community safety agreement
# adopts (the districts already collect NI 195c, so they add NI 195d).
NI_195C = PISpec(
    "NI 195c",
    STREETS,
    targets=(6, 5),
    values=(8, 7, 6, 5, 5, 4),
    shift=1,
    latest=OWED,
    why_off_target="Graffiti hot spots along the railway corridor; joint clean-up planned.",
)
NI_195D = PISpec(
    "NI 195d",
    SAFETY,
    targets=(4, 4),
    values=(3, 3, 4, 5, 5, 6),
    shift=1,
    latest=SUBMITTED,
    why_off_target="Fly-posting for unlicensed events rose; enforcement notices are being served.",
)
SAFETY_PIS: tuple[PISpec, ...] = (NI_195C, NI_195D)

DISTRICT_PIS: tuple[PISpec, ...] = (
    PISpec(
        "NI 191",
        WASTE,
        targets=(112, 106),
        values=(121, 118, 115, 112, 109, 107, 105, 104),
        shift=4,
        latest=SUBMITTED,
        why_off_target="Residual waste rose with the garden-waste subscription change.",
    ),
    PISpec(
        "NI 192",
        WASTE,
        targets=(48, 50),
        values=(44.1, 45.0, 46.2, 47.0, 47.6, 48.1, 48.9, 49.2),
        shift=0.8,
        latest=SUBMITTED,
        why_off_target="Contamination in dry recycling rejected two loads at the depot.",
    ),
    PISpec(
        "NI 157a",
        PLANNING,
        targets=(75, 75),
        values=(82, 79, 74, 70, 66, 63, 60, 57),
        shift=2,
        why_off_target="Two planning officer vacancies; agency cover starts next quarter.",
    ),
    PISpec("NI 157b", PLANNING, targets=(80, 80), values=(84, 85, 86, 85, 87, 88, 89, 90)),
    PISpec(
        "NI 157c",
        PLANNING,
        targets=(85, 85),
        values=(86, 85, 84, 83, 82, 82, 81, 80),
        shift=1,
        latest=DRAFT,
        why_off_target="Householder applications peaked in spring with the same staffing.",
    ),
    NI_195C,
    NI_195D,
    PISpec(
        "HB 01",
        REVENUES,
        adopted=False,
        title="Average days to process new housing benefit claims",
        unit_kind=UnitKind.TIME,
        unit_label="days",
        polarity="lower",
        targets=(20, 20),
        values=(19, 20, 21, 21, 22, 23, 24, 26),
        shift=1,
        latest=SUBMITTED,
        why_off_target="Claims rose after the closure of a local employer; overtime approved.",
    ),
    PISpec(
        "CT 01",
        REVENUES,
        adopted=False,
        title="Council tax collected (% of the amount due)",
        unit_kind=UnitKind.PERCENTAGE,
        unit_label="%",
        polarity="higher",
        targets=(97, 97.5),
        values=(96.9, 97.2, 97.4, 97.6, 97.1, 97.3, 97.6, 97.9),
        shift=0.3,
        latest=OWED,
    ),
    PISpec(
        "CS 01",
        CUSTOMER,
        adopted=False,
        title="Calls answered within 60 seconds (%)",
        unit_kind=UnitKind.PERCENTAGE,
        unit_label="%",
        polarity="higher",
        targets=(85, 85),
        values=(88, 86, 83, 79, 81, 84, 86, 87),
        shift=2,
        denominator=4000,
        numerator_label="Calls answered within 60 seconds",
        denominator_label="Calls received",
        why_off_target="Winter council tax billing queries doubled call volumes.",
    ),
    PISpec(
        "SS 01",
        STREETS,
        adopted=False,
        title="Missed bin collections per 100,000 collections",
        unit_kind=UnitKind.RATIO,
        unit_label="per 100,000 collections",
        polarity="lower",
        targets=(55, 50),
        values=(62, 58, 55, 53, 51, 50, 48, 47),
        shift=3,
        why_off_target="Round re-organisation bedded in slowly on the new routes.",
    ),
)


def seeded_periods(period_type: str, count: int, *, today: date) -> list[Period]:
    """The `count` periods of `period_type` ending with the last one that has ended by
    `today`, oldest first."""
    periods = [previous_period(period_containing(PeriodType(period_type), today))]
    while len(periods) < count:
        periods.insert(0, previous_period(periods[0]))
    return periods


def seed_performance(
    *,
    cast: Cast,
    specs: tuple[PISpec, ...],
    rank: int,
    tally: Tally,
    today: date | None = None,
) -> None:
    """Create the PIs in `specs` that this organisation lacks, with their targets and values.

    `rank` (0 for the first organisation) sets how far each value moves by its spec's shift.
    """
    today = today or timezone.localdate()
    for spec in specs:
        if Indicator.objects.filter(code=spec.code).exists():
            continue
        indicator = _create_indicator(cast=cast, spec=spec, tally=tally)
        periods = seeded_periods(indicator.period_type, len(spec.values), today=today)
        years = list(dict.fromkeys(period.financial_year for period in periods))
        for index, year in enumerate(years):
            annual = spec.targets[min(index, len(spec.targets) - 1)]
            target_profile_annual(
                actor=cast.admin, indicator=indicator, year_code=year, annual=_d(annual)
            )
        _enter_values(
            cast=cast, indicator=indicator, spec=spec, periods=periods, rank=rank, tally=tally
        )


def _d(number: float, places: str = "0.01") -> Decimal:
    return Decimal(str(number)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _area(cast: Cast, name: str, tally: Tally) -> ServiceArea:
    area = ServiceArea.objects.filter(name=name).first()
    if area is None:
        area = service_area_create(actor=cast.admin, name=name)
        tally.add("service areas")
    return area


def _create_indicator(*, cast: Cast, spec: PISpec, tally: Tally) -> Indicator:
    common = {
        "service_area": _area(cast, spec.area, tally),
        "owner": cast.manager,
        "verifier": cast.verifier,
        "data_providers": [cast.data],
    }
    if spec.adopted:
        tally.add("adopted PIs")
        return indicator_adopt(actor=cast.admin, catalogue_code=spec.code, **common)
    if spec.denominator is not None:
        common.update(
            is_calculated=True,
            numerator_label=spec.numerator_label,
            denominator_label=spec.denominator_label,
            decimal_places=1,
        )
    tally.add("local PIs")
    return indicator_create(
        actor=cast.admin,
        code=spec.code,
        title=spec.title,
        unit_kind=spec.unit_kind,
        unit_label=spec.unit_label,
        polarity=spec.polarity,
        frequency="quarterly",
        **common,
    )


def _worse(spec: PISpec, indicator: Indicator, value: float, rank: int) -> float:
    step = spec.shift * rank
    return value + step if indicator.polarity == "lower" else value - step


def _enter_values(
    *,
    cast: Cast,
    indicator: Indicator,
    spec: PISpec,
    periods: list[Period],
    rank: int,
    tally: Tally,
) -> None:
    for index, (period, raw) in enumerate(zip(periods, spec.values, strict=True)):
        period_code = period.code
        latest = index == len(periods) - 1
        stage = spec.latest if latest else APPROVED
        if stage == OWED:
            continue
        number = _worse(spec, indicator, raw, rank)
        if spec.denominator is not None:
            numerator = int(_d(number * spec.denominator / 100, "1"))
            amounts = {"numerator": numerator, "denominator": spec.denominator}
        else:
            amounts = {"value": _d(number)}
        value = value_enter(
            actor=cast.data, indicator=indicator, period_code=period_code, **amounts
        )
        tally.add("values")
        if stage == DRAFT:
            continue
        if value.status == "off_target":
            commentary_add(
                actor=cast.data,
                indicator=indicator,
                period_code=period_code,
                text=spec.why_off_target,
            )
            tally.add("commentaries")
        # Past quarters are history, not news: only the latest one's steps notify anyone.
        with nullcontext() if latest else notifications_quiet():
            value = value_submit(actor=cast.data, value=value)
            if stage == APPROVED:
                value_approve(actor=cast.verifier, value=value)
