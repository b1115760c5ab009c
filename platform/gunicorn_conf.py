"""gunicorn settings for production (infra/Dockerfile, compose), `make demo` and
`bench/throughput.py`: `gunicorn -c python:goldenthread.platform.gunicorn_conf …`.

Chosen by measurement on a 2-core machine (see infra/README.md, "Web server settings"); every
value can be overridden by the GUNICORN_* variables below without editing this file.
"""

import os

# Threads share a process's memory and Django's connection per thread; processes give
# parallelism past the GIL. The work per request is mostly waiting on PostgreSQL and Redis,
# so a few threads per process keep the cores busy. Compared on 2 cores with
# `bench/throughput.py --servers 2x4 4x2 3x3 4x1sync` (infra/README.md): 2 x 4 served the
# most requests at concurrency 8 and 32; more processes than cores, or sync workers, served
# fewer. GUNICORN_WORKER_CLASS=sync is there for such comparisons.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gunicorn's threaded worker, except that a worker whose threads are all busy leaves new
# connections to the others (platform/gunicorn_worker.py): with gunicorn's own ("gthread")
# the worker that is awake accepts a burst of connections alone and keeps them, and the PI
# list served half the requests (bench/README.md, session 9).
worker_class = os.environ.get(
    "GUNICORN_WORKER_CLASS", "goldenthread.platform.gunicorn_worker.SharingThreadWorker"
)
# Clients (a load balancer) reuse connections; a short keep-alive avoids a TCP handshake per
# request without holding threads idle for long.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (with jitter, so they do not all restart at
# once): a bound on memory growth from fragmentation and per-schema catalogue caches.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Off: every worker accepts from one shared listening socket, and the worker class above
# shares the connections out. With SO_REUSEPORT (1) each worker has its own socket and the
# kernel spreads connections evenly too, yet a worker that is retiring
# (max_requests, a reload) leaves its socket open and unserved until it exits, and the
# connections queued on it are then reset: a one-minute soak with recycling lost dozens of
# requests that way and none with the shared socket (infra/README.md, "Web server settings").
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "0") == "1"
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))


def post_worker_init(worker) -> None:
    """gunicorn's hook, once a worker has loaded the application."""
    freeze_loaded_objects()


def freeze_loaded_objects() -> None:
    """Move what the worker has loaded (Django, both URLconfs and every view they import, the
    GraphQL schema: ~250,000 objects that live as long as the worker) out of the cyclic
    garbage collector's reach. Otherwise each full collection walks them all, and a request
    that builds many objects triggers them: 97 of the 335 ms of CPU of the GraphQL partnership
    dashboard, 25 ms once frozen (bench/README.md). Objects created later are collected as
    before."""
    import gc
    from importlib import import_module

    from django.conf import settings

    for name in ("ROOT_URLCONF", "PUBLIC_SCHEMA_URLCONF"):
        if getattr(settings, name, None):
            import_module(getattr(settings, name))
    from graphene_django.settings import graphene_settings

    graphene_settings.SCHEMA  # noqa: B018 - imported on first use otherwise
    gc.collect()
    gc.freeze()
