"""Recording the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from ..models import AuditEntry, Indicator


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # 50 and 50.000000 are the same number: compare and show them the same way.
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON-ready values (foreign keys by id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(related.pk for related in getattr(obj, name).all())
        elif field.is_relation:
            data[name] = getattr(obj, field.attname)
        else:
            data[name] = plain(getattr(obj, name))
    return data


def changed_only(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict, dict]:
    keys = [key for key in new if old.get(key) != new.get(key)]
    return {key: old.get(key) for key in keys}, {key: new[key] for key in keys}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    indicator: Indicator | None = None,
    period_code: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Add one row to the organisation's audit trail."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "email", ""))
        if actor
        else "",
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        indicator=indicator,
        period_code=period_code,
        old=old,
        new=new,
        reason=reason,
    )
