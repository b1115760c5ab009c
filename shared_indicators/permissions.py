"""Who may read the national catalogue. Every interface (pages, REST, GraphQL) asks here."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import get_public_schema_name
from rest_framework.permissions import BasePermission


def can_read_catalogue(user, *, schema_name: str) -> bool:
    """Security: any signed-in user of an organisation may read the catalogue (it is national
    reference data, the same for all); on the public host only platform staff may, since the
    public schema's accounts are the vendor's own."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if schema_name == get_public_schema_name():
        return bool(user.is_staff)
    return True


class CanReadCatalogue(BasePermission):
    message = "Only signed-in users of an organisation, or platform staff, may read the catalogue."

    def has_permission(self, request, view) -> bool:
        return can_read_catalogue(request.user, schema_name=connection.schema_name)
