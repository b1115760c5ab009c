"""Reads of frozen packs, their runs, comparisons and downloads, schedules and distribution
lists. (A frozen pack's files are drawn by `services.frozen_outputs`.)"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goldenthread.platform.core.errors import NotFound

from ..domain.comparison import PackComparison, compare_packs
from ..domain.pack import Pack
from ..models import (
    DistributionList,
    DistributionSettings,
    FrozenPack,
    PackRun,
    PackSchedule,
    ReportDefinition,
)
from .definitions import _id


def frozen_pack_list(
    *, definition: Any = None, committee: str = "", period: str = ""
) -> QuerySet[FrozenPack]:
    """Every frozen pack, newest first (the archive), without the stored JSON (lists do not
    need it), filtered by definition id, committee (contains) and period code."""
    packs = FrozenPack.objects.select_related("definition").defer("pack")
    if definition not in (None, ""):
        packs = packs.filter(definition_id=_id(definition, "report definition"))
    if committee:
        packs = packs.filter(committee__icontains=committee.strip())
    if period:
        packs = packs.filter(period_code=period.strip())
    return packs.order_by("-frozen_at", "-pk")


def frozen_pack_get(*, pk: Any) -> FrozenPack:
    found = FrozenPack.objects.select_related("definition").filter(pk=_id(pk, "frozen pack"))
    found = found.first()
    if found is None:
        raise NotFound(f"There is no frozen pack with the id '{pk}'.")
    return found


def frozen_pack_content(frozen_pack: FrozenPack) -> Pack:
    return Pack.from_json(frozen_pack.pack)


def frozen_pack_compare(
    *, frozen_pack: FrozenPack, other: FrozenPack | None = None
) -> tuple[FrozenPack | None, PackComparison | None]:
    """The comparison of the pack with `other`, or with the pack frozen before it for the same
    definition; (None, None) when there is none."""
    if other is None and frozen_pack.previous_id:
        other = FrozenPack.objects.get(pk=frozen_pack.previous_id)
    if other is None:
        return None, None
    return other, compare_packs(frozen_pack_content(other), frozen_pack_content(frozen_pack))


def pack_run_get(*, pk: Any) -> PackRun:
    found = PackRun.objects.select_related("definition", "frozen_pack").filter(
        pk=_id(pk, "pack run")
    )
    found = found.first()
    if found is None:
        raise NotFound(f"There is no pack generation with the id '{pk}'.")
    return found


def schedule_get(*, definition: ReportDefinition) -> PackSchedule | None:
    return PackSchedule.objects.filter(definition=definition).first()


def distribution_list_get(*, definition: ReportDefinition) -> DistributionList | None:
    return DistributionList.objects.filter(definition=definition).prefetch_related("people").first()


def distribution_settings_get(*, for_update: bool = False) -> DistributionSettings:
    rows = (
        DistributionSettings.objects.select_for_update()
        if for_update
        else DistributionSettings.objects
    )
    found = rows.filter(pk=1).first()
    if found is None:
        found, _ = DistributionSettings.objects.get_or_create(pk=1)
    return found


def settings_as_data(settings: DistributionSettings) -> dict[str, Any]:
    return {
        "attachments_allowed": settings.attachments_allowed,
        "attachment_max_kb": settings.attachment_max_kb,
    }
