"""The actions and risks sections of a pack, read through the planning selectors (their status
and rating rules: `decorate`, `decorate_risks`), in a fixed number of queries.

Which actions and risks: with a scope by priority or theme, those hanging from the chosen
nodes (the golden thread); with any other scope, those linked to the PIs in scope; with every
PI in scope, all of them. Actions: open ones, and those completed within the report period.
Risks: open ones.

For the summary's counts an action counts as on target when on track (in progress, not
started, completed), warning when its progress needs checking, off target when overdue;
a risk as on target when its current score is at or below its target score, off target
above it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q

from goldenthread.platform.core.periods import Period
from goldenthread.platform.planning.domain.action_status import ActionStatus
from goldenthread.platform.planning.domain.choices import ActionState, RiskState
from goldenthread.platform.planning.models import Action, Risk
from goldenthread.platform.planning.selectors.actions import ACTION_RELATED, decorate
from goldenthread.platform.planning.selectors.risks import RISK_RELATED, decorate_risks

from ..domain.pack import DATE, NUMBER, STATUS, TEXT, PackCell, PackColumn, PackRow
from .pack_cells import date_cell, words_cell

ACTION_BUCKETS = {
    ActionStatus.COMPLETED: "on_target",
    ActionStatus.IN_PROGRESS: "on_target",
    ActionStatus.NOT_STARTED: "on_target",
    ActionStatus.CHECK_PROGRESS: "warning",
    ActionStatus.OVERDUE: "off_target",
}
ACTION_COLUMNS = (
    PackColumn("code", "Code", TEXT),
    PackColumn("title", "Action", TEXT),
    PackColumn("assigned_to", "Assigned to", TEXT),
    PackColumn("due_date", "Due", DATE),
    PackColumn("progress", "Progress", NUMBER),
    PackColumn("status", "Status", STATUS),
    PackColumn("latest_update", "Latest update", TEXT),
)
RISK_COLUMNS = (
    PackColumn("code", "Code", TEXT),
    PackColumn("title", "Risk", TEXT),
    PackColumn("owner", "Owner", TEXT),
    PackColumn("current_score", "Current score", NUMBER),
    PackColumn("band", "Rating", STATUS),
    PackColumn("target_score", "Target score", NUMBER),
    PackColumn("direction", "Direction", TEXT),
    PackColumn("review_date", "Next review", DATE),
)


def _person(user) -> str:
    return str(user) if user is not None else ""


def actions_in_scope(
    *, action_ids: set[int] | None, indicator_ids: list[int] | None, period: Period, today: date
) -> list[Action]:
    """`action_ids`: from the golden thread (priorities scope); else those linked to
    `indicator_ids`; both None: every action."""
    qs = Action.objects.select_related(*ACTION_RELATED).filter(
        Q(state=ActionState.OPEN)
        | Q(state=ActionState.COMPLETED, completed_on__range=(period.start, period.end))
    )
    if action_ids is not None:
        qs = qs.filter(pk__in=sorted(action_ids))
    elif indicator_ids is not None:
        qs = qs.filter(indicators__in=indicator_ids).distinct()
    return decorate(qs.order_by("code"), today=today)


def action_row(action: Action) -> PackRow:
    shown = action.status_presentation
    return PackRow(
        key=action.code,
        title=action.title,
        status=ACTION_BUCKETS.get(action.status, "other"),
        cells=(
            PackCell.of_text(action.code),
            PackCell.of_text(action.title),
            PackCell.of_text(_person(action.assigned_to)),
            date_cell(action.due_date),
            PackCell(
                kind=NUMBER,
                text=f"{action.progress}%",
                number=Decimal(action.progress),
                unit="percentage",
                decimals=0,
            ),
            words_cell(str(action.status), shown.label),
            PackCell.of_text(action.latest_update),
        ),
    )


def risks_in_scope(
    *, risk_ids: set[int] | None, indicator_ids: list[int] | None, today: date
) -> list[Risk]:
    qs = Risk.objects.select_related(*RISK_RELATED).filter(state=RiskState.OPEN)
    if risk_ids is not None:
        qs = qs.filter(pk__in=sorted(risk_ids))
    elif indicator_ids is not None:
        qs = qs.filter(indicators__in=indicator_ids).distinct()
    return decorate_risks(qs.order_by("-current_score", "code"), today=today)


def risk_row(risk: Risk) -> PackRow:
    band = risk.current_band
    return PackRow(
        key=risk.code,
        title=risk.title,
        status="on_target" if risk.current_score <= risk.target_score else "off_target",
        cells=(
            PackCell.of_text(risk.code),
            PackCell.of_text(risk.title),
            PackCell.of_text(_person(risk.owner)),
            PackCell(
                kind=NUMBER,
                text=str(risk.current_score),
                number=Decimal(risk.current_score),
                decimals=0,
            ),
            words_cell(getattr(band, "slug", ""), getattr(band, "name", "")),
            PackCell(
                kind=NUMBER,
                text=str(risk.target_score),
                number=Decimal(risk.target_score),
                decimals=0,
            ),
            PackCell.of_text(risk.direction_label),
            date_cell(risk.review_date),
        ),
    )
