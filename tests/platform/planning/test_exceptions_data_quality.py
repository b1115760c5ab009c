"""The off-target exception list carries each PI's data-quality score, in a fixed number of
queries however many PIs, and the exceptions page shows it in words."""

from datetime import UTC, datetime
from decimal import Decimal

from goldenthread.platform.indicators.models import PerformanceSettings
from goldenthread.platform.planning.selectors.exceptions import pis_off_target
from tests.factories import IndicatorValueFactory

LATE = datetime(2025, 3, 1, 9, tzinfo=UTC)  # 2024/25 Q1 fell due at the end of July 2024


def _off_target(build):
    pi = build.indicator()
    IndicatorValueFactory(
        indicator=pi,
        period="2024/25 Q1",
        value=Decimal("50"),
        status="off_target",
        workflow_status="approved",
        submitted_at=LATE,
        approved_at=LATE,
    )
    return pi


def test_off_target_pis_carry_their_data_quality(build, django_assert_max_num_queries):
    for _ in range(3):
        _off_target(build)
    PerformanceSettings.load()  # made on first use; the count is of a running organisation
    with django_assert_max_num_queries(8):  # with persistence (two)
        capped = pis_off_target(limit=10)
    assert capped.total == 3
    for pi in capped.items:
        # Late and off target with no commentary; complete and not restated: 2 of 4.
        assert pi.data_quality.words == "Poor"
        assert pi.data_quality.summary == (
            "Poor (50%): 2024/25 Q1 submitted after the due date; 2024/25 Q1 off target "
            "with no commentary"
        )


def test_exceptions_page_shows_data_quality_in_words(build, people, client_for, org_a):
    _off_target(build)
    page = client_for(org_a, user=people["councillor"]).get("/planning/exceptions/")
    text = page.content.decode()
    assert '<th scope="col">Data quality</th>' in text
    assert "Poor (50%): 2024/25 Q1 submitted after the due date" in text
