"""Applying new migrations to every organisation schema at once (`goldenthread migrate`).

Migrating schema after schema through `migrate_schemas` costs about 0.35 s each (issue #16:
139 s at 400 organisations), nearly all of it Django re-reading the migration files and
rebuilding the project state for every schema, not the DDL itself. Here:

- the schemas are grouped by what they lack (normally all lack the same new migrations);
- for each group the project state is built once, and the migrations are applied for real to
  a first schema, the pilot, while the statements the schema editor runs are recorded;
- when every operation reduces to SQL (no `RunPython`) and every migration is atomic, the
  recorded statements are replayed in each other schema of the group — one transaction per
  schema, the history rows written in the same transaction — by a bounded pool of
  connections (`jobs`). The statements are unqualified, so the schema's `search_path` points
  them at its own tables; constraint and index names are the same in every schema because
  provisioning copies the template keeping names (`schema_copy`);
- otherwise (data migrations, non-atomic ones) each schema is migrated in turn with the
  shared project state, still skipping the per-schema reload.

A schema whose replay fails is retried the ordinary way before it is reported, so drift in one
schema never blocks the rest. Each schema commits on its own: after a failure the others keep
their progress, and the next run skips them because their history rows are there.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations import operations as migration_operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState

from .connection_lifetime import between_organisations
from .template_schema import applied_migrations_by_schema

# Operations after which content types and permissions must be refreshed in the schema, as
# Django's `migrate` does through its post_migrate signal.
_MODEL_SET_OPERATIONS = (
    migration_operations.CreateModel,
    migration_operations.DeleteModel,
    migration_operations.RenameModel,
    migration_operations.AlterModelOptions,
)

Key = tuple[str, str]


@dataclass
class FleetResult:
    up_to_date: int = 0
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    replayed: int = 0  # how many of `migrated` were done by replaying recorded statements

    @property
    def pending(self) -> int:
        return len(self.migrated) + len(self.failed)


Progress = Callable[[str, str | None], None]  # (schema, error or None)


def tenant_app_labels() -> set[str]:
    from django.apps import apps

    names = set(settings.TENANT_APPS)
    return {config.label for config in apps.get_app_configs() if config.name in names}


def load_migrations() -> MigrationLoader:
    """The migration graph from disk, without reading any schema's history."""
    return MigrationLoader(None, ignore_no_migrations=True, load=True)


def _is_applied(key: Key, migration: Migration, applied: set[Key]) -> bool:
    if key in applied:
        return True
    # A squashed migration counts as applied when everything it replaces is.
    return bool(migration.replaces) and all(tuple(r) in applied for r in migration.replaces)


def pending_plan(loader: MigrationLoader, applied: set[Key], labels: set[str]) -> list[Key]:
    """The tenant apps' migrations missing from `applied`, in the order to apply them."""
    graph = loader.graph
    targets = sorted(key for key in graph.leaf_nodes() if key[0] in labels)
    plan: list[Key] = []
    seen: set[Key] = set()
    for target in targets:
        for key in graph.forwards_plan(target):
            if key in seen:
                continue
            seen.add(key)
            if key[0] in labels and not _is_applied(key, graph.nodes[key], applied):
                plan.append(key)
    return plan


def _database_operations(operations):
    for operation in operations:
        if isinstance(operation, migration_operations.SeparateDatabaseAndState):
            yield from _database_operations(operation.database_operations)
        else:
            yield operation


def replayable(migrations: list[Migration]) -> bool:
    """Whether the migrations' effect on one schema is a fixed list of SQL statements."""
    return all(
        migration.atomic
        and all(
            operation.reduces_to_sql for operation in _database_operations(migration.operations)
        )
        for migration in migrations
    )


def _changes_model_set(migrations: list[Migration]) -> bool:
    return any(
        isinstance(operation, _MODEL_SET_OPERATIONS)
        for migration in migrations
        for operation in migration.operations
    )


class _Executor(MigrationExecutor):
    """Django's executor over a graph already loaded, for the schema the connection is on."""

    def __init__(self, db_connection, loader: MigrationLoader):  # noqa: D107 - no reload
        self.connection = db_connection
        self.loader = loader
        self.recorder = MigrationRecorder(db_connection)
        self.progress_callback = None


def state_before(loader: MigrationLoader, plan: list[Key]) -> ProjectState:
    """The project state with every migration applied except those in `plan` (built once per
    group: this is the part `migrate_schemas` repeats for every schema)."""
    executor = _Executor(connection, loader)
    state = ProjectState(real_apps=loader.unmigrated_apps)
    missing = set(plan)
    for migration, _ in executor.migration_plan(loader.graph.leaf_nodes(), clean_start=True):
        if (migration.app_label, migration.name) not in missing:
            migration.mutate_state(state, preserve=False)
    return state


class _StatementRecorder(logging.Handler):
    """Collects what the schema editor executes (it logs each statement with its params)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[tuple[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append((record.sql, record.params))


def _emit_post_migrate(migrations: list[Migration], state: ProjectState) -> None:
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(
        0, False, connection.alias, apps=state.apps, plan=[(m, False) for m in migrations]
    )


def apply_in_schema(
    schema: str,
    migrations: list[Migration],
    loader: MigrationLoader,
    state: ProjectState,
    *,
    record: bool = False,
) -> tuple[list[tuple[str, object]], ProjectState]:
    """Apply `migrations` to one schema with Django's executor, all or nothing. With `record`,
    also return the statements the schema editor ran."""
    connection.set_schema(schema, include_public=False)
    MigrationRecorder(connection).ensure_schema()
    connection.set_schema(schema)
    recorder = _StatementRecorder()
    schema_logger = logging.getLogger("django.db.backends.schema")
    saved = (schema_logger.level, schema_logger.propagate)
    if record:
        schema_logger.addHandler(recorder)
        schema_logger.setLevel(logging.DEBUG)
        schema_logger.propagate = False
    try:
        executor = _Executor(connection, loader)
        state = state.clone()
        with transaction.atomic():
            for migration in migrations:
                state = executor.apply_migration(state, migration)
            if _changes_model_set(migrations):
                _emit_post_migrate(migrations, state)
    finally:
        if record:
            schema_logger.removeHandler(recorder)
            schema_logger.setLevel(saved[0])
            schema_logger.propagate = saved[1]
        connection.set_schema_to_public()
    return recorder.statements, state


def _history_rows(migrations: list[Migration]) -> list[Key]:
    rows: list[Key] = []
    for migration in migrations:
        if migration.replaces:
            rows += [tuple(r) for r in migration.replaces]
        else:
            rows.append((migration.app_label, migration.name))
    return rows


def replay_in_schema(
    schema: str,
    statements: list[tuple[str, object]],
    migrations: list[Migration],
    post_state: ProjectState | None,
) -> None:
    """Run recorded statements in one schema and record the migrations, in one transaction."""
    connection.set_schema(schema)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
            rows = _history_rows(migrations)
            cursor.execute(
                "INSERT INTO django_migrations (app, name, applied) "
                "SELECT app, name, now() FROM unnest(%s::text[], %s::text[]) AS m(app, name)",
                [[app for app, _ in rows], [name for _, name in rows]],
            )
            if post_state is not None:
                _emit_post_migrate(migrations, post_state)
    finally:
        connection.set_schema_to_public()


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


def _replay_pool(
    schemas: list[str],
    work: Callable[[str], None],
    *,
    jobs: int,
    report: Callable[[str, BaseException | None], None],
) -> None:
    """Run `work(schema)` for each schema on at most `jobs` connections (one per thread)."""
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for schema in schemas:
        todo.put(schema)

    def worker() -> None:
        try:
            while True:
                try:
                    schema = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    work(schema)
                except Exception as exc:  # noqa: BLE001 - reported with the schema's name
                    report(schema, exc)
                else:
                    report(schema, None)
                between_organisations()
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=worker, name=f"fleet-migrate-{n}")
        for n in range(max(1, min(jobs, len(schemas))))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def migrate_fleet(
    schemas: list[str],
    *,
    jobs: int = 4,
    loader: MigrationLoader | None = None,
    progress: Progress | None = None,
    replay: bool = True,
) -> FleetResult:
    """Bring every schema in `schemas` up to date with the tenant apps' migrations.

    Never raises for one schema's failure: it is returned in `result.failed` with the error,
    and every other schema is still migrated. `replay=False` applies the migrations schema by
    schema (the baseline the benchmark compares against).
    """
    loader = loader or load_migrations()
    labels = tenant_app_labels()
    result = FleetResult()
    lock = threading.Lock()

    def report(schema: str, error: BaseException | None) -> None:
        with lock:
            if error is None:
                result.migrated.append(schema)
            else:
                result.failed[schema] = _describe(error)
        if progress is not None:
            progress(schema, None if error is None else result.failed[schema])

    def count_replayed() -> None:
        with lock:
            result.replayed += 1

    groups: dict[tuple[Key, ...], list[str]] = {}
    for schema, applied in applied_migrations_by_schema(schemas).items():
        plan = tuple(pending_plan(loader, applied, labels))
        if plan:
            groups.setdefault(plan, []).append(schema)
        else:
            result.up_to_date += 1

    for plan, members in groups.items():
        _migrate_group(
            [loader.graph.nodes[key] for key in plan],
            members,
            loader=loader,
            jobs=jobs,
            replay=replay,
            report=report,
            count_replayed=count_replayed,
        )
    return result


def _apply_each(schemas, migrations, loader, state, report) -> None:
    for schema in schemas:
        try:
            apply_in_schema(schema, migrations, loader, state)
        except Exception as exc:  # noqa: BLE001 - reported with the schema's name
            report(schema, exc)
        else:
            report(schema, None)
        between_organisations()


def _migrate_group(
    migrations: list[Migration],
    members: list[str],
    *,
    loader: MigrationLoader,
    jobs: int,
    replay: bool,
    report: Callable[[str, BaseException | None], None],
    count_replayed: Callable[[], None],
) -> None:
    """Schemas that lack the same migrations: a pilot for real, then the rest."""
    state = state_before(loader, [(m.app_label, m.name) for m in migrations])
    can_replay = replay and replayable(migrations)
    remaining = list(members)
    statements: list[tuple[str, object]] | None = None
    post_state: ProjectState | None = None
    while remaining and statements is None:
        pilot = remaining.pop(0)
        try:
            recorded, final_state = apply_in_schema(
                pilot, migrations, loader, state, record=can_replay
            )
        except Exception as exc:  # noqa: BLE001 - reported with the schema's name
            report(pilot, exc)
            continue
        report(pilot, None)
        if not can_replay:
            break
        statements = recorded
        post_state = final_state if _changes_model_set(migrations) else None
    if statements is None:
        _apply_each(remaining, migrations, loader, state, report)
        return

    retry: list[str] = []
    retry_lock = threading.Lock()

    def after_replay(schema: str, error: BaseException | None) -> None:
        if error is None:
            count_replayed()
            report(schema, None)
        else:
            with retry_lock:
                retry.append(schema)

    _replay_pool(
        remaining,
        lambda schema: replay_in_schema(schema, statements, migrations, post_state),
        jobs=jobs,
        report=after_replay,
    )
    # A schema that drifted from the pilot gets the ordinary treatment before it is reported:
    # its own catalogue decides the statements.
    _apply_each(retry, migrations, loader, state, report)
