"""Shared indicators, partnership targets and targets cascaded to members."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import Conflict, DomainError
from goldenthread.platform.core.periods import Period, PeriodError, parse_period, sub_periods
from goldenthread.platform.core.validation import to_decimal
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.tenants.models import Organisation

from ..domain.choices import Aggregation
from ..models import CascadedTarget, Partnership, PartnershipIndicator, PartnershipTarget
from ..permissions import require_manage
from .common import clean_and_save


@transaction.atomic
def partnership_indicator_create(
    *,
    partnership: Partnership,
    organisation: Organisation,
    actor: User,
    aggregation: str,
    catalogue_code: str = "",
    code: str = "",
    title: str = "",
    definition: str = "",
    unit_label: str = "",
    polarity: str = "",
    frequency: str = "quarterly",
    decimal_places: int = 1,
    factor: Decimal | str | int = 1,
    tolerance_kind: str = "relative",
    tolerance_amount: Decimal | str | int = 5,
) -> PartnershipIndicator:
    """Add a shared indicator: a catalogue indicator (its definition comes from the
    catalogue and its code is the catalogue code) or one the partnership defines itself
    (members then give their own PI that code as its catalogue code)."""
    require_manage(partnership, organisation, actor)
    if aggregation not in Aggregation.values:
        raise _refuse(
            "aggregation",
            f"'{aggregation}' is not a way to aggregate; choose from "
            f"{', '.join(Aggregation.values)}.",
        )
    indicator = PartnershipIndicator(
        partnership=partnership,
        aggregation=aggregation,
        factor=to_decimal(factor, name="The factor"),
        tolerance_kind=tolerance_kind,
        tolerance_amount=to_decimal(tolerance_amount, name="The tolerance"),
    )
    if catalogue_code:
        catalogue = CatalogueIndicator.objects.filter(code=catalogue_code.strip()).first()
        if catalogue is None:
            raise _refuse("catalogue_code", f"There is no catalogue indicator '{catalogue_code}'.")
        indicator.catalogue_indicator = catalogue
        indicator.code = catalogue.code
        indicator.title = catalogue.title
        indicator.definition = catalogue.definition
        indicator.unit_label = catalogue.unit
        indicator.polarity = catalogue.polarity
        indicator.frequency = catalogue.frequency
        indicator.decimal_places = catalogue.decimal_places
    else:
        code = (code or "").strip()
        if not code:
            raise _refuse("code", "A partnership-defined indicator needs a code.")
        if CatalogueIndicator.objects.filter(code=code).exists():
            raise _refuse(
                "code",
                f"'{code}' is a national catalogue code; add the catalogue indicator instead.",
            )
        indicator.code = code
        indicator.title = (title or "").strip()
        indicator.definition = definition
        indicator.unit_label = unit_label
        indicator.polarity = polarity
        indicator.frequency = frequency
        indicator.decimal_places = decimal_places
    if PartnershipIndicator.objects.filter(partnership=partnership, code=indicator.code).exists():
        message = f"{partnership.name} already reports on {indicator.code}."
        field = "catalogue_code" if catalogue_code else "code"
        raise Conflict(message, extra={"fields": {field: [message]}})
    clean_and_save(indicator)
    return indicator


def _refuse(field: str, message: str) -> DomainError:
    return DomainError(message, extra={"fields": {field: [message]}})


def _target_period(indicator: PartnershipIndicator, code: str) -> Period:
    try:
        period = parse_period(str(code).strip())
        sub_periods(period, indicator.period_type)
    except PeriodError as error:
        message = (
            f"A target for {indicator.code} must be for a {indicator.period_type.label} or a "
            f"longer period made of whole ones: {error}"
        )
        raise DomainError(
            message, code="wrong_period_type", extra={"fields": {"period_code": [message]}}
        ) from None
    return period


def _target_number(value: Any) -> Decimal:
    """The target read by the one number parser; a refusal names the value field."""
    try:
        number = to_decimal(value, name="The target")
    except DomainError as error:
        raise DomainError(error.message, extra={"fields": {"value": [error.message]}}) from None
    if number is None:
        message = "A target needs a number."
        raise DomainError(message, extra={"fields": {"value": [message]}})
    return number


@transaction.atomic
def partnership_target_set(
    *,
    indicator: PartnershipIndicator,
    organisation: Organisation,
    actor: User,
    period_code: str,
    value: Decimal | str | int,
) -> PartnershipTarget:
    """Set (or change) the partnership's target for a period."""
    require_manage(indicator.partnership, organisation, actor)
    period = _target_period(indicator, period_code)
    number = _target_number(value)
    target = PartnershipTarget.objects.filter(indicator=indicator, period_code=period.code).first()
    target = target or PartnershipTarget(indicator=indicator)
    target.set_period(period)
    target.value = number
    target.set_by = actor.email
    clean_and_save(target)
    return target


@transaction.atomic
def cascaded_target_set(
    *,
    indicator: PartnershipIndicator,
    organisation: Organisation,
    actor: User,
    member: Organisation,
    period_code: str,
    value: Decimal | str | int,
) -> CascadedTarget:
    """Set a member's share of the partnership target for a period."""
    partnership = indicator.partnership
    require_manage(partnership, organisation, actor)
    if not partnership.members.filter(organisation=member).exists():
        message = f"{member.name} is not a member of {partnership.name}."
        raise DomainError(message, extra={"fields": {"member": [message]}})
    period = _target_period(indicator, period_code)
    number = _target_number(value)
    target = CascadedTarget.objects.filter(
        indicator=indicator, period_code=period.code, organisation=member
    ).first() or CascadedTarget(indicator=indicator, organisation=member)
    target.set_period(period)
    target.value = number
    target.set_by = actor.email
    clean_and_save(target)
    return target
