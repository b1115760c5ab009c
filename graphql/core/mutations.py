"""The base of every GraphQL mutation: what it needs is declared, and checked in one place
before its body runs.

Security-relevant. A mutation subclasses `OrganisationMutation`, declares in `Meta.permissions`
the `Permission`s its caller needs (an empty tuple: any signed-in user of the organisation), and
implements `perform(info, *, actor, organisation, **arguments)`: fetch what it acts on (through
the domain's fetchers, which refuse another organisation's rows), call ONE service, return the
payload. Before `perform` runs, `mutate` refuses, in this order:

1. no signed-in, active user (`UNAUTHENTICATED`; the endpoint already answers 401, this holds
   wherever the schema is executed);
2. no organisation: the public host (`NOT_FOUND`, reason `public_host`: the organisation door);
3. a user lacking any declared permission (`FORBIDDEN`, with the permission's own message).

Business rules (which club, which member, what may change) stay in the services, which every
interface calls; a `DomainError` they raise becomes a GraphQL error with its code. A mutation
that forgets to declare its permissions fails when the schema is built, never at run time.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import ImproperlyConfigured
from graphene.types.mutation import MutationOptions

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.models import Organisation

from .errors import forbidden, from_domain_error
from .permissions import Permission, acting_user, organisation_of


class OrganisationMutationOptions(MutationOptions):
    permissions: tuple[Permission, ...] = ()


class OrganisationMutation(graphene.Mutation):
    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, permissions=None, _meta=None, **options):
        if permissions is None:
            raise ImproperlyConfigured(
                f"{cls.__name__} must declare Meta.permissions (an empty tuple for any "
                "signed-in user of the organisation)."
            )
        _meta = _meta or OrganisationMutationOptions(cls)
        _meta.permissions = tuple(permissions)
        super().__init_subclass_with_meta__(_meta=_meta, **options)

    @classmethod
    def mutate(cls, root, info, **arguments):
        actor = acting_user(info)
        organisation = organisation_of(info)
        for permission in cls._meta.permissions:
            if not permission.allows(actor):
                raise forbidden(permission.refusal)
        try:
            return cls.perform(info, actor=actor, organisation=organisation, **arguments)
        except DomainError as exc:
            raise from_domain_error(exc) from None

    @classmethod
    def perform(cls, info, *, actor, organisation: Organisation, **arguments):
        """The mutation's body: fetch, call one service, return the payload."""
        raise NotImplementedError
