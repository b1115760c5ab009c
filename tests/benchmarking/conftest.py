import pytest

from tests.benchmarking.helpers import make_indicator


@pytest.fixture
def indicator(db):
    return make_indicator()
