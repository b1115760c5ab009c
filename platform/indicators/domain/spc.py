"""Statistical process control: XmR charts as NHS Making Data Count (MDC) uses them.

An XmR chart separates routine variation (common cause) from signals (special cause). From
the individual values x1..xn:

- the mean of the values;
- the moving ranges |x(i) - x(i-1)| and their average, mR-bar;
- the natural process limits, mean ± 2.66 × mR-bar (2.66 is 3 / 1.128, three "sigma", where
  sigma is estimated as mR-bar / 1.128, the d2 constant for ranges of two points);
- a "near the limit" line each side at mean ± 2 sigma, for the two-of-three rule.

The four rules MDC uses, each reported in words and with a code, as the MDC team's own
testing document for its Single Chart Tool (v5.0) sets them out, with its default of 6 points
for the shift and the trend (the tool lets an analyst choose 7 for both instead):

- `outside_limits`: a point above the upper or below the lower process limit;
- `shift`: 6 or more consecutive points on the same side of the mean (a point on the mean
  breaks the run);
- `trend`: 6 or more consecutive points each higher (or each lower) than the one before
  (an equal value breaks the run; a trend may cross the mean);
- `two_of_three`: in any three consecutive points all on the same side of the mean, two or
  three lie beyond the 2-sigma line on that side; those points are marked. A point beyond the
  process limit itself does not count here (it is the `outside_limits` signal).

Minimum: a chart needs at least `MINIMUM_POINTS` (15) values; with fewer the limits are too
unsteady to judge, so the result says "not enough points for SPC" and no rule is applied. A
baseline chosen by an officer must itself hold at least that many points. (MDC's tool shows
limits from 13 points; its testing document allows a larger minimum "such as 15".)

Baseline: by default the limits come from every point. An officer may fix them from a chosen
run of points (for example the periods before a change of process); the mean and limits from
that run are then extended across every point, and the rules judge every point against them.

Summaries, as MDC's two icons:

- variation, judged on the latest point: if it is part of any special-cause signal, the
  signal's direction (high or low) and the PI's polarity make it "special cause improving" or
  "special cause concerning"; a PI with no polarity gets "special cause — neither improvement
  nor concern" (high or low); otherwise "common cause".
- assurance, judged from where the target sits against the limits: for a higher-is-better PI
  a target at or below the lower limit is met every time the process runs as it does
  ("consistently met"), a target above the upper limit is never reached ("consistently
  missed"), and a target between the limits will be "hit and miss". Lower-is-better mirrors
  this. No target, or no polarity, gives no assurance.

Pure: no ORM, settings or clock. Arithmetic is in floats (these are statistics, not money);
callers round for display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from goldenthread.platform.indicators.domain.status import Polarity

MINIMUM_POINTS = 15
# MDC's default run lengths (its tool offers 7 instead; NHSRplotthedots uses 7 for both).
SHIFT_LENGTH = 6
TREND_LENGTH = 6
LIMIT_FACTOR = 2.66
D2 = 1.128


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


RULE_WORDS: dict[Rule, str] = {
    Rule.OUTSIDE_LIMITS: "A point outside the process limits",
    Rule.SHIFT: f"A shift: {SHIFT_LENGTH} or more points in a row on one side of the mean",
    Rule.TREND: f"A trend: {TREND_LENGTH} or more points in a row each rising or each falling",
    Rule.TWO_OF_THREE: "Two of three points in a row near a process limit",
}


class Variation(StrEnum):
    NOT_ENOUGH_POINTS = "not_enough_points"
    COMMON_CAUSE = "common_cause"
    IMPROVING = "special_cause_improving"
    CONCERNING = "special_cause_concerning"
    NEITHER_HIGH = "special_cause_neither_high"
    NEITHER_LOW = "special_cause_neither_low"


@dataclass(frozen=True)
class SummaryPresentation:
    label: str
    icon: str
    words: str


VARIATION_PRESENTATION: dict[Variation, SummaryPresentation] = {
    Variation.NOT_ENOUGH_POINTS: SummaryPresentation(
        "Not enough points for SPC",
        "dash",
        f"an SPC chart needs at least {MINIMUM_POINTS} values",
    ),
    Variation.COMMON_CAUSE: SummaryPresentation(
        "Common cause variation",
        "circle-minus",
        "the latest value is within the routine variation of this measure",
    ),
    Variation.IMPROVING: SummaryPresentation(
        "Special cause improving",
        "arrow-up",
        "the latest value is part of a signal in the better direction",
    ),
    Variation.CONCERNING: SummaryPresentation(
        "Special cause concerning",
        "triangle-exclamation",
        "the latest value is part of a signal in the worse direction",
    ),
    Variation.NEITHER_HIGH: SummaryPresentation(
        "Special cause — neither improvement nor concern (higher)",
        "arrow-up",
        "the latest value is part of a signal upwards; this measure has no better direction",
    ),
    Variation.NEITHER_LOW: SummaryPresentation(
        "Special cause — neither improvement nor concern (lower)",
        "arrow-down",
        "the latest value is part of a signal downwards; this measure has no better direction",
    ),
}


class Assurance(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    CONSISTENTLY_MET = "consistently_met"
    CONSISTENTLY_MISSED = "consistently_missed"
    HIT_AND_MISS = "hit_and_miss"


ASSURANCE_PRESENTATION: dict[Assurance, SummaryPresentation] = {
    Assurance.NOT_APPLICABLE: SummaryPresentation(
        "No assurance", "dash", "there is no target with a better direction to judge"
    ),
    Assurance.CONSISTENTLY_MET: SummaryPresentation(
        "Target consistently met",
        "circle-check",
        "the target lies beyond the process limit on the good side",
    ),
    Assurance.CONSISTENTLY_MISSED: SummaryPresentation(
        "Target consistently missed",
        "octagon-cross",
        "the target lies beyond the process limit on the bad side",
    ),
    Assurance.HIT_AND_MISS: SummaryPresentation(
        "Target hit and miss",
        "diamond-question",
        "the target lies within the process limits, so it will be met some periods only",
    ),
}


class SpcError(ValueError):
    """A chart cannot be drawn as asked (for example a baseline outside the series)."""


@dataclass(frozen=True)
class SpcPoint:
    index: int
    value: float
    moving_range: float | None
    rules: tuple[Rule, ...] = ()
    in_baseline: bool = True

    @property
    def special_cause(self) -> bool:
        return bool(self.rules)

    @property
    def rule_words(self) -> tuple[str, ...]:
        return tuple(RULE_WORDS[rule] for rule in self.rules)


@dataclass(frozen=True)
class SpcResult:
    enough_points: bool
    points: tuple[SpcPoint, ...]
    mean: float | None = None
    average_moving_range: float | None = None
    upper_limit: float | None = None
    lower_limit: float | None = None
    upper_near: float | None = None
    lower_near: float | None = None
    baseline: tuple[int, int] | None = None
    variation: Variation = Variation.NOT_ENOUGH_POINTS
    assurance: Assurance = Assurance.NOT_APPLICABLE
    directions: dict[int, set[str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def variation_presentation(self) -> SummaryPresentation:
        return VARIATION_PRESENTATION[self.variation]

    @property
    def assurance_presentation(self) -> SummaryPresentation:
        return ASSURANCE_PRESENTATION[self.assurance]

    @property
    def special_cause_concerning(self) -> bool:
        return self.variation is Variation.CONCERNING


def _floats(values: Sequence[float | Decimal | int]) -> list[float]:
    return [float(value) for value in values]


def moving_ranges(values: Sequence[float]) -> list[float]:
    return [abs(values[i] - values[i - 1]) for i in range(1, len(values))]


def _mark(flags: dict[int, set[Rule]], dirs: dict[int, set[str]], i: int, rule: Rule, d: str):
    flags.setdefault(i, set()).add(rule)
    dirs.setdefault(i, set()).add(d)


def _runs(signs: list[int]) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero signs as (start, end, sign), end inclusive."""
    runs, start = [], 0
    for i in range(1, len(signs) + 1):
        if i == len(signs) or signs[i] != signs[start]:
            if signs[start] != 0:
                runs.append((start, i - 1, signs[start]))
            start = i
    return runs


def _sign(number: float) -> int:
    return (number > 0) - (number < 0)


def apply_rules(
    values: Sequence[float], *, mean: float, upper: float, lower: float, sigma: float
) -> tuple[dict[int, set[Rule]], dict[int, set[str]]]:
    """Which rules flag each point (by index), and the direction ("high"/"low") of each flag."""
    flags: dict[int, set[Rule]] = {}
    dirs: dict[int, set[str]] = {}
    for i, x in enumerate(values):
        if x > upper:
            _mark(flags, dirs, i, Rule.OUTSIDE_LIMITS, "high")
        elif x < lower:
            _mark(flags, dirs, i, Rule.OUTSIDE_LIMITS, "low")
    for start, end, sign in _runs([_sign(x - mean) for x in values]):
        if end - start + 1 >= SHIFT_LENGTH:
            for i in range(start, end + 1):
                _mark(flags, dirs, i, Rule.SHIFT, "high" if sign > 0 else "low")
    # A trend of n points is n - 1 steps in the same direction.
    steps = [_sign(values[i] - values[i - 1]) for i in range(1, len(values))]
    for start, end, sign in _runs(steps):
        if end - start + 2 >= TREND_LENGTH:
            for i in range(start, end + 2):
                _mark(flags, dirs, i, Rule.TREND, "high" if sign > 0 else "low")
    upper_near, lower_near = mean + 2 * sigma, mean - 2 * sigma
    sides = [_sign(x - mean) for x in values]
    # Near a limit: beyond the 2-sigma line yet within the process limit (a point beyond the
    # limit already signals on its own, and MDC does not count it towards two of three).
    near = [(upper_near < x <= upper) - (lower <= x < lower_near) for x in values]
    for i in range(len(values) - 2):
        window = range(i, i + 3)
        side = sides[i]
        if side == 0 or any(sides[j] != side for j in window):
            continue
        hits = [j for j in window if near[j] == side]
        if len(hits) >= 2:
            for j in hits:
                _mark(flags, dirs, j, Rule.TWO_OF_THREE, "high" if side > 0 else "low")
    return flags, dirs


def _variation(latest_dirs: set[str], polarity: Polarity) -> Variation:
    if not latest_dirs:
        return Variation.COMMON_CAUSE
    # Conflicting signals on the latest point (rare: e.g. a fall ending a high shift) are
    # resolved towards concern, the side a reader must not miss.
    if polarity is Polarity.NONE:
        return Variation.NEITHER_HIGH if "high" in latest_dirs else Variation.NEITHER_LOW
    good = "high" if polarity is Polarity.HIGHER else "low"
    bad = "low" if good == "high" else "high"
    return Variation.CONCERNING if bad in latest_dirs else Variation.IMPROVING


def assurance(*, target: float | None, upper: float, lower: float, polarity: Polarity) -> Assurance:
    if target is None or polarity is Polarity.NONE:
        return Assurance.NOT_APPLICABLE
    if polarity is Polarity.HIGHER:
        if target <= lower:
            return Assurance.CONSISTENTLY_MET
        if target > upper:
            return Assurance.CONSISTENTLY_MISSED
    else:
        if target >= upper:
            return Assurance.CONSISTENTLY_MET
        if target < lower:
            return Assurance.CONSISTENTLY_MISSED
    return Assurance.HIT_AND_MISS


def xmr(
    values: Sequence[float | Decimal | int],
    *,
    polarity: Polarity | str = Polarity.NONE,
    target: float | Decimal | None = None,
    baseline: tuple[int, int] | None = None,
) -> SpcResult:
    """The XmR chart of `values` (oldest first); `baseline` is (first, last) index, inclusive."""
    polarity = Polarity(polarity)
    xs = _floats(values)
    ranges = moving_ranges(xs)
    if len(xs) < MINIMUM_POINTS:
        return SpcResult(
            enough_points=False,
            points=tuple(SpcPoint(i, x, ranges[i - 1] if i else None) for i, x in enumerate(xs)),
        )
    first, last = baseline if baseline is not None else (0, len(xs) - 1)
    if not (0 <= first <= last < len(xs)):
        raise SpcError("The baseline must be a run of periods within the series.")
    if last - first + 1 < MINIMUM_POINTS:
        raise SpcError(f"A baseline needs at least {MINIMUM_POINTS} values.")
    base = xs[first : last + 1]
    mean = sum(base) / len(base)
    base_ranges = moving_ranges(base)
    mr_bar = sum(base_ranges) / len(base_ranges)
    sigma = mr_bar / D2
    upper, lower = mean + LIMIT_FACTOR * mr_bar, mean - LIMIT_FACTOR * mr_bar
    flags, dirs = apply_rules(xs, mean=mean, upper=upper, lower=lower, sigma=sigma)
    points = tuple(
        SpcPoint(
            index=i,
            value=x,
            moving_range=ranges[i - 1] if i else None,
            rules=tuple(rule for rule in Rule if rule in flags.get(i, ())),
            in_baseline=first <= i <= last,
        )
        for i, x in enumerate(xs)
    )
    return SpcResult(
        enough_points=True,
        points=points,
        mean=mean,
        average_moving_range=mr_bar,
        upper_limit=upper,
        lower_limit=lower,
        upper_near=mean + 2 * sigma,
        lower_near=mean - 2 * sigma,
        baseline=baseline,
        variation=_variation(dirs.get(len(xs) - 1, set()), polarity),
        assurance=assurance(
            target=None if target is None else float(target),
            upper=upper,
            lower=lower,
            polarity=polarity,
        ),
        directions=dirs,
    )
