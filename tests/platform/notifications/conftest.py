"""The performance core's people and PI helpers, for the events they cause."""

from tests.platform.indicators.conftest import in_alpha, make_indicator, people  # noqa: F401
