"""Changing what an organisation bought (its licensed modules), from any interface: the
helpdesk console, the helpdesk REST API and `goldenthread org modules`. Enforcement is
`platform.core.licensing`'s."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import get_public_schema_name

from goldenthread.platform.core.errors import DomainError

from .models import Module, Organisation, PlatformAuditAction
from .services import platform_audit_record


def _in_module_order(modules: list[str]) -> list[str]:
    return [module for module in Module.values if module in modules]


@transaction.atomic
def organisation_modules_set(
    *, organisation: Organisation, modules: list[str], actor: str = "system"
) -> Organisation:
    """Give `organisation` exactly `modules` (in the product's order, without repeats) and
    record the change, before and after, in the platform audit log. Unknown modules are
    refused by name, and nothing is written; setting the same modules again is refused as
    a change of nothing rather than logged."""
    if organisation.schema_name == get_public_schema_name():
        raise DomainError("The platform itself holds no modules.")
    unknown = sorted({str(module) for module in modules} - set(Module.values))
    if unknown:
        raise ValidationError(
            {
                "modules": [
                    f"Unknown modules: {', '.join(unknown)}. Choose from "
                    f"{', '.join(Module.values)}."
                ]
            }
        )
    # Read the row again under a lock so that two changes at once both log a true "before".
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _in_module_order(current.licensed_modules or [])
    after = _in_module_order([str(module) for module in modules])
    if before == after:
        raise DomainError(
            f"{organisation.name} already has exactly these modules.", code="unchanged"
        )
    current.licensed_modules = after
    current.save(update_fields=["licensed_modules"])
    organisation.licensed_modules = after
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_MODULES_CHANGED,
        organisation=current,
        detail={"before": before, "after": after},
    )
    return organisation
