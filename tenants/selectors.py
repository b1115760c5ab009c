from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from .models import Organisation


def organisation_list(*, search: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.exclude(schema_name=get_public_schema_name()).select_related(
        "parent_county"
    )
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.prefetch_related("domains")
