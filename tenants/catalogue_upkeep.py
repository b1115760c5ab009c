"""Vacuuming the system catalogue that provisioning and fleet migrations churn (#16, P9).

Every organisation is ~250 relations, and making one leaves dead rows behind in `pg_class`
(each index and foreign key built on a new table rewrites the table's row: about 155 dead
rows per organisation), as does every migration applied across the estate. Autovacuum cleans
a table once its dead rows pass 50 + 20% of its rows, and its thresholds cannot be lowered
for the catalogue alone (system catalogues take no storage parameters). At 2,000
organisations `pg_class` holds about a million rows, so up to 200,000 dead ones are left in
place; provisioning reads and writes the catalogue by index and pays for walking past them
(measured at 2,000 organisations: the next organisation 1.17× the tenth with 311,000 dead
rows in `pg_class`, 1.05× after a vacuum; bench/README.md).

So the platform keeps its own absolute bound: `vacuum_churned_catalogue` vacuums (and
analyses) each of this database's own catalogue tables holding more than
`CATALOGUE_VACUUM_DEAD_ROWS` dead rows. Beat runs it every ten minutes
(`tenants.tasks.vacuum_catalogue`) and `goldenthread migrate` at its end. A check costs one
read of the statistics views; a vacuum of `pg_class` at 2,000 organisations takes about ten
seconds and blocks nothing (plain VACUUM takes no lock that DDL or queries wait for).

VACUUM of a catalogue table is allowed to the database's owner (or a superuser); any other
role's VACUUM only warns and does nothing, so that case is found first and reported by
name rather than passing silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from goldenthread.platform.core.errors import DomainError

logger = logging.getLogger(__name__)

# This database's own catalogue tables (shared ones such as pg_database belong to the
# cluster and only a superuser may vacuum them), most dead rows first.
_CHURNED = """
    SELECT s.relname, s.n_dead_tup
      FROM pg_catalog.pg_stat_sys_tables s
      JOIN pg_catalog.pg_class c ON c.oid = s.relid
     WHERE s.schemaname = 'pg_catalog' AND NOT c.relisshared AND s.n_dead_tup > %s
     ORDER BY s.n_dead_tup DESC, s.relname
"""

_MAY_VACUUM_CATALOGUE = """
    SELECT r.rolsuper OR pg_catalog.pg_has_role(d.datdba, 'USAGE'), current_user
      FROM pg_catalog.pg_database d, pg_catalog.pg_roles r
     WHERE d.datname = pg_catalog.current_database() AND r.rolname = current_user
"""


@dataclass
class CatalogueUpkeep:
    """What one pass found: the tables over the bound with their dead rows, whether they
    were vacuumed, and why not when they were not."""

    over_bound: dict[str, int] = field(default_factory=dict)
    vacuumed: list[str] = field(default_factory=list)
    refused: str = ""

    def summary(self) -> str:
        if self.refused:
            return self.refused
        if not self.vacuumed:
            return "catalogue: nothing to vacuum"
        tables = ", ".join(
            f"{name} ({self.over_bound[name]:,} dead rows)" for name in self.vacuumed
        )
        return f"catalogue: vacuumed {tables}"


def catalogue_over_bound(bound: int | None = None) -> dict[str, int]:
    """This database's catalogue tables holding more than `bound` dead rows (by the
    cumulative statistics, which lag a backend's own changes by up to a second)."""
    bound = settings.CATALOGUE_VACUUM_DEAD_ROWS if bound is None else bound
    with connection.cursor() as cursor:
        cursor.execute(_CHURNED, [bound])
        return dict(cursor.fetchall())


def role_may_vacuum_catalogue() -> tuple[bool, str]:
    """Whether the session's role owns this database (or is a superuser), and its name."""
    with connection.cursor() as cursor:
        cursor.execute(_MAY_VACUUM_CATALOGUE)
        allowed, role = cursor.fetchone()
    return bool(allowed), role


def vacuum_churned_catalogue(bound: int | None = None) -> CatalogueUpkeep:
    """VACUUM (ANALYZE) every catalogue table of this database with more than `bound`
    (default `CATALOGUE_VACUUM_DEAD_ROWS`) dead rows. VACUUM cannot run inside a
    transaction, so neither can this."""
    if connection.in_atomic_block:
        raise DomainError("The catalogue cannot be vacuumed inside a transaction.")
    result = CatalogueUpkeep(over_bound=catalogue_over_bound(bound))
    if not result.over_bound:
        return result
    allowed, role = role_may_vacuum_catalogue()
    if not allowed:
        result.refused = (
            f"catalogue: {', '.join(result.over_bound)} need vacuuming, but the database role "
            f"{role} does not own the database "
            "and is not a superuser, so PostgreSQL would skip them; make the application's "
            "role the database's owner (infra/README.md)"
        )
        logger.warning(result.summary())
        return result
    with connection.cursor() as cursor:
        for name in result.over_bound:
            cursor.execute(f"VACUUM (ANALYZE) pg_catalog.{connection.ops.quote_name(name)}")
            result.vacuumed.append(name)
    logger.info(result.summary())
    return result
