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
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# Clients (a load balancer) reuse connections; a short keep-alive avoids a TCP handshake per
# request without holding threads idle for long.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (with jitter, so they do not all restart at
# once): a bound on memory growth from fragmentation and per-schema catalogue caches.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
