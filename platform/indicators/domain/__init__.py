"""Pure domain functions of the performance core: status, trends, calculation, roll-ups, target
profiles and valid ranges.

No ORM and no settings: every interface (pages, REST, GraphQL, imports, tasks) calls these so
the rules live in one place. Numbers are Decimal throughout and are compared at the PI's
decimal places, rounded half up. Period arithmetic lives in `goldenthread.platform.core.periods`.
"""

from goldenthread.platform.indicators.domain.calculation import (
    CalculationError,
    Rollup,
    RollupResult,
    SubValue,
    calculated_value,
    roll_up,
    roll_up_period,
    year_to_date,
)
from goldenthread.platform.indicators.domain.numbers import round_half_up
from goldenthread.platform.indicators.domain.status import (
    STATUS_PRESENTATION,
    Band,
    Polarity,
    Status,
    StatusPresentation,
    StatusResult,
    Tolerance,
    assess,
)
from goldenthread.platform.indicators.domain.targets import (
    TargetProfileError,
    profile_annual_target,
)
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION, Trend, trend
from goldenthread.platform.indicators.domain.validation import ValidRange, check_value

__all__ = [
    "STATUS_PRESENTATION",
    "TREND_PRESENTATION",
    "Band",
    "CalculationError",
    "Polarity",
    "Rollup",
    "RollupResult",
    "Status",
    "StatusPresentation",
    "StatusResult",
    "SubValue",
    "TargetProfileError",
    "Tolerance",
    "Trend",
    "ValidRange",
    "assess",
    "calculated_value",
    "check_value",
    "profile_annual_target",
    "round_half_up",
    "roll_up",
    "roll_up_period",
    "trend",
    "year_to_date",
]
