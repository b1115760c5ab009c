import pytest

from tests.shared_indicators.benchmarking.conftest import indicator  # noqa: F401 - shared fixture
from tests.shared_indicators.helpers import unique_prefix


@pytest.fixture
def prefix() -> str:
    return unique_prefix()
