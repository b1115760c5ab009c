"""How many periods a partnership dashboard shows at once: one rule for every door.

The dashboard reads every member's values for each period asked for (and the period before
and the same period a year earlier, for trends), so the number of periods bounds the work a
single request can ask for. Pages, REST and GraphQL all take it from here, and the dashboard
itself checks it (`dashboard.partnership_dashboard`).
"""

from __future__ import annotations

from collections.abc import Sequence

from goldenthread.platform.core.errors import DomainError

MIN_DASHBOARD_PERIODS = 1
MAX_DASHBOARD_PERIODS = 20
PERIODS_MESSAGE = (
    f"periods must be a whole number from {MIN_DASHBOARD_PERIODS} to {MAX_DASHBOARD_PERIODS}."
)
PERIOD_CODES_MESSAGE = f"Ask for at most {MAX_DASHBOARD_PERIODS} period codes."


def check_dashboard_periods(*, periods: int, period_codes: Sequence[str] | None = None) -> None:
    """Refuse a number of recent periods outside 1 to 20, or more than 20 period codes."""
    if not isinstance(periods, int) or not (
        MIN_DASHBOARD_PERIODS <= periods <= MAX_DASHBOARD_PERIODS
    ):
        raise DomainError(PERIODS_MESSAGE, code="invalid_periods")
    if period_codes is not None and len(period_codes) > MAX_DASHBOARD_PERIODS:
        raise DomainError(PERIOD_CODES_MESSAGE, code="invalid_periods")
