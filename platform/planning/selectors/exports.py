"""The planning lists people can download (actions, risks), as sheets for `core.exporting`:
the rows `action_list` / `risk_list` return for the list's filters, in words, with numbers as
numbers. Both selectors already read related rows in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from goldenthread.platform.core.exporting import (
    Number,
    Sheet,
    column_date,
    column_datetime,
    column_number,
    column_text,
)

from ..domain.choices import ActionSource, MonitoringZone, Priority, RiskState
from ..models import Action, Risk

ACTION_COLUMNS = (
    column_text("Code", width=14),
    column_text("Title", width=50),
    column_text("Plan", width=30),
    column_text("Assigned to", width=24),
    column_text("Managed by", width=24),
    column_text("Lead councillor", width=24),
    column_date("Start"),
    column_date("Due"),
    column_number("Progress (%)", decimals=0),
    column_number("Expected progress (%)", decimals=0),
    column_text("Status", width=18),
    column_text("Source"),
    column_text("Priority"),
    column_text("Monitoring zone", width=20),
    column_text("Latest update", width=60),
    column_datetime("Latest update at"),
)


def _name(user) -> str:
    return user.full_name if user else ""


def action_sheet(*, actions: Iterable[Action]) -> Sheet:
    """Actions from `action_list` (decorated with status and expected progress)."""
    sources, priorities = dict(ActionSource.choices), dict(Priority.choices)
    zones = dict(MonitoringZone.choices)
    rows = (
        (
            action.code,
            action.title,
            action.plan.title if action.plan else "",
            _name(action.assigned_to),
            _name(action.managed_by),
            _name(action.lead_councillor),
            action.start_date,
            action.due_date,
            Number(action.progress, 0),
            Number(getattr(action, "expected_progress", None), 0),
            action.status_presentation.label,
            sources.get(action.source, action.source),
            priorities.get(action.priority, action.priority),
            zones.get(action.monitoring_zone, str(action.monitoring_zone)),
            action.latest_update,
            action.latest_update_at,
        )
        for action in actions
    )
    return Sheet("Actions", ACTION_COLUMNS, rows)


RISK_COLUMNS = (
    column_text("Code", width=14),
    column_text("Title", width=50),
    column_text("Register", width=30),
    column_text("Owner", width=24),
    column_number("Current score", decimals=0),
    column_text("Current rating", width=16),
    column_text("Likelihood", width=16),
    column_text("Impact", width=16),
    column_number("Inherent score", decimals=0),
    column_number("Target score", decimals=0),
    column_text("Direction"),
    column_date("Review date"),
    column_text("Review overdue"),
    column_text("State"),
    column_text("Controls", width=60),
)


def risk_sheet(*, risks: Iterable[Risk]) -> Sheet:
    """Risks from `risk_list` (decorated with bands, direction and labels)."""
    states = dict(RiskState.choices)
    rows = (
        (
            risk.code,
            risk.title,
            risk.register.name if risk.register else "",
            _name(risk.owner),
            risk.current_score,
            risk.current_band.name if risk.current_band else "",
            risk.likelihood_label,
            risk.impact_label,
            risk.inherent_score,
            risk.target_score,
            risk.direction_label,
            risk.review_date,
            "Yes" if risk.review_overdue else "No",
            states.get(risk.state, risk.state),
            risk.controls,
        )
        for risk in risks
    )
    return Sheet("Risks", RISK_COLUMNS, rows)
