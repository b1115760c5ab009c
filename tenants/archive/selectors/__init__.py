"""Reads of exports, imports and backups, scoped to who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from goldenthread.platform.core.errors import NotFound
from goldenthread.tenants.models import Organisation

from ..models import ExportRun, ImportRun, OrganisationBackup, RestoredCopy, RestoreRun


def export_runs_of(*, organisation: Organisation) -> QuerySet[ExportRun]:
    return ExportRun.objects.filter(organisation=organisation)


def export_run_get(*, organisation: Organisation, pk: int) -> ExportRun:
    """An export of this organisation only: another organisation's id is not found."""
    try:
        return export_runs_of(organisation=organisation).get(pk=pk)
    except (ExportRun.DoesNotExist, ValueError, TypeError):
        raise NotFound("There is no such export.") from None


def backups_of(*, organisation: Organisation) -> QuerySet[OrganisationBackup]:
    return OrganisationBackup.objects.filter(organisation=organisation, deleted_at__isnull=True)


def backup_get(*, organisation: Organisation, pk: int) -> OrganisationBackup:
    try:
        return backups_of(organisation=organisation).get(pk=pk)
    except (OrganisationBackup.DoesNotExist, ValueError, TypeError):
        raise NotFound("There is no such backup of this organisation.") from None


def restored_copies_of(*, organisation: Organisation) -> QuerySet[RestoredCopy]:
    return RestoredCopy.objects.filter(
        backup__organisation=organisation, dropped_at__isnull=True
    ).select_related("backup")


def restore_runs_of(*, organisation: Organisation) -> QuerySet[RestoreRun]:
    return RestoreRun.objects.filter(organisation=organisation).select_related(
        "backup", "safety_backup", "copy"
    )


def restore_run_get(*, organisation: Organisation, pk: int) -> RestoreRun:
    """A restore of this organisation only: another organisation's id is not found."""
    try:
        return restore_runs_of(organisation=organisation).get(pk=pk)
    except (RestoreRun.DoesNotExist, ValueError, TypeError):
        raise NotFound("There is no such restore of this organisation.") from None


def import_runs() -> QuerySet[ImportRun]:
    """Every import of an archive asked for by the helpdesk, newest first (they belong to
    no organisation until one is made: helpdesk leads see them all)."""
    return ImportRun.objects.select_related("organisation")


def import_run_get(*, pk: int) -> ImportRun:
    try:
        return import_runs().get(pk=pk)
    except (ImportRun.DoesNotExist, ValueError, TypeError):
        raise NotFound("There is no such import.") from None
