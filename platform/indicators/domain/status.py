"""Status of a value against its target: the one place the colours are decided.

How councils report it:

* On or better than target -> on target (green). Worse than target but within the tolerance
  -> warning (amber). Worse than that -> off target (red).
* "Better" depends on the indicator's polarity: for a higher-is-better PI (percentage of
  household waste recycled) better means above; for a lower-is-better PI (days to process a
  benefit claim) better means below. A PI with no polarity, or no target, is reported as data
  only: there is nothing to be on or off.
* Some PIs are best inside a band (a budget between 98% and 102% spent): inside the band is on
  target, just outside it a warning, further out off target.
* The tolerance defaults to 5% of the target. It may instead be an absolute amount (2
  percentage points, 3 days). A relative tolerance of a zero target is zero, so any value worse
  than a zero target is off target; a PI whose target can be zero should use an absolute
  tolerance.
* Values and targets are compared as published, at the PI's decimal places and rounded half up:
  79.95 against a target of 80 is on target for a PI shown to 1 dp (it reads 80.0) and a
  warning for a PI shown to 2 dp.
* A value that is not (yet) a number has a state of its own, distinct from zero: not yet due,
  missing (due and not entered), not collected, not applicable.

The thresholds used are returned with the status (`StatusResult`) so they can be stored with
the value, and last year's report keeps last year's colours when the rules change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from goldenthread.platform.indicators.domain.numbers import as_decimal, round_half_up


class Status(StrEnum):
    ON_TARGET = "on_target"
    WARNING = "warning"
    OFF_TARGET = "off_target"
    DATA_ONLY = "data_only"
    MISSING = "missing"
    NOT_DUE = "not_due"
    NOT_COLLECTED = "not_collected"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class StatusPresentation:
    """How a status is shown: words and an icon shape always, colour only as well (WCAG 1.4.1)."""

    label: str
    icon: str
    css_class: str
    rag: Literal["green", "amber", "red"] | None


STATUS_PRESENTATION: dict[Status, StatusPresentation] = {
    Status.ON_TARGET: StatusPresentation("On target", "circle-check", "status-on-target", "green"),
    Status.WARNING: StatusPresentation(
        "Warning: just off target", "triangle-exclamation", "status-warning", "amber"
    ),
    Status.OFF_TARGET: StatusPresentation(
        "Off target", "octagon-cross", "status-off-target", "red"
    ),
    Status.DATA_ONLY: StatusPresentation("Data only", "square-info", "status-data-only", None),
    Status.MISSING: StatusPresentation("Missing", "diamond-question", "status-missing", None),
    Status.NOT_DUE: StatusPresentation("Not yet due", "clock", "status-not-due", None),
    Status.NOT_COLLECTED: StatusPresentation(
        "Not collected", "circle-minus", "status-not-collected", None
    ),
    Status.NOT_APPLICABLE: StatusPresentation(
        "Not applicable", "circle-slash", "status-not-applicable", None
    ),
}


class Polarity(StrEnum):
    """Which direction is better; the same values as `core.choices.Polarity`."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


@dataclass(frozen=True)
class Tolerance:
    """How far worse than target a value may be and still be a warning rather than off target.

    `relative`: `amount` percent of the target (the default, 5%). `absolute`: `amount` in the
    PI's own unit.
    """

    kind: Literal["relative", "absolute"] = "relative"
    amount: Decimal = Decimal("5")

    def __post_init__(self) -> None:
        if self.kind not in ("relative", "absolute"):
            raise ValueError(f"a tolerance is relative or absolute, not {self.kind!r}")
        amount = as_decimal(self.amount, name="the tolerance")
        if amount < 0:
            raise ValueError(f"a tolerance cannot be negative ({amount})")
        object.__setattr__(self, "amount", amount)

    def allowance(self, reference: Decimal) -> Decimal:
        """The tolerance in the PI's unit, around `reference` (a target or a band edge)."""
        if self.kind == "absolute":
            return self.amount
        # abs(): a negative target (a net reduction) still gets a tolerance of the same size.
        return abs(reference) * self.amount / 100


@dataclass(frozen=True)
class Band:
    """'Within a band is best': values from `lower` to `upper` (both included) are on target."""

    lower: Decimal
    upper: Decimal

    def __post_init__(self) -> None:
        lower = as_decimal(self.lower, name="the lower end of the band")
        upper = as_decimal(self.upper, name="the upper end of the band")
        if lower > upper:
            raise ValueError(f"the band's lower end ({lower}) is above its upper end ({upper})")
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    def contains(self, value: Decimal) -> bool:
        return self.lower <= value <= self.upper


@dataclass(frozen=True)
class StatusResult:
    """A status and everything used to reach it, to store beside the value.

    `target` is the target as compared (rounded to the PI's decimal places).
    `warning_threshold` is the last value that is still a warning: below it (higher is better)
    or above it (lower is better) is off target. For a band PI it is None and `warning_band`
    holds the outer limits instead. Thresholds are recorded whenever the PI has something to be
    compared against, even for a period whose value is not in yet.
    """

    status: Status
    target: Decimal | None
    warning_threshold: Decimal | None
    tolerance: Tolerance | None
    polarity: Polarity
    band: Band | None = None
    warning_band: Band | None = None

    @property
    def presentation(self) -> StatusPresentation:
        return STATUS_PRESENTATION[self.status]


VALUE_STATES: dict[str, Status | None] = {
    "entered": None,
    "not_due": Status.NOT_DUE,
    "missing": Status.MISSING,
    "not_collected": Status.NOT_COLLECTED,
    "not_applicable": Status.NOT_APPLICABLE,
}


def _against_band(
    value: Decimal | None, band: Band, tolerance: Tolerance, decimal_places: int
) -> tuple[Status | None, Band, Band]:
    compared = Band(
        round_half_up(band.lower, decimal_places), round_half_up(band.upper, decimal_places)
    )
    # Each side's relative tolerance is a share of the edge being crossed.
    outer = Band(
        compared.lower - tolerance.allowance(compared.lower),
        compared.upper + tolerance.allowance(compared.upper),
    )
    if value is None:
        return None, compared, outer
    if compared.contains(value):
        return Status.ON_TARGET, compared, outer
    if outer.contains(value):
        return Status.WARNING, compared, outer
    return Status.OFF_TARGET, compared, outer


def _against_target(
    value: Decimal | None, target: Decimal, polarity: Polarity, tolerance: Tolerance
) -> tuple[Status | None, Decimal]:
    allowance = tolerance.allowance(target)
    if polarity is Polarity.HIGHER:
        threshold = target - allowance
        if value is None:
            return None, threshold
        if value >= target:
            return Status.ON_TARGET, threshold
        return (Status.WARNING if value >= threshold else Status.OFF_TARGET), threshold
    threshold = target + allowance
    if value is None:
        return None, threshold
    if value <= target:
        return Status.ON_TARGET, threshold
    return (Status.WARNING if value <= threshold else Status.OFF_TARGET), threshold


def assess(
    *,
    value: Decimal | None,
    target: Decimal | None,
    polarity: Polarity,
    tolerance: Tolerance,
    decimal_places: int,
    band: Band | None = None,
    value_state: str = "entered",
) -> StatusResult:
    """The status of one value for one period, with the thresholds that decided it.

    `value_state` other than "entered" wins over `value`: a period marked not applicable is not
    applicable whatever number is lying beside it. An "entered" state with no value is missing.
    A band, when given, decides instead of target and polarity.
    """
    if value_state not in VALUE_STATES:
        expected = ", ".join(VALUE_STATES)
        raise ValueError(f"unknown value state {value_state!r}; expected one of {expected}")
    polarity = Polarity(polarity)
    if not isinstance(tolerance, Tolerance):
        raise TypeError("tolerance must be a Tolerance")
    state_status = VALUE_STATES[value_state]
    if state_status is None and value is None:
        state_status = Status.MISSING
    compared_value = (
        round_half_up(as_decimal(value, name="the value"), decimal_places)
        if state_status is None and value is not None
        else None
    )
    compared_target = (
        round_half_up(as_decimal(target, name="the target"), decimal_places)
        if target is not None
        else None
    )

    if band is not None:
        status, compared_band, outer = _against_band(
            compared_value, band, tolerance, decimal_places
        )
        return StatusResult(
            status=state_status or status,
            target=compared_target,
            warning_threshold=None,
            tolerance=tolerance,
            polarity=polarity,
            band=compared_band,
            warning_band=outer,
        )
    if compared_target is None or polarity is Polarity.NONE:
        return StatusResult(
            status=state_status or Status.DATA_ONLY,
            target=compared_target,
            warning_threshold=None,
            tolerance=None,
            polarity=polarity,
        )
    status, threshold = _against_target(compared_value, compared_target, polarity, tolerance)
    return StatusResult(
        status=state_status or status,
        target=compared_target,
        warning_threshold=threshold,
        tolerance=tolerance,
        polarity=polarity,
    )
