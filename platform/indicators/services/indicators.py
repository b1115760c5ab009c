"""Creating, changing, adopting and retiring PIs; service areas, sub-areas and settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.choices import Frequency
from goldenthread.platform.core.errors import Conflict, DomainError, NotFound
from goldenthread.shared_indicators.models import CatalogueIndicator

from ..domain.choices import AuditAction, UnitKind, default_rollup_rule
from ..models import (
    Baseline,
    Indicator,
    IndicatorValue,
    PerformanceSettings,
    ServiceArea,
    SubArea,
    Target,
)
from ..models.indicators import CATALOGUE_LOCKED_FIELDS
from ..permissions import require_manage
from .audit import audit_record, changed_only, snapshot
from .common import clean_and_save

# What a caller may set on a PI besides the catalogue-locked fields.
LOCAL_FIELDS = (
    "calculation_notes",
    "service_area",
    "owner",
    "verifier",
    "data_providers",
    "tags",
    "band_lower",
    "band_upper",
    "year_basis",
    "decimal_places",
    "is_calculated",
    "numerator_label",
    "denominator_label",
    "factor",
    "rollup_rule",
    "year_to_date",
    "falls_back_to_annual_target",
    "valid_minimum",
    "valid_maximum",
    "whole_numbers",
    "out_of_range_policy",
    "tolerance_kind",
    "tolerance_amount",
    "commentary_required_when_off_target",
    "due_day_of_following_month",
    "due_lag_months",
)
EDITABLE_FIELDS = (*CATALOGUE_LOCKED_FIELDS, *LOCAL_FIELDS)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "is_active", "catalogue_code", "adopted_catalogue_version")
# Changing these once values exist would change what the stored values mean.
FROZEN_ONCE_VALUES_EXIST = ("frequency", "year_basis", "is_calculated")


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DomainError(
            f"Unknown or read-only indicator field(s): {', '.join(unknown)}.",
            code="unknown_field",
        )


def _check_users(fields: dict[str, Any]) -> None:
    for name in ("owner", "verifier"):
        user = fields.get(name)
        if user is not None and not isinstance(user, User):
            raise DomainError(f"{name} must be a user of this organisation.")
    for user in fields.get("data_providers") or ():
        if not isinstance(user, User):
            raise DomainError("Data providers must be users of this organisation.")
    verifier = fields.get("verifier")
    if verifier is not None and not verifier.has_role(Role.VERIFIER):
        # Named, they would be the only one who may approve: a person who cannot would leave
        # the PI's values to cover alone.
        message = (
            f"{verifier.full_name or verifier.email} does not hold the verifier role; give them "
            "the role first, or name someone who does."
        )
        raise DomainError(message, code="not_verifier", extra={"fields": {"verifier": [message]}})


def _default_rollup(*, is_calculated: bool, unit_kind: str) -> str:
    return default_rollup_rule(is_calculated=is_calculated, unit_kind=unit_kind)


def _apply(indicator: Indicator, fields: dict[str, Any]) -> list[User] | None:
    providers = fields.pop("data_providers", None)
    for name, value in fields.items():
        setattr(indicator, name, value)
    if indicator.tags is None:
        indicator.tags = []
    return list(providers) if providers is not None else None


def _unique_code(code: str, *, exclude_pk: int | None = None) -> None:
    clash = Indicator.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(f"There is already an indicator with the code {code}.", code="duplicate")


@transaction.atomic
def indicator_create(
    *,
    actor: User,
    code: str,
    title: str,
    unit_kind: str,
    polarity: str,
    frequency: str,
    definition: str = "",
    unit_label: str = "",
    **fields: Any,
) -> Indicator:
    """Create a local PI. Optional fields are those in `LOCAL_FIELDS`; a calculated
    percentage PI gets a factor of 100 and calculated PIs roll up by recomputing unless told
    otherwise."""
    require_manage(actor)
    _check_fields(fields, LOCAL_FIELDS)
    _check_users(fields)
    code = (code or "").strip()
    _unique_code(code)
    if fields.get("is_calculated") and fields.get("factor") is None:
        fields["factor"] = Decimal("100") if unit_kind == UnitKind.PERCENTAGE else Decimal("1")
    elif fields.get("factor") is None:
        fields.pop("factor", None)
    if not fields.get("rollup_rule"):
        fields["rollup_rule"] = _default_rollup(
            is_calculated=bool(fields.get("is_calculated")), unit_kind=unit_kind
        )
    indicator = Indicator(
        code=code,
        title=(title or "").strip(),
        definition=definition,
        unit_kind=unit_kind,
        unit_label=unit_label,
        polarity=polarity,
        frequency=frequency,
    )
    providers = _apply(indicator, fields)
    clean_and_save(indicator)
    if providers:
        indicator.data_providers.set(providers)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        obj=indicator,
        indicator=indicator,
        new=snapshot(indicator, AUDITED_FIELDS),
    )
    return indicator


def unit_kind_for_catalogue_unit(unit: str) -> str:
    """The catalogue describes units in words ("percentage", "rate per 100000 population",
    "pounds", "minutes per mile"); map them onto our unit kinds."""
    words = unit.lower()
    if "percent" in words or words.strip() == "%":
        return UnitKind.PERCENTAGE
    if any(word in words for word in ("pound", "£", "money", "cost")):
        return UnitKind.MONEY
    if "rate" in words or "ratio" in words:
        return UnitKind.RATIO
    if any(word in words for word in ("day", "week", "hour", "minute", "time")):
        return UnitKind.TIME
    if " per " in words:
        return UnitKind.RATIO
    if "yes" in words:
        return UnitKind.YES_NO
    return UnitKind.NUMBER


def _catalogue_fields(entry: CatalogueIndicator) -> dict[str, Any]:
    return {
        "code": entry.code,
        "title": entry.title,
        "definition": entry.definition,
        "unit_kind": unit_kind_for_catalogue_unit(entry.unit),
        "unit_label": entry.unit,
        "polarity": entry.polarity,
        "frequency": entry.frequency,
    }


@transaction.atomic
def indicator_adopt(*, actor: User, catalogue_code: str, **fields: Any) -> Indicator:
    """Adopt a national catalogue indicator as one of this organisation's PIs.

    Code, title, definition, unit, polarity and frequency come from the catalogue and cannot
    be changed locally; everything in `LOCAL_FIELDS` (targets, owners, tolerance...) is ours.
    """
    require_manage(actor)
    _check_fields(fields, LOCAL_FIELDS)
    _check_users(fields)
    entry = CatalogueIndicator.objects.filter(code=(catalogue_code or "").strip()).first()
    if entry is None:
        raise NotFound(f"There is no catalogue indicator with the code '{catalogue_code}'.")
    if entry.retired:
        raise DomainError(
            f"{entry.code} has been retired from the catalogue and cannot be adopted."
        )
    if Indicator.objects.filter(catalogue_indicator=entry).exists():
        raise Conflict(f"{entry.code} has already been adopted.", code="duplicate")
    locked = _catalogue_fields(entry)
    _unique_code(locked["code"])
    fields.setdefault("decimal_places", entry.decimal_places)
    if not fields.get("rollup_rule"):
        fields["rollup_rule"] = _default_rollup(
            is_calculated=bool(fields.get("is_calculated")), unit_kind=locked["unit_kind"]
        )
    if fields.get("is_calculated") and fields.get("factor") is None:
        fields["factor"] = (
            Decimal("100") if locked["unit_kind"] == UnitKind.PERCENTAGE else Decimal("1")
        )
    elif fields.get("factor") is None:
        fields.pop("factor", None)
    if locked["frequency"] == Frequency.ANNUAL:
        fields.setdefault("year_basis", "financial_year")
    indicator = Indicator(
        **locked,
        catalogue_code=entry.code,
        catalogue_indicator=entry,
        adopted_catalogue_version=entry.version,
    )
    providers = _apply(indicator, fields)
    clean_and_save(indicator)
    if providers:
        indicator.data_providers.set(providers)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        obj=indicator,
        indicator=indicator,
        new=snapshot(indicator, AUDITED_FIELDS),
        reason=f"Adopted from the national catalogue, version {entry.version}.",
    )
    return indicator


def _lock(indicator: Indicator) -> Indicator:
    return (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("catalogue_indicator")
        .get(pk=indicator.pk)
    )


@transaction.atomic
def indicator_update(
    *, actor: User, indicator: Indicator, reason: str = "", **fields: Any
) -> Indicator:
    """Change a PI. An adopted PI's catalogue fields are refused (see
    `indicator_accept_catalogue_version`); frequency and the calculation switch are frozen once
    the PI has values."""
    require_manage(actor)
    _check_fields(fields, EDITABLE_FIELDS)
    _check_users(fields)
    indicator = _lock(indicator)
    before = snapshot(indicator, AUDITED_FIELDS)
    if indicator.is_adopted:
        refused = [
            name
            for name in CATALOGUE_LOCKED_FIELDS
            if name in fields and fields[name] != getattr(indicator, name)
        ]
        if refused:
            raise DomainError(
                f"{indicator.code} is adopted from the national catalogue, so its "
                f"{', '.join(name.replace('_', ' ') for name in refused)} cannot be changed here.",
                code="catalogue_locked",
                extra={"fields": refused},
            )
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip()
        if fields["code"] != indicator.code:
            _unique_code(fields["code"], exclude_pk=indicator.pk)
    frozen = [
        name
        for name in FROZEN_ONCE_VALUES_EXIST
        if name in fields and fields[name] != getattr(indicator, name)
    ]
    if frozen and indicator.values.exists():
        raise Conflict(
            f"{indicator.code} already has values, so its "
            f"{', '.join(name.replace('_', ' ') for name in frozen)} cannot be changed.",
            code="has_values",
        )
    providers = _apply(indicator, fields)
    clean_and_save(indicator)
    if providers is not None:
        indicator.data_providers.set(providers)
    old, new = changed_only(before, snapshot(indicator, AUDITED_FIELDS))
    if new:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            obj=indicator,
            indicator=indicator,
            old=old,
            new=new,
            reason=reason,
        )
    return indicator


@transaction.atomic
def indicator_accept_catalogue_version(*, actor: User, indicator: Indicator) -> Indicator:
    """Apply the catalogue's newer definition to an adopted PI (never done silently)."""
    require_manage(actor)
    indicator = _lock(indicator)
    if not indicator.is_adopted:
        raise DomainError(f"{indicator.code} is a local indicator, not adopted from the catalogue.")
    entry = indicator.catalogue_indicator
    if not indicator.catalogue_update_available:
        raise DomainError(
            f"{indicator.code} already follows the catalogue's current version ({entry.version}).",
            code="up_to_date",
        )
    locked = _catalogue_fields(entry)
    if locked["frequency"] != indicator.frequency and indicator.values.exists():
        raise Conflict(
            f"The catalogue changed {indicator.code}'s frequency, but it already has values "
            f"collected {indicator.get_frequency_display().lower()}; create a new indicator "
            "for the new definition instead.",
            code="has_values",
        )
    before = snapshot(indicator, AUDITED_FIELDS)
    for name, value in locked.items():
        setattr(indicator, name, value)
    indicator.catalogue_code = entry.code
    indicator.adopted_catalogue_version = entry.version
    clean_and_save(indicator)
    old, new = changed_only(before, snapshot(indicator, AUDITED_FIELDS))
    audit_record(
        actor=actor,
        action=AuditAction.CATALOGUE_VERSION_ACCEPTED,
        obj=indicator,
        indicator=indicator,
        old=old,
        new=new,
        reason=f"Accepted catalogue version {entry.version}.",
    )
    return indicator


@transaction.atomic
def indicator_retire(*, actor: User, indicator: Indicator, reason: str = "") -> Indicator:
    """Stop collecting a PI; its values and history stay."""
    return _set_active(actor=actor, indicator=indicator, active=False, reason=reason)


@transaction.atomic
def indicator_reactivate(*, actor: User, indicator: Indicator, reason: str = "") -> Indicator:
    return _set_active(actor=actor, indicator=indicator, active=True, reason=reason)


def _set_active(*, actor: User, indicator: Indicator, active: bool, reason: str) -> Indicator:
    """Retire (active=False) or reactivate a PI under its row lock, audited; refused if it
    is already so."""
    require_manage(actor)
    indicator = _lock(indicator)
    if indicator.is_active == active:
        state = "active" if active else "retired"
        raise DomainError(f"{indicator.code} is already {state}.")
    indicator.is_active = active
    indicator.retired_at = None if active else timezone.now()
    indicator.save(update_fields=["is_active", "retired_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.REACTIVATED if active else AuditAction.RETIRED,
        obj=indicator,
        indicator=indicator,
        old={"is_active": not active},
        new={"is_active": active},
        reason=reason,
    )
    return indicator


@transaction.atomic
def indicator_delete(*, actor: User, indicator: Indicator) -> None:
    """Delete a PI that never had a value (a mistake); one with values must be retired."""
    require_manage(actor)
    indicator = _lock(indicator)
    if indicator.values.exists():
        raise Conflict(
            f"{indicator.code} has values, so it cannot be deleted; retire it instead.",
            code="has_values",
        )
    before = snapshot(indicator, AUDITED_FIELDS)
    audit_record(actor=actor, action=AuditAction.DELETED, obj=indicator, old=before)
    indicator.delete()


@transaction.atomic
def service_area_create(*, actor: User, name: str, code: str = "") -> ServiceArea:
    require_manage(actor)
    name = (name or "").strip()
    if ServiceArea.objects.filter(name__iexact=name).exists():
        raise Conflict(f"There is already a service area called {name}.", code="duplicate")
    area = ServiceArea(name=name, code=code.strip())
    clean_and_save(area)
    audit_record(
        actor=actor, action=AuditAction.CREATED, obj=area, new=snapshot(area, ("name", "code"))
    )
    return area


@transaction.atomic
def sub_area_create(*, actor: User, kind: str, name: str, code: str = "") -> SubArea:
    """A ward, locality or demographic group for differentiated targets and values."""
    require_manage(actor)
    name = (name or "").strip()
    if SubArea.objects.filter(kind=kind, name__iexact=name).exists():
        raise Conflict(
            f"There is already a {kind.replace('_', ' ')} called {name}.", code="duplicate"
        )
    sub_area = SubArea(kind=kind, name=name, code=code.strip())
    clean_and_save(sub_area)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        obj=sub_area,
        new=snapshot(sub_area, ("kind", "name", "code")),
    )
    return sub_area


@transaction.atomic
def sub_area_update(
    *, actor: User, sub_area: SubArea, kind: str, name: str, code: str = ""
) -> SubArea:
    """Rename a sub-area or change its kind or code."""
    require_manage(actor)
    sub_area = SubArea.objects.select_for_update(of=("self",)).get(pk=sub_area.pk)
    name = (name or "").strip()
    if SubArea.objects.filter(kind=kind, name__iexact=name).exclude(pk=sub_area.pk).exists():
        raise Conflict(
            f"There is already a {kind.replace('_', ' ')} called {name}.", code="duplicate"
        )
    before = snapshot(sub_area, ("kind", "name", "code"))
    sub_area.kind, sub_area.name, sub_area.code = kind, name, (code or "").strip()
    clean_and_save(sub_area)
    old, new = changed_only(before, snapshot(sub_area, ("kind", "name", "code")))
    if new:
        audit_record(actor=actor, action=AuditAction.UPDATED, obj=sub_area, old=old, new=new)
    return sub_area


def sub_area_in_use(sub_area: SubArea) -> bool:
    """True when values, targets or baselines were recorded for the sub-area."""
    return any(
        model.objects.filter(sub_area=sub_area).exists()
        for model in (IndicatorValue, Target, Baseline)
    )


@transaction.atomic
def sub_area_archive(*, actor: User, sub_area: SubArea) -> SubArea | None:
    """Take a sub-area out of use. One with values, targets or baselines is archived (its
    history stays, it is offered for nothing new); one without is deleted. Returns the
    archived sub-area, or None when it was deleted."""
    require_manage(actor)
    sub_area = SubArea.objects.select_for_update(of=("self",)).get(pk=sub_area.pk)
    if not sub_area_in_use(sub_area):
        audit_record(
            actor=actor,
            action=AuditAction.DELETED,
            obj=sub_area,
            old=snapshot(sub_area, ("kind", "name", "code")),
        )
        sub_area.indicators.clear()
        sub_area.delete()
        return None
    if sub_area.archived_at is None:
        sub_area.archived_at = timezone.now()
        sub_area.save(update_fields=["archived_at"])
        audit_record(actor=actor, action=AuditAction.RETIRED, obj=sub_area)
    return sub_area


@transaction.atomic
def sub_area_restore(*, actor: User, sub_area: SubArea) -> SubArea:
    """Bring an archived sub-area back into use."""
    require_manage(actor)
    sub_area = SubArea.objects.select_for_update(of=("self",)).get(pk=sub_area.pk)
    if sub_area.archived_at is not None:
        sub_area.archived_at = None
        sub_area.save(update_fields=["archived_at"])
        audit_record(actor=actor, action=AuditAction.REACTIVATED, obj=sub_area)
    return sub_area


@transaction.atomic
def indicator_sub_areas_set(
    *, actor: User, indicator: Indicator, sub_areas: list[SubArea]
) -> Indicator:
    """Choose the sub-areas a PI collects values for. An archived sub-area cannot be newly
    chosen (one already chosen may stay, its history with it)."""
    require_manage(actor)
    indicator = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
    before = sorted(indicator.sub_areas.values_list("pk", flat=True))
    chosen = sorted({area.pk for area in sub_areas})
    newly_archived = [
        area.name for area in sub_areas if area.archived_at is not None and area.pk not in before
    ]
    if newly_archived:
        raise DomainError(
            f"{', '.join(sorted(newly_archived))} is archived: restore it before a PI collects "
            "values for it.",
            code="archived",
        )
    if chosen != before:
        indicator.sub_areas.set(chosen)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            obj=indicator,
            old={"sub_areas": before},
            new={"sub_areas": chosen},
        )
    return indicator


SETTINGS_FIELDS = (
    "tolerance_kind",
    "tolerance_amount",
    "due_day_of_following_month",
    "due_lag_months",
    "reminders_enabled",
    "reminder_days_before_due",
    "escalate_provider_after_days",
    "escalate_owner_after_days",
    "escalate_team_after_days",
)


@transaction.atomic
def performance_settings_update(*, actor: User, **fields: Any) -> PerformanceSettings:
    """Change the organisation's defaults (tolerance, due day, reminders)."""
    require_manage(actor)
    unknown = sorted(set(fields) - set(SETTINGS_FIELDS))
    if unknown:
        raise DomainError(f"Unknown setting(s): {', '.join(unknown)}.", code="unknown_field")
    PerformanceSettings.objects.get_or_create(id=PerformanceSettings.SINGLETON_ID)
    settings = PerformanceSettings.objects.select_for_update(of=("self",)).get(
        pk=PerformanceSettings.SINGLETON_ID
    )
    before = snapshot(settings, SETTINGS_FIELDS)
    for name, value in fields.items():
        setattr(settings, name, value)
    clean_and_save(settings)
    old, new = changed_only(before, snapshot(settings, SETTINGS_FIELDS))
    if new:
        audit_record(
            actor=actor, action=AuditAction.SETTINGS_CHANGED, obj=settings, old=old, new=new
        )
    return settings
