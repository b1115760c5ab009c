"""Many organisations in one PostgreSQL: requests, provisioning and migrations at N against 10.

    make bench                                               # N = 60 (the quick default)
    .venv/bin/python bench/estate_scale.py -n 400            # issue #16's P5 size
    GT_BENCH_ORGANISATIONS=2000 make bench                   # the full estate (P9), ~1 hour
    .venv/bin/python bench/estate_scale.py -n 2000 --skip-django-tenants --lock-check 3000

In one run, against a throw-away database `<name>_estate` beside the one DATABASE_URL names
(dropped at the end unless --keep), it provisions organisations one by one with
`organisation_create` and, once at 10 organisations and once at N, measures:

- provisioning: each organisation's `organisation_create` time (median of the 6th to 15th
  against the median of the last ten), and the catalogue reads of the template copy
  (`copy_schema_statements`) beside the old scan of pg_class by schema name;
- requests: the home page of one signed-in organisation, 4 threads on persistent
  connections spread over 4 organisations against spread over every organisation, and the
  catalogue-cache memory each backend holds afterwards (`pg_backend_memory_contexts`); the
  same spread over every organisation again with a connection per request (CONN_MAX_AGE 0);
- migrations: no-op `goldenthread migrate` against django-tenants' `migrate_schemas`, and one
  new migration (a nullable indexed column on the users table) across every organisation by
  `goldenthread migrate` (pilot + replay, 4 connections) against `migrate_schemas --tenant`
  (schema after schema). The new migrations are written to a temporary copy of the accounts
  migration package (MIGRATION_MODULES), never to the source tree.

--time-limit MINUTES stops growing once that long has passed since the start (at least 20
organisations) and measures at the size reached, which every line of the report names; progress
(count, time, median provisioning time of the last 25) is printed every 25 organisations.

--lock-check S adds S synthetic schemas (an empty django_migrations table each) at the end and
reads every history as the migrate check does, reporting the most locks one batch held.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH_SUFFIX = "_estate"
BASELINE = 10
DEFAULT_ORGANISATIONS = int(os.environ.get("GT_BENCH_ORGANISATIONS", "60"))
MIGRATION_PACKAGE = "gt_bench_accounts_migrations"
THREADS = 4


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-n",
        "--organisations",
        type=int,
        default=DEFAULT_ORGANISATIONS,
        help="How many organisations to grow to (default 60, or GT_BENCH_ORGANISATIONS).",
    )
    parser.add_argument(
        "--skip-django-tenants",
        action="store_true",
        help="Leave out migrate_schemas (the slow baselines) at N; still run at 10.",
    )
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=0,
        metavar="K",
        help=(
            "At N, time migrate_schemas on K organisations only and scale its per-schema time "
            "to N (it is linear: one schema after another); 0 (default) times all N."
        ),
    )
    parser.add_argument("--lock-check", type=int, default=0, metavar="SCHEMAS")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=0,
        metavar="MINUTES",
        help=(
            "Stop growing the estate once MINUTES have passed since the start and measure at "
            "the size reached (reported as such); 0 (default) grows to -n whatever it takes."
        ),
    )
    parser.add_argument("--keep", action="store_true", help="Leave the database for inspection.")
    # make bench passes the same arguments to every benchmark; ignore the others'.
    args, _unknown = parser.parse_known_args(argv)
    return args


class Report:
    def __init__(self) -> None:
        self.rows: dict[str, dict[int, float]] = {}

    def add(self, label: str, size: int, value: float) -> None:
        self.rows.setdefault(label, {})[size] = value
        print(f"  [{size:>5} organisations] {label}: {value:.4g}", flush=True)


# --- the new migrations, in a temporary copy of the accounts migration package --------------


class Migrations:
    def __init__(self) -> None:
        from goldenthread.platform.accounts import migrations as accounts_migrations

        self.root = Path(tempfile.mkdtemp(prefix="gt_bench_"))
        self.package = self.root / MIGRATION_PACKAGE
        shutil.copytree(Path(accounts_migrations.__file__).parent, self.package)
        for cached in self.package.glob("__pycache__"):
            shutil.rmtree(cached)
        sys.path.insert(0, str(self.root))
        names = sorted(p.stem for p in self.package.glob("0*.py"))
        self.leaf = names[-1]
        self.count = 0

    def activate(self) -> None:
        from django.conf import settings

        settings.MIGRATION_MODULES = {"accounts": MIGRATION_PACKAGE}

    def add(self) -> str:
        """Write one more migration: a nullable, indexed column on the users table."""
        self.count += 1
        name = f"9{self.count:03d}_bench_probe"
        (self.package / f"{name}.py").write_text(
            "from django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n"
            f"    dependencies = [('accounts', '{self.leaf}')]\n"
            "    operations = [\n"
            "        migrations.AddField(\n"
            f"            'user', 'bench_probe_{self.count}',\n"
            "            models.IntegerField(null=True, db_index=True),\n"
            "        )\n"
            "    ]\n"
        )
        self.leaf = name
        return name

    def cleanup(self) -> None:
        sys.path.remove(str(self.root))
        shutil.rmtree(self.root, ignore_errors=True)


# --- provisioning ---------------------------------------------------------------------------


def provision(index: int):
    from goldenthread.tenants.services import organisation_create

    started = time.perf_counter()
    provisioned = organisation_create(
        name=f"Estate Council {index}",
        slug=f"estate-{index}",
        type="district",
        admin_email=f"admin@estate-{index}.example",
        admin_name="Estate Administrator",
    )
    return provisioned, time.perf_counter() - started


def catalogue_reads() -> tuple[float, float]:
    """(template copy's catalogue reads, the old pg_class scan by schema name), in ms."""
    from django.db import connection, transaction

    from goldenthread.tenants.schema_copy import copy_schema_statements
    from goldenthread.tenants.template_schema import template_schema_name

    template = template_schema_name()
    new, old = [], []
    for _ in range(5):
        with transaction.atomic():
            started = time.perf_counter()
            copy_schema_statements(template, "estate_probe")
            new.append(time.perf_counter() - started)
            transaction.set_rollback(True)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
                [template],
            )
            cursor.fetchall()
            old.append(time.perf_counter() - started)
    return statistics.median(new) * 1000, statistics.median(old) * 1000


# --- requests -------------------------------------------------------------------------------


class Site:
    """A signed-in session cookie per organisation, for in-process requests to its host."""

    def __init__(self) -> None:
        self.sessions: list[tuple[str, str]] = []  # (host, session cookie)

    def sign_in(self, provisioned) -> None:
        from django.conf import settings
        from django.test import Client
        from django_tenants.utils import schema_context

        from goldenthread.tenants.services import organisation_host

        host = organisation_host(provisioned.organisation.slug)
        client = Client(HTTP_HOST=host)
        with schema_context(provisioned.organisation.schema_name):
            client.force_login(provisioned.administrator)
        self.sessions.append((host, client.cookies[settings.SESSION_COOKIE_NAME].value))

    def client(self, index: int):
        from django.conf import settings
        from django.test import Client

        host, cookie = self.sessions[index]
        client = Client(HTTP_HOST=host)
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        return client


def get(client) -> float:
    started = time.perf_counter()
    response = client.get("/")
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET / answered {response.status_code}, not 200")
    return elapsed


def single_organisation(site: Site, count: int = 60) -> float:
    client = site.client(0)
    get(client)
    return statistics.median(get(client) for _ in range(count)) * 1000


def spread(site: Site, organisations: int, requests: int, *, conn_max_age) -> tuple[float, float]:
    """THREADS threads each sending requests/THREADS requests, organisation after
    organisation among the first `organisations`. Returns (median ms, mean MiB of catalogue
    cache per backend afterwards)."""
    from django.db import connection, connections

    connections.settings["default"]["CONN_MAX_AGE"] = conn_max_age
    times: list[float] = []
    cache_bytes: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        clients: dict[int, object] = {}
        mine = []
        try:
            for n in range(requests // THREADS):
                index = (offset + n * THREADS) % organisations
                client = clients.get(index) or clients.setdefault(index, site.client(index))
                mine.append(get(client))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT coalesce(sum(total_bytes), 0) FROM pg_backend_memory_contexts "
                    "WHERE name IN ('CacheMemoryContext', 'CatCacheMemoryContext') "
                    "OR parent = 'CacheMemoryContext'"
                )
                used = cursor.fetchone()[0]
            with lock:
                times.extend(mine)
                cache_bytes.append(used)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connections.settings["default"]["CONN_MAX_AGE"] = 60
    if errors:
        raise SystemExit(f"a request thread failed: {errors[0]!r}")
    return statistics.median(times) * 1000, statistics.mean(cache_bytes) / 2**20


# --- migrations -----------------------------------------------------------------------------


def timed_command(*args, **options) -> float:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command(*args, interactive=False, verbosity=0, **options)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def bring_all_up_to_date() -> None:
    """Public schema, template and organisations, untimed (between measurements)."""
    from goldenthread.tenants.template_schema import tenant_migration_nodes

    tenant_migration_nodes.cache_clear()
    timed_command("migrate")


def measure(
    size: int, report: Report, site: Site, migrations: Migrations, *, slow: bool, sample: int = 0
):
    print(f"\n-- at {size} organisations", flush=True)
    new_ms, old_ms = catalogue_reads()
    report.add("template copy catalogue reads (ms)", size, new_ms)
    report.add("old pg_class scan by schema name (ms)", size, old_ms)

    report.add("one organisation's home page, median (ms)", size, single_organisation(site))
    # Every organisation twice (cold, then warm), the same count over 4; one pass with a
    # connection per request (every request is cold there anyway).
    requests = max(2 * size, 200)
    over4, cache4 = spread(site, 4, requests, conn_max_age=None)
    overall, cache_all = spread(site, size, requests, conn_max_age=None)
    per_request, _ = spread(site, size, max(size, 100), conn_max_age=0)
    report.add("spread over 4, persistent connections, median (ms)", size, over4)
    report.add("spread over all, persistent connections, median (ms)", size, overall)
    report.add("spread over all, connection per request, median (ms)", size, per_request)
    report.add("catalogue cache per backend, over 4 (MiB)", size, cache4)
    report.add("catalogue cache per backend, over all (MiB)", size, cache_all)

    bring_all_up_to_date()
    report.add("no-op goldenthread migrate (s)", size, timed_command("migrate"))
    sampled = sample if slow and 0 < sample < size else 0
    if slow and not sampled:
        report.add("no-op migrate_schemas (s)", size, timed_command("migrate_schemas"))
    elif sampled:
        report.add("no-op migrate_schemas (s)", size, sampled_migrate_schemas(site, size, sampled))

    migrations.add()
    report.add(
        "new migration, goldenthread migrate (s)",
        size,
        timed_command("migrate", jobs=THREADS),
    )
    if slow:
        migrations.add()
        if sampled:
            elapsed = sampled_migrate_schemas(site, size, sampled, shared=False)
        else:
            elapsed = timed_command("migrate_schemas", tenant=True)
        report.add("new migration, migrate_schemas --tenant (s)", size, elapsed)
        bring_all_up_to_date()


def sampled_migrate_schemas(site: Site, size: int, sample: int, *, shared: bool = True) -> float:
    """migrate_schemas's time over `size` organisations, estimated from `sample` of them spread
    through the estate (its per-schema work is the same for each, done one after another),
    plus its public-schema step when `shared`."""
    from goldenthread.tenants.services import schema_name_for

    step = size / sample
    schemas = [schema_name_for(f"estate-{int(n * step) + 1}") for n in range(sample)]
    public = timed_command("migrate_schemas", shared=True) if shared else 0.0
    each = [timed_command("migrate_schemas", tenant=True, schema_name=schema) for schema in schemas]
    estimate = public + statistics.mean(each) * size
    print(
        f"  (migrate_schemas sampled on {sample} schemas: {statistics.mean(each):.3f} s each, "
        f"public {public:.2f} s; estimate for {size}: {estimate:.1f} s)",
        flush=True,
    )
    return estimate


def lock_check(schemas: int) -> None:
    """Synthetic: many schemas with a history table each; read them as the check does."""
    from django.db import connection, transaction

    from goldenthread.tenants.template_schema import (
        HISTORY_BATCH,
        applied_migrations_by_schema,
    )

    print(f"\n-- lock check: {schemas} synthetic schemas", flush=True)
    names = [f"estate_lock_{n}" for n in range(schemas)]
    for start in range(0, schemas, 100):
        with transaction.atomic(), connection.cursor() as cursor:
            for name in names[start : start + 100]:
                cursor.execute(
                    f"CREATE SCHEMA {name}; CREATE TABLE {name}.django_migrations "
                    "(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                    "app varchar(255), name varchar(255), applied timestamptz)"
                )
    cursor_sql = "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
    most = 0
    started = time.perf_counter()
    for start in range(0, schemas, HISTORY_BATCH):
        with transaction.atomic():
            applied_migrations_by_schema(names[start : start + HISTORY_BATCH])
            with connection.cursor() as cursor:
                cursor.execute(cursor_sql)
                most = max(most, cursor.fetchone()[0])
    whole = time.perf_counter() - started
    started = time.perf_counter()
    histories = applied_migrations_by_schema(names)
    print(
        f"  read {len(histories)} histories in {time.perf_counter() - started:.2f} s "
        f"(batched in transactions: {whole:.2f} s); at most {most} locks held at once "
        f"(batches of {HISTORY_BATCH})",
        flush=True,
    )


def ratio_lines(report: Report, size: int) -> None:
    def ratio(a: str, b: str, at_a: int, at_b: int) -> str:
        try:
            return f"{report.rows[a][at_a] / report.rows[b][at_b]:.2f}x"
        except (KeyError, ZeroDivisionError):
            return "n/a"

    print(f"\n== ratios measured in this run ({size} against {BASELINE} organisations)")
    for label in report.rows:
        print(f"  {label}: {size}/{BASELINE} = {ratio(label, label, size, BASELINE)}")
    print(
        "  spread over all / over 4 (persistent): "
        f"{ratio('spread over all, persistent connections, median (ms)', 'spread over 4, persistent connections, median (ms)', size, size)}"  # noqa: E501
    )
    print(
        "  spread over all, connection per request / over 4 (persistent): "
        f"{ratio('spread over all, connection per request, median (ms)', 'spread over 4, persistent connections, median (ms)', size, size)}"  # noqa: E501
    )
    for at in (BASELINE, size):
        print(
            f"  at {at}: new migration, migrate_schemas / goldenthread migrate: "
            f"{ratio('new migration, migrate_schemas --tenant (s)', 'new migration, goldenthread migrate (s)', at, at)}; "  # noqa: E501
            f"no-op migrate_schemas / goldenthread migrate: "
            f"{ratio('no-op migrate_schemas (s)', 'no-op goldenthread migrate (s)', at, at)}"
        )


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    migrations = Migrations()
    migrations.activate()
    run_started = time.perf_counter()
    try:
        started = time.perf_counter()
        bring_all_up_to_date()
        print(f"public and template schemas migrated in {time.perf_counter() - started:.1f} s")
        report = Report()
        site = Site()
        times: list[float] = []
        target = max(args.organisations, BASELINE)
        deadline = run_started + args.time_limit * 60 if args.time_limit else None
        provision(0)  # warm-up, not counted
        size = 0
        for index in range(1, target + 1):
            provisioned, elapsed = provision(index)
            times.append(elapsed)
            site.sign_in(provisioned)
            size = index
            if index % max(1, min(25, target // 20)) == 0:
                window = statistics.median(times[-25:]) * 1000
                print(
                    f"  provisioned {index}/{target} at {time.strftime('%H:%M:%S')} "
                    f"({time.perf_counter() - run_started:.0f} s in; median of the last 25: "
                    f"{window:.0f} ms)",
                    flush=True,
                )
            if index == BASELINE:
                measure(BASELINE, report, site, migrations, slow=True)
            if deadline and index >= BASELINE + 10 and time.perf_counter() > deadline:
                print(
                    f"  time limit ({args.time_limit:g} min) reached: stopping at {size} of "
                    f"{target} organisations; measuring at {size}",
                    flush=True,
                )
                break
        # Around the 10th (6th-15th, so ten samples) against the last ten.
        around_tenth = statistics.median(times[5:15]) * 1000
        last = statistics.median(times[-10:]) * 1000
        report.rows["provisioning, median of ten (ms)"] = {BASELINE: around_tenth, size: last}
        print(f"  provisioning: around the 10th {around_tenth:.0f} ms, last ten {last:.0f} ms")
        if size > BASELINE:
            measure(
                size,
                report,
                site,
                migrations,
                slow=not args.skip_django_tenants,
                sample=args.baseline_sample,
            )
        ratio_lines(report, size)
        if args.lock_check:
            lock_check(args.lock_check)
    finally:
        migrations.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from goldenthread.platform.devtools.database import (
        database_name,
        drop_database,
        ensure_database,
        with_database_name,
    )
    from goldenthread.platform.devtools.services import available_services

    with available_services():
        configured = os.environ["DATABASE_URL"]
        bench_name = f"{database_name(configured)}{BENCH_SUFFIX}"
        bench_url = with_database_name(configured, bench_name)
        drop_database(bench_url)  # left over from an interrupted run
        ensure_database(bench_url)
        print(f"benchmark database: {bench_name} (beside {database_name(configured)})")
        os.environ["DATABASE_URL"] = bench_url
        os.environ.setdefault(
            "DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development"
        )
        try:
            run(args)
        finally:
            from django.db import connections

            connections.close_all()
            if args.keep:
                print(f"kept {bench_name}")
            else:
                drop_database(bench_url)
                print(f"dropped {bench_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
