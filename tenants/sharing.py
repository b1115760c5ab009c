"""Who may take part in sharing between organisations: benchmarking clubs and partnerships.

Security-relevant. The platform's own row (the public schema's organisation, slug "platform")
routes the bare platform host; it has no data of its own, and its users are the vendor's
staff. It must never be a club member, a club's runner, a partner or a partnership's lead:
membership would let the vendor's accounts read members' published data. Every service that
makes an organisation a member or a partner asks `require_sharing_organisation`, so pages,
REST and GraphQL refuse it with the same message.
"""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name

from goldenthread.platform.core.errors import DomainError

PLATFORM_CANNOT_SHARE = (
    "The Golden Thread platform itself cannot be a benchmarking club member or a partner; "
    "only organisations can."
)


def is_platform_organisation(organisation) -> bool:
    return organisation.schema_name == get_public_schema_name()


def require_sharing_organisation(organisation, *, field: str = "organisation") -> None:
    """Refuse the platform's own organisation (see the module docstring)."""
    if is_platform_organisation(organisation):
        raise DomainError(
            PLATFORM_CANNOT_SHARE,
            extra={"fields": {field: [PLATFORM_CANNOT_SHARE]}},
            code="platform_organisation",
        )
