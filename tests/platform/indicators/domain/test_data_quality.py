"""Data-quality checks and scores: each check, the words, and a PI over its last values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from goldenthread.platform.indicators.domain.data_quality import (
    ValueFacts,
    area_quality,
    indicator_quality,
    quality_words,
    value_quality,
)

DUE = date(2025, 7, 31)


def facts(**overrides) -> ValueFacts:
    base = {
        "period_code": "2025/26 Q1",
        "due_date": DUE,
        "submitted_on": date(2025, 7, 20),
        "has_value": True,
    }
    base.update(overrides)
    return ValueFacts(**base)


def test_a_clean_value_is_good():
    q = value_quality(facts())
    assert q.score == 1
    assert q.words == "Good"
    assert q.summary == "Good (100%)"
    assert [c.key for c in q.checks] == ["on_time", "complete", "not_restated"]


def test_late_value_fails_on_time_only():
    q = value_quality(facts(submitted_on=date(2025, 8, 1)))
    assert q.percent == 67
    assert q.words == "Some concerns"
    assert q.failed == ("submitted after the due date",)


def test_due_day_itself_is_on_time():
    assert value_quality(facts(submitted_on=DUE)).score == 1


def test_calculated_pi_needs_its_parts():
    q = value_quality(facts(is_calculated=True, has_numerator=True))
    assert "incomplete (a number or its parts are missing)" in q.failed
    assert (
        value_quality(facts(is_calculated=True, has_numerator=True, has_denominator=True)).score
        == 1
    )


def test_restated_value_fails():
    q = value_quality(facts(restated=True))
    assert q.failed == ("reopened after approval (restated)",)


def test_unexplained_confirmation_fails_and_explained_passes():
    assert (
        "an unusual figure was confirmed without a note"
        in value_quality(facts(confirmed_unusual=True)).failed
    )
    assert value_quality(facts(confirmed_unusual=True, confirmation_note="Storm week")).score == 1


def test_off_target_needs_commentary():
    q = value_quality(facts(off_target=True, submitted_on=date(2025, 9, 1)))
    assert q.score == Decimal(2) / Decimal(4)
    assert q.words == "Poor"
    assert q.summary.startswith("Poor (50%): submitted after the due date; off target")
    assert value_quality(facts(off_target=True, has_commentary=True)).score == 1


def test_evidence_only_when_required():
    assert "evidence" not in [c.key for c in value_quality(facts()).checks]
    assert value_quality(facts(evidence_required=True)).failed == ("no evidence attached",)
    assert value_quality(facts(evidence_required=True, evidence_attached=True)).score == 1


def test_unsubmitted_value_skips_on_time_check():
    q = value_quality(facts(submitted_on=None))
    assert "on_time" not in [c.key for c in q.checks]


def test_pi_score_is_average_of_last_window():
    old_bad = facts(period_code="2024/25 Q4", restated=True, off_target=True)
    good = [facts(period_code=f"2025/26 Q{i}") for i in range(1, 4)]
    late = facts(period_code="2025/26 Q4", submitted_on=date(2026, 2, 1))
    q = indicator_quality([old_bad, *good, late], window=4)
    # The old bad value is outside the window; the late one counts 2/3.
    assert q.score == (Decimal(3) + Decimal(2) / Decimal(3)) / Decimal(4)
    assert q.words == "Good"
    assert q.failed == ("2025/26 Q4 submitted after the due date",)


def test_no_values_is_not_assessed():
    assert indicator_quality([]).words == "Not yet assessed"
    assert indicator_quality([]).summary == "Not yet assessed"
    assert area_quality([]).score is None


def test_area_average_ignores_unassessed():
    scores = [value_quality(facts()), indicator_quality([]), value_quality(facts(restated=True))]
    assert area_quality(scores).score == (Decimal(1) + Decimal(2) / Decimal(3)) / 2


def test_word_thresholds():
    assert quality_words(Decimal("0.9")) == "Good"
    assert quality_words(Decimal("0.89")) == "Some concerns"
    assert quality_words(Decimal("0.6")) == "Some concerns"
    assert quality_words(Decimal("0.59")) == "Poor"
