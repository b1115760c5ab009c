"""Data quality of a PI's values: a score, in words, from named checks.

Auditors ask councils to run a data-quality policy: figures in on time, complete, not
changed after sign-off without saying so, odd figures explained, and a story told when the
PI is off target. Each of those is a check here; a value scores the share of the checks
that apply to it and pass, and is described in words with the checks it failed:

* on time: submitted for approval (or, with no approval step recorded, entered) by the
  period's due date;
* complete: a number is present, with its numerator and denominator when the PI is
  calculated from them;
* not restated: not reopened and changed after it was approved;
* confirmations explained: an out-of-range or large-change confirmation carries a note;
* commentary when off target: an off-target value has commentary for its period;
* evidence where required: only for a PI that requires evidence. No PI can require evidence
  yet (evidence documents attach to a PI as a whole, not to a period), so callers pass
  `evidence_required=False` and the check does not apply.

A check that does not apply (commentary for an on-target value) neither helps nor harms.
A PI's score is the average of its last few values' scores (`PI_WINDOW`). The words: "good"
at 90% or more, "some concerns" from 60%, "poor" below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

PI_WINDOW = 4
GOOD_FROM = Decimal("0.9")
CONCERNS_FROM = Decimal("0.6")

CHECK_LABELS = {
    "on_time": "On time",
    "complete": "Complete",
    "not_restated": "Not restated after approval",
    "confirmations_explained": "Unusual figures explained",
    "commentary_when_off_target": "Commentary when off target",
    "evidence": "Evidence attached",
}
FAILED_WORDS = {
    "on_time": "submitted after the due date",
    "complete": "incomplete (a number or its parts are missing)",
    "not_restated": "reopened after approval (restated)",
    "confirmations_explained": "an unusual figure was confirmed without a note",
    "commentary_when_off_target": "off target with no commentary",
    "evidence": "no evidence attached",
}


@dataclass(frozen=True)
class ValueFacts:
    """What the checks need to know about one value (gathered by a selector)."""

    period_code: str
    due_date: date | None
    submitted_on: date | None
    has_value: bool
    is_calculated: bool = False
    has_numerator: bool = False
    has_denominator: bool = False
    restated: bool = False
    confirmed_unusual: bool = False
    confirmation_note: str = ""
    off_target: bool = False
    has_commentary: bool = False
    evidence_required: bool = False
    evidence_attached: bool = False


@dataclass(frozen=True)
class CheckResult:
    key: str
    passed: bool

    @property
    def label(self) -> str:
        return CHECK_LABELS[self.key]

    @property
    def words(self) -> str:
        return f"{self.label}: {'yes' if self.passed else FAILED_WORDS[self.key]}"


@dataclass(frozen=True)
class QualityScore:
    """A score (0 to 1, or None when nothing could be checked) with its words."""

    score: Decimal | None
    checks: tuple[CheckResult, ...] = ()
    failed: tuple[str, ...] = field(default=())  # words of the failed checks

    @property
    def percent(self) -> int | None:
        if self.score is None:
            return None
        return int((self.score * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    @property
    def words(self) -> str:
        return quality_words(self.score)

    @property
    def summary(self) -> str:
        """Words for a page or report cell: the rating and what went wrong."""
        if self.score is None:
            return self.words
        if not self.failed:
            return f"{self.words} ({self.percent}%)"
        return f"{self.words} ({self.percent}%): {'; '.join(self.failed)}"


def quality_words(score: Decimal | None) -> str:
    if score is None:
        return "Not yet assessed"
    if score >= GOOD_FROM:
        return "Good"
    if score >= CONCERNS_FROM:
        return "Some concerns"
    return "Poor"


def _on_day(moment: date | datetime | None) -> date | None:
    if isinstance(moment, datetime):
        return moment.date()
    return moment


def value_checks(facts: ValueFacts) -> tuple[CheckResult, ...]:
    """The checks that apply to one value, each passed or failed."""
    checks: list[CheckResult] = []
    submitted = _on_day(facts.submitted_on)
    if facts.due_date is not None and submitted is not None:
        checks.append(CheckResult("on_time", submitted <= facts.due_date))
    complete = facts.has_value and (
        not facts.is_calculated or (facts.has_numerator and facts.has_denominator)
    )
    checks.append(CheckResult("complete", complete))
    checks.append(CheckResult("not_restated", not facts.restated))
    if facts.confirmed_unusual:
        checks.append(CheckResult("confirmations_explained", bool(facts.confirmation_note.strip())))
    if facts.off_target:
        checks.append(CheckResult("commentary_when_off_target", facts.has_commentary))
    if facts.evidence_required:
        checks.append(CheckResult("evidence", facts.evidence_attached))
    return tuple(checks)


def value_quality(facts: ValueFacts) -> QualityScore:
    checks = value_checks(facts)
    if not checks:
        return QualityScore(None)
    passed = sum(1 for c in checks if c.passed)
    score = Decimal(passed) / Decimal(len(checks))
    failed = tuple(FAILED_WORDS[c.key] for c in checks if not c.passed)
    return QualityScore(score, checks, failed)


def indicator_quality(values: Sequence[ValueFacts], *, window: int = PI_WINDOW) -> QualityScore:
    """A PI's score over its last `window` values (`values` in period order), naming the
    failed checks with the periods they failed in."""
    recent = list(values)[-window:] if window > 0 else list(values)
    scored = [(f, value_quality(f)) for f in recent]
    scored = [(f, q) for f, q in scored if q.score is not None]
    if not scored:
        return QualityScore(None)
    total = sum((q.score for _, q in scored), Decimal(0))
    score = total / Decimal(len(scored))
    failed = tuple(f"{f.period_code} {words}" for f, q in scored for words in q.failed)
    return QualityScore(score, (), failed)


def area_quality(scores: Iterable[QualityScore]) -> QualityScore:
    """A service area's score: the average of its PIs' scores (PIs not assessed left out)."""
    known = [s.score for s in scores if s.score is not None]
    if not known:
        return QualityScore(None)
    return QualityScore(sum(known, Decimal(0)) / Decimal(len(known)))
