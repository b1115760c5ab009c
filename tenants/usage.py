"""Usage per organisation, for the helpdesk: counts only, never an organisation's content.

Efficient at hundreds of organisations: each measure is ONE query for every organisation —
a `UNION ALL` of one small aggregate per schema (PostgreSQL plans it as one statement, one
round trip) — plus one catalogue query for storage and one Redis pipeline for API calls. So
the page costs six round trips whether there are 4 organisations or 400. Each schema is read
only for the aggregate it must give (`count`, `max`), through indexes where there are any:

- users: active users signed in within 30 and 90 days, the last sign-in (accounts_user);
- PIs: PIs not retired (indicators_indicator);
- values this quarter: values entered since the calendar quarter began;
- storage: the schema's tables, indexes and TOAST from pg_catalog, plus evidence files
  (the sizes recorded with them, so no disk walk);
- API calls: `core.api_usage` (Redis counters, 30 days).

Schema names come from the organisations table and are quoted as identifiers, never
formatted from input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from psycopg import sql

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.api_usage import api_calls_by_schema
from goldenthread.platform.indicators.models import Indicator, IndicatorValue
from goldenthread.platform.planning.models import EvidenceDocument
from goldenthread.tenants.connection_lifetime import between_organisations, note_schemas_read

from .models import Module, Organisation

API_CALL_DAYS = 30


@dataclass(frozen=True)
class OrganisationUsage:
    organisation: Organisation
    active_users_30: int
    active_users_90: int
    users: int
    last_sign_in: datetime | None
    indicators: int
    values_this_quarter: int
    database_bytes: int
    file_bytes: int
    api_calls_30: int

    @property
    def storage_bytes(self) -> int:
        return self.database_bytes + self.file_bytes

    @property
    def modules_in_words(self) -> str:
        labels = dict(Module.choices)
        return ", ".join(
            labels.get(code, code) for code in self.organisation.licensed_modules or []
        )


def quarter_start(today: date) -> date:
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def _per_schema(schemas: list[str], make_select) -> dict[str, tuple]:
    """One statement: `make_select(schema identifier)` for each schema, UNION ALL; each
    select answers (schema name, measures...). Returns {schema: measures}."""
    if not schemas:
        return {}
    parts = [make_select(sql.Identifier(schema), sql.Literal(schema)) for schema in schemas]
    query = sql.SQL(" UNION ALL ").join(parts)
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _table(model) -> sql.Identifier:
    return sql.Identifier(model._meta.db_table)


def usage_for(
    organisations: list[Organisation], *, now: datetime | None = None
) -> list[OrganisationUsage]:
    """The usage of each of `organisations` (platform row excluded), in their order."""
    now = now or timezone.now()
    organisations = [o for o in organisations if o.schema_name != get_public_schema_name()]
    schemas = [o.schema_name for o in organisations]
    since_30, since_90 = now - timedelta(days=30), now - timedelta(days=90)
    quarter = timezone.make_aware(
        datetime.combine(quarter_start(timezone.localdate(now)), datetime.min.time())
    )

    users = _per_schema(
        schemas,
        lambda ident, name: sql.SQL(
            "SELECT {name}, count(*) FILTER (WHERE last_login >= {d30}),"
            " count(*) FILTER (WHERE last_login >= {d90}), count(*), max(last_login)"
            " FROM {schema}.{table} WHERE is_active"
        ).format(
            name=name,
            d30=sql.Literal(since_30),
            d90=sql.Literal(since_90),
            schema=ident,
            table=_table(User),
        ),
    )
    indicators = _per_schema(
        schemas,
        lambda ident, name: sql.SQL(
            "SELECT {name}, count(*) FROM {schema}.{table} WHERE retired_at IS NULL"
        ).format(name=name, schema=ident, table=_table(Indicator)),
    )
    values = _per_schema(
        schemas,
        lambda ident, name: sql.SQL(
            "SELECT {name}, count(*) FROM {schema}.{table} WHERE entered_at >= {since}"
        ).format(name=name, schema=ident, table=_table(IndicatorValue), since=sql.Literal(quarter)),
    )
    files = _per_schema(
        schemas,
        lambda ident, name: sql.SQL(
            "SELECT {name}, coalesce(sum(size), 0) FROM {schema}.{table}"
        ).format(name=name, schema=ident, table=_table(EvidenceDocument)),
    )
    with connection.cursor() as cursor:
        # Every table, index, sequence and TOAST relation of each schema, from the catalogue.
        cursor.execute(
            "SELECT n.nspname, coalesce(sum(pg_total_relation_size(c.oid)), 0)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'm', 'S')"
            " GROUP BY n.nspname",
            [schemas],
        )
        database = dict(cursor.fetchall())
    # Those five statements read every schema: the backend now caches all their catalogues.
    # Counted, so that the connection is retired here, not kept for the rest of its life.
    note_schemas_read(schemas)
    between_organisations()
    calls = api_calls_by_schema(days=API_CALL_DAYS, today=timezone.localdate(now))

    rows = []
    for organisation in organisations:
        schema = organisation.schema_name
        active_30, active_90, total, last = users.get(schema, (0, 0, 0, None))
        rows.append(
            OrganisationUsage(
                organisation=organisation,
                active_users_30=active_30,
                active_users_90=active_90,
                users=total,
                last_sign_in=last,
                indicators=indicators.get(schema, (0,))[0],
                values_this_quarter=values.get(schema, (0,))[0],
                database_bytes=int(database.get(schema, 0)),
                file_bytes=int(files.get(schema, (0,))[0]),
                api_calls_30=calls.get(schema, 0),
            )
        )
    return rows


def usage_all() -> list[OrganisationUsage]:
    organisations = list(
        Organisation.objects.exclude(schema_name=get_public_schema_name()).order_by("name")
    )
    return usage_for(organisations)


def size_in_words(count: int) -> str:
    """1536 -> "1.5 KB" (binary multiples, as disks are measured)."""
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"
