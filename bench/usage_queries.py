"""The helpdesk's usage measures at 40 and at 400 organisations (#15 item 6).

    .venv/bin/python bench/usage_queries.py [--organisations 400] [--keep]

In a throw-away database `<name>_usagebench` beside the one DATABASE_URL names (never that
database itself), it makes N schemas holding only the columns the usage measures read (users
with sign-ins, PIs, values, evidence sizes; 40 users, 150 PIs, 1,200 values, 20 files each),
then times `tenants.usage.usage_for` — six statements whatever N — over the first tenth of
them (the baseline, same run) and over all of them, interleaved, five times each, and prints
the medians, the queries each made and the ratio. Linear growth would be a ratio of 10.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg

SUFFIX = "_usagebench"
SCHEMA_SQL = """
CREATE SCHEMA {s};
CREATE TABLE {s}.accounts_user (id serial PRIMARY KEY, is_active boolean NOT NULL,
    last_login timestamptz);
INSERT INTO {s}.accounts_user (is_active, last_login)
    SELECT true, now() - (i || ' days')::interval FROM generate_series(1, 40) i;
CREATE TABLE {s}.indicators_indicator (id serial PRIMARY KEY, retired_at timestamptz,
    title text);
INSERT INTO {s}.indicators_indicator (retired_at, title)
    SELECT CASE WHEN i % 10 = 0 THEN now() END, repeat('x', 60) FROM generate_series(1, 150) i;
CREATE TABLE {s}.indicators_indicatorvalue (id serial PRIMARY KEY,
    entered_at timestamptz NOT NULL, value numeric);
INSERT INTO {s}.indicators_indicatorvalue (entered_at, value)
    SELECT now() - ((i % 400) || ' days')::interval, i FROM generate_series(1, 1200) i;
CREATE TABLE {s}.planning_evidencedocument (id serial PRIMARY KEY, size bigint NOT NULL);
INSERT INTO {s}.planning_evidencedocument (size) SELECT 1000 * i FROM generate_series(1, 20) i;
"""


def bench_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + SUFFIX
    return name, urlunsplit(parts._replace(path="/" + name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--organisations", type=int, default=400)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    source = os.environ["DATABASE_URL"]
    name, url = bench_url(source)
    admin = urlunsplit(urlsplit(source)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        schemas = [f"org_bench_{i:04d}" for i in range(args.organisations)]
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(SCHEMA_SQL.format(s=schema))
            conn.execute("ANALYZE")
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault(
            "DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development"
        )
        import django

        django.setup()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from goldenthread.tenants.models import Organisation
        from goldenthread.tenants.usage import usage_for

        everyone = [Organisation(schema_name=s, slug=s.replace("_", "-"), name=s) for s in schemas]
        tenth = everyone[: max(1, len(everyone) // 10)]
        timings: dict[int, list[float]] = {len(tenth): [], len(everyone): []}
        queries = {}
        usage_for(tenth)  # warm-up
        for _ in range(5):
            for group in (tenth, everyone):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    rows = usage_for(group)
                    timings[len(group)].append(time.perf_counter() - started)
                queries[len(group)] = len(captured)
                assert len(rows) == len(group) and rows[0].users == 40
        small, large = (statistics.median(timings[n]) for n in (len(tenth), len(everyone)))
        print(
            f"usage of {len(tenth)} organisations: median {small * 1000:.0f} ms, "
            f"{queries[len(tenth)]} queries"
        )
        print(
            f"usage of {len(everyone)} organisations: median {large * 1000:.0f} ms, "
            f"{queries[len(everyone)]} queries"
        )
        print(f"ratio {len(everyone)} / {len(tenth)} organisations: {large / small:.1f}")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
