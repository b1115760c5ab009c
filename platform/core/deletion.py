"""Deleting rows of a model whose table exists in both kinds of schema (accounts' `User`).

Django's deletion collector follows every relation that points at a model, whatever schema the
connection is on. A user's table is in the public schema (helpdesk staff) and in every
organisation's, but most tables that point at it (PIs, values, actions, notifications, …) exist
only in organisations' schemas. So:

- deleting a helpdesk user in the public schema failed: the collector read
  `indicators_importjob` and the other organisation-only tables, which the public schema lacks
  (`relation "…" does not exist`);
- deleting an organisation's user, or one of its API keys, could reach public-only tables
  through the search path (`<organisation>, public`): the keys' ids were looked up in
  `tenants_helpdeskapikey`, the marks of *helpdesk* keys, so a mark whose key happened to share
  an id would be deleted too.

`SchemaCollector` follows only the relations from models whose tables belong to the schema the
connection is on: the ones django-tenants' router migrates there (`SHARED_APPS` in public,
`TENANT_APPS` in an organisation's). The others cannot hold rows of this schema's objects.
A model whose table is in both kinds of schema takes `SchemaConfinedDeletion` and a manager
from `SchemaConfinedQuerySet`, so that its `delete()` and its querysets' use the collector.
"""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.models import Model, QuerySet
from django.db.models.deletion import Collector


class SchemaCollector(Collector):
    """Django's collector, blind to relations from tables that are not in the connection's
    schema (see the module's docstring)."""

    def _in_this_schema(self, model: type[Model]) -> bool:
        return router.allow_migrate_model(self.using, model)

    def can_fast_delete(self, objs: Any, from_field: Any = None) -> bool:
        # A fast delete would issue `DELETE FROM <table>`: take the slow path instead, where
        # `related_objects` finds nothing to delete there.
        # (With `from_field`, `objs` is the related model itself.)
        if from_field is not None and not self._in_this_schema(objs._meta.model):
            return False
        return super().can_fast_delete(objs, from_field=from_field)

    def related_objects(self, related_model, related_fields, objs) -> QuerySet:
        if not self._in_this_schema(related_model):
            return related_model._base_manager.using(self.using).none()  # no query is run
        return super().related_objects(related_model, related_fields, objs)


def instance_delete(
    instance: Model, *, using: str | None = None, keep_parents: bool = False
) -> tuple[int, dict[str, int]]:
    """What `Model.delete()` does, with `SchemaCollector` doing the collecting."""
    if instance.pk is None:
        raise ValueError(
            f"This {instance._meta.verbose_name} was never saved, so it cannot be deleted."
        )
    using = using or router.db_for_write(type(instance), instance=instance)
    collector = SchemaCollector(using=using, origin=instance)
    collector.collect([instance], keep_parents=keep_parents)
    return collector.delete()


def queryset_delete(queryset: QuerySet) -> tuple[int, dict[str, int]]:
    """What `QuerySet.delete()` does, with `SchemaCollector` doing the collecting: the rows
    are read and collected as instances (the tables this serves, users and their API keys,
    are small, and reading them first also makes slices and ordering harmless)."""
    using = router.db_for_write(queryset.model)
    collector = SchemaCollector(using=using, origin=queryset)
    collector.collect(list(queryset.using(using)))
    return collector.delete()


class SchemaConfinedQuerySet(QuerySet):
    """A queryset whose `delete()` follows only this schema's relations (`queryset_delete`)."""

    def delete(self) -> tuple[int, dict[str, int]]:
        return queryset_delete(self)

    delete.alters_data = True
    delete.queryset_only = True


class SchemaConfinedDeletion:
    """For a model whose table is in both kinds of schema (put it before `models.Model`):
    `delete()` removes the row and what cascades from it in the connection's schema only."""

    def delete(self, using: str | None = None, keep_parents: bool = False):
        return instance_delete(self, using=using, keep_parents=keep_parents)

    delete.alters_data = True
