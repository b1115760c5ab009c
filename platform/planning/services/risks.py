"""Risk registers, risks and reviews, scored on the organisation's matrix."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator

from .. import permissions
from ..domain.choices import RegisterKind, RiskState
from ..domain.risk_matrix import MatrixError, RiskMatrix, direction_of_travel
from ..errors import DomainError
from ..models import Action, PlanningSettings, Risk, RiskRegister, RiskReview
from .common import apply_fields, clean_and_save, refuse_unknown_fields, unique_code

RISK_FIELDS = (
    "code",
    "title",
    "description",
    "causes",
    "consequences",
    "owner",
    "inherent_likelihood",
    "inherent_impact",
    "target_likelihood",
    "target_impact",
    "controls",
    "review_date",
    "state",
)
REGISTER_FIELDS = ("name", "kind", "description", "owner")
SCORE_PAIRS = (
    ("inherent", "inherent_likelihood", "inherent_impact"),
    ("current", "current_likelihood", "current_impact"),
    ("target", "target_likelihood", "target_impact"),
)


def _matrix() -> RiskMatrix:
    return PlanningSettings.load().matrix


def _score(matrix: RiskMatrix, kind: str, likelihood: Any, impact: Any) -> int:
    try:
        return matrix.score(likelihood=likelihood, impact=impact)
    except MatrixError as error:
        raise DomainError(f"The {kind} score: {error}") from None


@transaction.atomic
def risk_register_create(
    *, actor: User, name: str, kind: str, description: str = "", owner: User | None = None
) -> RiskRegister:
    permissions.require_create(actor)
    if kind not in RegisterKind.values:
        raise DomainError(
            f"A register is {', '.join(RegisterKind.values)}; '{kind}' is not one of them."
        )
    if RiskRegister.objects.filter(name__iexact=name.strip()).exists():
        raise DomainError(f"There is already a register called {name}.", code="duplicate")
    register = RiskRegister(
        name=name.strip(), kind=kind, description=description, owner=owner or actor
    )
    clean_and_save(register)
    return register


@transaction.atomic
def risk_register_update(*, actor: User, register: RiskRegister, **fields: Any) -> RiskRegister:
    """Rename or re-describe a register, or hand it to another owner: its owner or a
    configurer."""
    permissions.require_edit_register(actor, register)
    refuse_unknown_fields(fields, REGISTER_FIELDS)
    if "kind" in fields and fields["kind"] not in RegisterKind.values:
        kinds = ", ".join(RegisterKind.values)
        raise DomainError(f"A register is {kinds}; '{fields['kind']}' is not one of them.")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        clash = RiskRegister.objects.filter(name__iexact=fields["name"]).exclude(pk=register.pk)
        if clash.exists():
            raise DomainError(
                f"There is already a register called {fields['name']}.", code="duplicate"
            )
    apply_fields(register, fields)
    clean_and_save(register)
    return register


@transaction.atomic
def risk_create(
    *,
    actor: User,
    register: RiskRegister,
    code: str,
    title: str,
    inherent_likelihood: int,
    inherent_impact: int,
    current_likelihood: int,
    current_impact: int,
    target_likelihood: int,
    target_impact: int,
    review_date: date,
    owner: User | None = None,
    description: str = "",
    causes: str = "",
    consequences: str = "",
    controls: str = "",
    mitigating_actions: Iterable[Action] = (),
    indicators: Iterable[Indicator] = (),
) -> Risk:
    """Add a risk to a register; every score is checked against the organisation's matrix."""
    if not (register.owner_id == actor.pk and not permissions.is_read_only(actor)):
        permissions.require_create(actor)
    matrix = _matrix()
    _score(matrix, "inherent", inherent_likelihood, inherent_impact)
    current = _score(matrix, "current", current_likelihood, current_impact)
    _score(matrix, "target", target_likelihood, target_impact)
    risk = Risk(
        register=register,
        code=unique_code(Risk, code),
        title=title,
        description=description,
        causes=causes,
        consequences=consequences,
        owner=owner or actor,
        inherent_likelihood=inherent_likelihood,
        inherent_impact=inherent_impact,
        current_likelihood=current_likelihood,
        current_impact=current_impact,
        target_likelihood=target_likelihood,
        target_impact=target_impact,
        current_score=current,
        controls=controls,
        review_date=review_date,
    )
    clean_and_save(risk)
    if mitigating_actions:
        risk.mitigating_actions.set(list(mitigating_actions))
    if indicators:
        risk.indicators.set(list(indicators))
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: User,
    risk: Risk,
    mitigating_actions: Iterable[Action] | None = None,
    indicators: Iterable[Indicator] | None = None,
    **fields: Any,
) -> Risk:
    """Change a risk's details. The current score changes only through a review, so that
    every change of rating has a dated note and a direction of travel."""
    permissions.require_edit_risk(actor, risk)
    refuse_unknown_fields(fields, RISK_FIELDS)
    if "code" in fields:
        fields["code"] = unique_code(Risk, fields["code"], exclude_pk=risk.pk)
    if "state" in fields and fields["state"] not in RiskState.values:
        raise DomainError(f"A risk is open or closed, not '{fields['state']}'.")
    apply_fields(risk, fields)
    matrix = _matrix()
    for kind, likelihood, impact in SCORE_PAIRS:
        _score(matrix, kind, getattr(risk, likelihood), getattr(risk, impact))
    clean_and_save(risk)
    if mitigating_actions is not None:
        risk.mitigating_actions.set(list(mitigating_actions))
    if indicators is not None:
        risk.indicators.set(list(indicators))
    return risk


@transaction.atomic
def risk_review(
    *,
    actor: User,
    risk: Risk,
    likelihood: int,
    impact: int,
    note: str,
    next_review_date: date,
    controls: str | None = None,
) -> RiskReview:
    """Record a review: the current likelihood and impact, a note and the next review date.
    The direction of travel compares the new score with the one before."""
    permissions.require_edit_risk(actor, risk)
    note = (note or "").strip()
    if not note:
        raise DomainError("A review needs a note saying what was considered.")
    today = timezone.localdate()
    if next_review_date <= today:
        raise DomainError("The next review date must be in the future.")
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    score = _score(_matrix(), "current", likelihood, impact)
    previous = risk.reviews.values_list("score", flat=True).first()
    # The first review compares with the score the risk was entered with.
    previous = previous if previous is not None else risk.current_score
    direction = direction_of_travel(previous_score=previous, score=score)
    review = RiskReview(
        risk=risk,
        reviewed_by=actor,
        likelihood=likelihood,
        impact=impact,
        score=score,
        previous_score=previous,
        direction=str(direction),
        note=note,
        next_review_date=next_review_date,
    )
    clean_and_save(review)
    risk.current_likelihood = likelihood
    risk.current_impact = impact
    risk.current_score = score
    risk.direction = str(direction)
    risk.review_date = next_review_date
    risk.last_reviewed_at = review.reviewed_at
    if controls is not None:
        risk.controls = controls
    clean_and_save(risk)
    return review
