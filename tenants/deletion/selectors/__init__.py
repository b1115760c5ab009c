"""Reads about deletions, for the helpdesk console and API."""

from __future__ import annotations

from django.db.models import QuerySet

from goldenthread.platform.core.errors import NotFound
from goldenthread.tenants.models import Organisation

from ..models import DeletionStatus, OrganisationDeletion


def pending_deletion(*, organisation: Organisation) -> OrganisationDeletion | None:
    return OrganisationDeletion.objects.filter(
        organisation=organisation, status=DeletionStatus.PENDING
    ).first()


def deletion_list(*, status: str = "") -> QuerySet[OrganisationDeletion]:
    qs = OrganisationDeletion.objects.all()
    return qs.filter(status=status) if status else qs


def deletion_get(*, deletion_id: int) -> OrganisationDeletion:
    deletion = OrganisationDeletion.objects.filter(pk=deletion_id).first()
    if deletion is None:
        raise NotFound("There is no such deletion.")
    return deletion
