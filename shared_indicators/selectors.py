from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import CatalogueIndicator


def catalogue_indicator_list(*, search: str = "", include_retired: bool = False) -> QuerySet:
    qs = CatalogueIndicator.objects.all()
    if not include_retired:
        qs = qs.filter(retired=False)
    if search:
        qs = qs.filter(Q(code__icontains=search) | Q(title__icontains=search))
    return qs
