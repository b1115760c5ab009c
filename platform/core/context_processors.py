from django.conf import settings
from django_tenants.utils import get_public_schema_name


def organisation(request) -> dict:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == get_public_schema_name()
    return {
        "organisation": None if is_public else tenant,
        "is_public_host": is_public,
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
