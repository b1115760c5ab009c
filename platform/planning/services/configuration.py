"""The organisation's planning settings."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from goldenthread.platform.accounts.models import User

from .. import permissions
from ..domain.risk_matrix import (
    DEFAULT_BANDS,
    DEFAULT_IMPACT_LABELS,
    DEFAULT_LIKELIHOOD_LABELS,
)
from ..errors import DomainError
from ..models import PlanningSettings, Risk, StrategyNode
from .common import apply_fields, clean_and_save, refuse_unknown_fields

SETTINGS_FIELDS = (
    "strategy_level_names",
    "action_tolerance_points",
    "risk_matrix_size",
    "likelihood_labels",
    "impact_labels",
    "risk_bands",
    "digest_enabled",
    "digest_interval_days",
)


@transaction.atomic
def planning_settings_update(*, actor: User, **fields: Any) -> PlanningSettings:
    """Change the organisation's planning settings.

    Changing the matrix size without giving labels or bands uses that size's defaults. A
    smaller matrix is refused while any risk is scored beyond it, and fewer strategy levels
    while nodes sit at the levels that would go.
    """
    permissions.require_configure(actor)
    refuse_unknown_fields(fields, SETTINGS_FIELDS)
    settings = PlanningSettings.objects.select_for_update().get(pk=PlanningSettings.load().pk)
    size = fields.get("risk_matrix_size", settings.risk_matrix_size)
    if size != settings.risk_matrix_size and size in DEFAULT_BANDS:
        fields.setdefault("likelihood_labels", list(DEFAULT_LIKELIHOOD_LABELS[size]))
        fields.setdefault("impact_labels", list(DEFAULT_IMPACT_LABELS[size]))
        fields.setdefault("risk_bands", [dict(band) for band in DEFAULT_BANDS[size]])
        beyond = Q()
        for kind in ("inherent", "current", "target"):
            for axis in ("likelihood", "impact"):
                beyond |= Q(**{f"{kind}_{axis}__gt": size})
        too_big = Risk.objects.filter(beyond)
        if too_big.exists():
            raise DomainError(
                f"{too_big.count()} risk(s) use levels above {size}; rescore them before "
                f"changing to a {size}x{size} matrix."
            )
    if "strategy_level_names" in fields:
        names = [str(name).strip() for name in fields["strategy_level_names"]]
        deepest = StrategyNode.objects.order_by("-level").values_list("level", flat=True).first()
        if deepest and deepest > len(names):
            raise DomainError(
                f"Strategy nodes exist at level {deepest}; keep at least {deepest} level names."
            )
        fields["strategy_level_names"] = names
    apply_fields(settings, fields)
    clean_and_save(settings)
    return settings
