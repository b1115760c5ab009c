import pytest

from tests.shared_indicators.benchmarking.helpers import make_indicator


@pytest.fixture
def indicator(db):
    return make_indicator()
