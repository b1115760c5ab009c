"""Many organisations in one PostgreSQL: requests, provisioning and migrations at N against 10.

    make bench                                               # N = 60 (the quick default)
    .venv/bin/python bench/estate_scale.py -n 400            # issue #16's P5 size
    .venv/bin/python bench/estate_scale.py -n 2000 --skip-django-tenants --lock-check 3000 --keep
    .venv/bin/python bench/estate_scale.py --reuse --skip-django-tenants --lock-check 3000
    .venv/bin/python bench/estate_scale.py --reuse --pairs-only --provision-pairs 12

Against a throw-away database `<name>_estate` beside the one DATABASE_URL names (dropped at the
end unless --keep; --reuse measures on the estate a --keep run left, without growing it, and
keeps it), it provisions organisations one by one with `organisation_create` and measures once
at 10 organisations on the way and once at N:

- the template copy's catalogue reads (`copy_schema_statements`) beside the old scan of
  pg_class by schema name, and one signed-in organisation's home page;
- requests in interleaved rounds after a warm-up round (bench/_estate_requests.py): 4 threads
  spread over 4 organisations (each thread to each of them in turn), 4 spread over every
  organisation with DATABASE_SCHEMAS_PER_CONNECTION (a connection retired after serving that
  many schemas), 4 spread over every organisation with no limit, and, for comparison, 4 each
  pinned to one of the 4 organisations; each arm's threads keep their connections between
  rounds as a web server's do, and the arms take turns, so load changes fall on all alike.
  Each round's ratio of medians is printed, and their median and range. The largest private
  memory (RssAnon, from /proc) and catalogue cache of any backend each arm used;
- migrations: no-op `goldenthread migrate` against django-tenants' `migrate_schemas`, and one
  new migration (a nullable indexed column on the users table, written to a temporary copy of
  the accounts migration package) by `goldenthread migrate` (pilot + replay, 4 connections)
  against `migrate_schemas --tenant` (schema after schema);
- at N only, after the requests and before the migrations, provisioning alternately in this
  estate and in a second database of 10 organisations in the same cluster
  (`<name>_estate_small`, whose template gets the run's new migrations too), each from a
  process of its own (bench/_provisioner.py), --provision-pairs of each: the ratio of the
  medians is the "N-th against 10th" figure taken under the same conditions. Before them the
  catalogue upkeep runs as beat would (tenants/catalogue_upkeep.py). Then
  --provision-pairs-after more right after the new migration across every schema, while its
  write-out is still going on: what provisioning costs on a release day, reported apart.
  Provisioning times while growing are printed too, but they are minutes apart and carry the
  machine's load changes.

--time-limit MINUTES stops growing once that long has passed since the start (at least 20
organisations) and measures at the size reached, which every line of the report names; progress
(count, time, median provisioning time of the last 25) is printed every 25 organisations.

--lock-check S brings the estate to S organisations with synthetic ones (a row and a schema
holding only a copy of the template's migration history, so the check finds them up to date),
runs the no-op `goldenthread migrate` on the server's own lock settings, reports the most locks
one history batch holds, and removes them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _estate_requests import (
    THREADS,
    Arm,
    Site,
    interleaved_rounds,
    round_ratios,
    single_organisation,
)
from _provisioner import Provisioner
from _throwaway import throwaway_database, timed_organisation_create

BENCH_SUFFIX = "_estate"
SMALL_SUFFIX = "_small"  # beside the estate: BASELINE organisations, for provisioning
SLUG_PREFIX = "estate-"
BASELINE = 10
DEFAULT_ORGANISATIONS = int(os.environ.get("GT_BENCH_ORGANISATIONS", "60"))
MIGRATION_PACKAGE = "gt_bench_accounts_migrations"


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
    parser.add_argument(
        "--keep", action="store_true", help="Leave the databases for inspection or --reuse."
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=(
            "Measure at the size of the estate a --keep run left (no growing, no measurement "
            "at 10); the database is kept."
        ),
    )
    parser.add_argument(
        "--rounds", type=int, default=48, help="Interleaved request rounds (after a warm-up)."
    )
    parser.add_argument(
        "--round-requests", type=int, default=48, help="Requests per arm and round."
    )
    parser.add_argument(
        "--schemas-per-connection",
        type=int,
        default=None,
        metavar="K",
        help="DATABASE_SCHEMAS_PER_CONNECTION for the spread (default: the setting's).",
    )
    parser.add_argument(
        "--provision-pairs",
        type=int,
        default=8,
        help=(
            "Organisations provisioned in each estate, alternately, after the requests and "
            "before the migrations (the N-th against the 10th)."
        ),
    )
    parser.add_argument(
        "--pairs-only",
        action="store_true",
        help="With --reuse: only the provisioning pairs (no requests, no migrations).",
    )
    parser.add_argument(
        "--provision-pairs-after",
        type=int,
        default=6,
        help=(
            "More pairs right after the new migration across every schema (its WAL and dirty "
            "catalogue pages still being written out); 0 leaves them out."
        ),
    )
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
        # The template's up-to-date check reads the migration graph once per process; a
        # release would be a new process.
        from goldenthread.tenants.template_schema import tenant_migration_nodes

        tenant_migration_nodes.cache_clear()
        return name

    def skip_recorded(self) -> None:
        """Number new migrations after those an earlier run of a reused estate recorded (their
        files went with that run; their columns stay)."""
        from django.db import connection

        from goldenthread.tenants.template_schema import template_schema_name

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT name) FROM (SELECT app, name FROM public.django_migrations "
                f"UNION ALL SELECT app, name FROM {template_schema_name()}.django_migrations) h "
                "WHERE app = 'accounts' AND name LIKE %s",
                ["9%_bench_probe"],
            )
            self.count = cursor.fetchone()[0]

    def location(self) -> tuple[str, Path]:
        """The package's module name and the folder that holds it, for another process."""
        return MIGRATION_PACKAGE, self.root

    def cleanup(self) -> None:
        sys.path.remove(str(self.root))
        shutil.rmtree(self.root, ignore_errors=True)


# --- provisioning ---------------------------------------------------------------------------


def provision(index: int):
    return timed_organisation_create(slug=f"{SLUG_PREFIX}{index}", name=f"Estate Council {index}")


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


def requests_interleaved(size: int, report: Report, site: Site, args) -> None:
    """Spread over 4 organisations against spread over every one (with the configured schema
    limit per connection, and without one), in interleaved rounds; each round's ratios, their
    median and spread; each backend's memory. Beside them, the earlier baseline: 4 threads
    each pinned to one of the 4 organisations (no schema switch on its connection)."""
    from django.conf import settings

    limit = args.schemas_per_connection
    if limit is None:
        limit = settings.DATABASE_SCHEMAS_PER_CONNECTION
    few = min(4, size)
    over4 = Arm("over 4", site, few, limit, rotate=True)
    pinned = Arm("over 4, pinned", site, few, limit)
    over_all = Arm("over all", site, size, limit)
    unlimited = Arm("over all, no limit", site, size, 0)
    arms = [over4, over_all, unlimited, pinned]
    print(
        f"  {args.rounds} rounds (after a warm-up round) of {args.round_requests} requests per "
        f"arm, {THREADS} threads each; DATABASE_SCHEMAS_PER_CONNECTION {limit}",
        flush=True,
    )
    interleaved_rounds(arms, args.rounds, args.round_requests)
    report.add("spread over 4, median (ms)", size, over4.median_ms())
    report.add(f"spread over all, limit {limit} schemas, median (ms)", size, over_all.median_ms())
    report.add("spread over all, no limit, median (ms)", size, unlimited.median_ms())
    report.add("over 4, each thread pinned to one, median (ms)", size, pinned.median_ms())
    for arm in arms:
        report.add(
            f"largest backend private memory, {arm.label} (MiB)", size, arm.largest_private_mib()
        )
        report.add(f"largest catalogue cache, {arm.label} (MiB)", size, arm.largest_cache_mib())
    report.add(f"backends used, over all with limit {limit}", size, len(over_all.backends))
    for arm, baseline, label in [
        (over_all, over4, f"over all (limit {limit}) / over 4"),
        (unlimited, over4, "over all (no limit) / over 4"),
        (over_all, pinned, f"over all (limit {limit}) / over 4 pinned"),
        (pinned, over4, "over 4 pinned / over 4"),
    ]:
        ratios = round_ratios(arm, baseline)
        middle = statistics.median(ratios)
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [middle] * 3
        report.add(f"{label}, median of per-round ratios", size, middle)
        print(
            f"  {label}: median {middle:.3f}x, quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f}x, "
            f"range {min(ratios):.3f}-{max(ratios):.3f}x; rounds "
            + " ".join(f"{ratio:.2f}" for ratio in ratios),
            flush=True,
        )
    served = (args.rounds + 1) * args.round_requests // THREADS
    print(f"  (each unlimited backend served up to {min(served, size)} organisations)", flush=True)


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
    size: int,
    report: Report,
    site: Site,
    migrations: Migrations,
    args: argparse.Namespace,
    *,
    slow: bool,
    sample: int = 0,
    before_migrations=None,
):
    print(f"\n-- at {size} organisations", flush=True)
    new_ms, old_ms = catalogue_reads()
    report.add("template copy catalogue reads (ms)", size, new_ms)
    report.add("old pg_class scan by schema name (ms)", size, old_ms)

    report.add("one organisation's home page, median (ms)", size, single_organisation(site))
    requests_interleaved(size, report, site, args)
    if before_migrations is not None:
        before_migrations()

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
    schemas = [schema_name_for(f"{SLUG_PREFIX}{int(n * step) + 1}") for n in range(sample)]
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
    """The no-op migrate check at `schemas` organisations under the server's own lock
    settings: the estate's organisations plus synthetic ones (an organisation row whose schema
    holds only a copy of the template's migration history, so the check finds it up to date).
    The synthetic ones are removed afterwards."""
    from django.db import connection, transaction

    from goldenthread.tenants.models import Organisation
    from goldenthread.tenants.template_schema import (
        HISTORY_BATCH,
        applied_migrations_by_schema,
        template_schema_name,
    )

    organisations = Organisation.objects.exclude(schema_name="public").count()
    extra = max(0, schemas - organisations)
    names = [f"estate_lock_{n}" for n in range(extra)]
    template = template_schema_name()
    print(f"\n-- lock check: {organisations} organisations and {extra} synthetic ones", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_locks_per_transaction")
        per_transaction = cursor.fetchone()[0]
        cursor.execute("SHOW max_connections")
        print(
            f"  max_locks_per_transaction {per_transaction}, max_connections "
            f"{cursor.fetchone()[0]}",
            flush=True,
        )
    try:
        for start in range(0, extra, 100):
            with transaction.atomic(), connection.cursor() as cursor:
                for name in names[start : start + 100]:
                    cursor.execute(
                        f"CREATE SCHEMA {name}; CREATE TABLE {name}.django_migrations "
                        f"(LIKE {template}.django_migrations INCLUDING ALL); INSERT INTO "
                        f"{name}.django_migrations SELECT * FROM {template}.django_migrations"
                    )
                Organisation.objects.bulk_create(
                    Organisation(
                        schema_name=name, name=name, slug=name.replace("_", "-"), type="district"
                    )
                    for name in names[start : start + 100]
                )
        every = list(
            Organisation.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
        )
        elapsed = timed_command("migrate")
        print(
            f"  no-op goldenthread migrate over {len(every)} organisations: {elapsed:.1f} s",
            flush=True,
        )
        most = 0
        for start in range(0, len(every), HISTORY_BATCH):
            with transaction.atomic():
                applied_migrations_by_schema(every[start : start + HISTORY_BATCH])
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()")
                    most = max(most, cursor.fetchone()[0])
        print(f"  at most {most} locks held at once (batches of {HISTORY_BATCH})", flush=True)
    finally:
        remove_synthetic_organisations()


def remove_synthetic_organisations() -> None:
    """The lock check's organisations, also those an interrupted run left."""
    from django.db import connection, transaction

    from goldenthread.tenants.models import Organisation

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'estate\\_lock\\_%'")
        names = [row[0] for row in cursor.fetchall()]
    Organisation.objects.filter(schema_name__startswith="estate_lock_")._raw_delete("default")
    for start in range(0, len(names), 100):
        with transaction.atomic(), connection.cursor() as cursor:
            batch = names[start : start + 100]
            cursor.execute("; ".join(f"DROP SCHEMA {name} CASCADE" for name in batch))


# --- provisioning, in the large estate and in a small one, alternately ---------------------


def provisioning_interleaved(
    report: Report,
    size: int,
    next_index: int,
    args: argparse.Namespace,
    migrations: Migrations,
    *,
    pairs: int,
    when: str = "",
) -> int:
    """Provisioning in this estate against a database of BASELINE organisations in the same
    cluster, alternately, each from a process of its own: the next organisation here against
    the BASELINE-th there, then the next of each, `pairs` times. `when` qualifies the report's
    labels; returns the next index free in this estate."""
    from django.db import connection

    from goldenthread.platform.devtools.database import (
        database_name,
        drop_database,
        ensure_database,
        with_database_name,
    )

    large_url = os.environ["DATABASE_URL"]
    small_url = with_database_name(large_url, f"{database_name(large_url)}{SMALL_SUFFIX}")
    connection.close()
    drop_database(small_url)
    ensure_database(small_url)
    print(
        f"\n-- provisioning{when}: {pairs} pairs, here and in {database_name(small_url)}",
        flush=True,
    )
    small = large = None
    from goldenthread.tenants.catalogue_upkeep import vacuum_churned_catalogue

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
    # What beat's upkeep does every ten minutes on a deployment (tenants.catalogue_upkeep),
    # done now because a benchmark grows the estate faster than that.
    print(f"  autovacuum {autovacuum}; {vacuum_churned_catalogue().summary()}", flush=True)
    connection.close()
    try:
        # The small database's template gets this run's new migrations too, so that both copy
        # the same columns and indexes (a reused estate keeps earlier runs' as well).
        small = Provisioner(small_url, "small estate", migrations=migrations.location())
        large = Provisioner(large_url, "large estate")
        for index in range(1, BASELINE):  # untimed; the first also warms the process up
            small.provision(f"small-{index}")
        next_here = next_index
        large.provision(f"{SLUG_PREFIX}{next_here}")  # warm-up
        times: dict[str, list[float]] = {"small": [], "large": []}
        for pair in range(pairs):
            steps = [
                ("small", small, f"small-{BASELINE + pair}"),
                ("large", large, f"{SLUG_PREFIX}{next_here + 1 + pair}"),
            ]
            for label, process, slug in steps if pair % 2 == 0 else reversed(steps):
                times[label].append(process.provision(slug))
        small_ms = statistics.median(times["small"]) * 1000
        large_ms = statistics.median(times["large"]) * 1000
        print(
            f"  small estate, organisations {BASELINE} to {BASELINE + pairs - 1}: "
            + ", ".join(f"{t * 1000:.0f}" for t in times["small"])
            + " ms",
            flush=True,
        )
        print(
            f"  this estate, organisations {next_here + 1} to {next_here + pairs}: "
            + ", ".join(f"{t * 1000:.0f}" for t in times["large"])
            + " ms",
            flush=True,
        )
        report.add(
            f"provisioning{when}, alternating, small estate (10th on), median (ms)", size, small_ms
        )
        report.add(f"provisioning{when}, alternating, this estate, median (ms)", size, large_ms)
        print(f"  provisioning{when} here / at {BASELINE}: {large_ms / small_ms:.2f}x", flush=True)
    finally:
        for process in (small, large):
            if process is not None:
                process.close()
        if args.keep:
            print(f"kept {database_name(small_url)}", flush=True)
        else:
            drop_database(small_url)
    return next_here + 1 + pairs


def ratio_lines(report: Report, size: int) -> None:
    def ratio(a: str, b: str, at_a: int, at_b: int) -> str:
        try:
            return f"{report.rows[a][at_a] / report.rows[b][at_b]:.2f}x"
        except (KeyError, ZeroDivisionError):
            return "n/a"

    print(f"\n== ratios measured in this run ({size} against {BASELINE} organisations)")
    for label, sizes in report.rows.items():
        if {size, BASELINE} <= sizes.keys():
            print(f"  {label}: {size}/{BASELINE} = {ratio(label, label, size, BASELINE)}")
    over4 = "spread over 4, median (ms)"
    for label in [row for row in report.rows if row.startswith("spread over all")]:
        print(f"  at {size}: {label} / {over4}: {ratio(label, over4, size, size)}")
    for label in [row for row in report.rows if row.endswith("median of per-round ratios")]:
        print(f"  at {size}: {label}: {report.rows[label][size]:.3f}x")
    for when in ("", " right after the new migration"):
        print(
            f"  at {size}: provisioning{when}, alternating, this estate / small estate: "
            + ratio(
                f"provisioning{when}, alternating, this estate, median (ms)",
                f"provisioning{when}, alternating, small estate (10th on), median (ms)",
                size,
                size,
            )
        )
    for at in (BASELINE, size):
        print(
            f"  at {at}: new migration, migrate_schemas / goldenthread migrate: "
            f"{ratio('new migration, migrate_schemas --tenant (s)', 'new migration, goldenthread migrate (s)', at, at)}; "  # noqa: E501
            f"no-op migrate_schemas / goldenthread migrate: "
            f"{ratio('no-op migrate_schemas (s)', 'no-op goldenthread migrate (s)', at, at)}"
        )


def grow(args: argparse.Namespace, report: Report, site: Site, migrations: Migrations) -> int:
    """Provision organisations one by one up to -n (or the time limit), measuring once at
    BASELINE on the way; returns the size reached."""
    run_started = time.perf_counter()
    times: list[float] = []
    target = max(args.organisations, BASELINE)
    deadline = run_started + args.time_limit * 60 if args.time_limit else None
    provision(0)  # warm-up, not counted
    size = 0
    for index in range(1, target + 1):
        provisioned, elapsed = provision(index)
        times.append(elapsed)
        site.sign_in(provisioned.organisation, provisioned.administrator)
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
            measure(BASELINE, report, site, migrations, args, slow=True)
        if deadline and index >= BASELINE + 10 and time.perf_counter() > deadline:
            print(
                f"  time limit ({args.time_limit:g} min) reached: stopping at {size} of "
                f"{target} organisations; measuring at {size}",
                flush=True,
            )
            break
    # Around the 10th (6th-15th, so ten samples) against the last ten: taken minutes apart,
    # so under whatever load each moment had (the alternating measurement below is fair).
    around_tenth = statistics.median(times[5:15]) * 1000
    last = statistics.median(times[-10:]) * 1000
    report.rows["provisioning while growing, median of ten (ms)"] = {
        BASELINE: around_tenth,
        size: last,
    }
    print(f"  provisioning: around the 10th {around_tenth:.0f} ms, last ten {last:.0f} ms")
    from django.db import connection

    connection.close()  # this thread touched every schema while provisioning
    return size


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    migrations = Migrations()
    migrations.activate()
    try:
        started = time.perf_counter()
        bring_all_up_to_date()
        print(f"public and template schemas migrated in {time.perf_counter() - started:.1f} s")
        report = Report()
        site = Site()
        if args.reuse:
            migrations.skip_recorded()
            remove_synthetic_organisations()
            last_index = site.sign_in_existing(SLUG_PREFIX)
            size = len(site.sessions)
            print(f"reusing the estate: {size} organisations signed in", flush=True)
        else:
            size = last_index = grow(args, report, site, migrations)
        if args.pairs_only:
            provisioning_interleaved(
                report, size, last_index + 1, args, migrations, pairs=args.provision_pairs
            )
        elif size > BASELINE:
            next_free = last_index + 1

            def provisioning_now() -> None:
                nonlocal next_free
                next_free = provisioning_interleaved(
                    report, size, next_free, args, migrations, pairs=args.provision_pairs
                )

            measure(
                size,
                report,
                site,
                migrations,
                args,
                slow=not args.skip_django_tenants,
                sample=args.baseline_sample,
                before_migrations=provisioning_now,
            )
            if args.provision_pairs_after:
                provisioning_interleaved(
                    report,
                    size,
                    next_free,
                    args,
                    migrations,
                    pairs=args.provision_pairs_after,
                    when=" right after the new migration",
                )
        ratio_lines(report, size)
        if args.lock_check:
            lock_check(args.lock_check)
    finally:
        migrations.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with throwaway_database(BENCH_SUFFIX, keep=args.keep, reuse=args.reuse):
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
