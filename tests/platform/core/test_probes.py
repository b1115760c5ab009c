"""`/livez` and `/readyz`: probes an orchestrator sends to an instance's address."""

from __future__ import annotations

import pytest
import redis
from django.test import Client

from goldenthread.platform.core.health import HEALTH_CLIENT_NAME
from tests.platform.core.test_health import closed_port

# What a probe sends as Host: the instance's address (a documentation address here), which
# is neither an allowed host nor any organisation's.
INSTANCE_ADDRESS = "192.0.2.10:8000"


@pytest.mark.parametrize("path", ["/livez", "/readyz"])
def test_probes_answer_whatever_the_host_header_says(db, path):
    response = Client(HTTP_HOST=INSTANCE_ADDRESS).get(path)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_the_same_address_serves_nothing_else(db):
    # Other paths still go through the host checks: an address is not a host we serve.
    assert Client(HTTP_HOST=INSTANCE_ADDRESS).get("/healthz").status_code == 400


def test_readiness_is_503_naming_the_broker_when_it_is_down_and_liveness_stays_up(db, settings):
    settings.CELERY_BROKER_URL = f"redis://:hunter2-secret@127.0.0.1:{closed_port()}/0"
    client = Client(HTTP_HOST=INSTANCE_ADDRESS)

    ready = client.get("/readyz")
    live = client.get("/livez")

    assert ready.status_code == 503
    assert ready.json()["checks"]["broker"]["error"].startswith("broker unreachable")
    assert "hunter2-secret" not in ready.content.decode()
    assert live.status_code == 200


def health_connection_ids(observer: redis.Redis) -> set[int]:
    return {
        client["id"] for client in observer.client_list() if client["name"] == HEALTH_CLIENT_NAME
    }


def test_readiness_reuses_one_broker_connection(db, settings):
    # Given the real broker, watched by a client of its own
    observer = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client = Client(HTTP_HOST=INSTANCE_ADDRESS)
    assert client.get("/readyz").status_code == 200  # the first probe opens the connection
    # (the pool may already hold another idle connection, opened when two threads of this
    # process, such as a live server's, probed at once)
    opened = health_connection_ids(observer)
    assert opened

    # When the orchestrator probes twenty times
    for _ in range(20):
        assert client.get("/readyz").status_code == 200

    # Then every probe used that same connection: none was opened (or dropped) meanwhile
    assert health_connection_ids(observer) == opened


def test_probe_paths_answer_only_reads(db):
    # A POST is not a probe: it goes through the normal routing, where no such page exists.
    assert Client(HTTP_HOST="localhost").post("/livez").status_code == 404


def test_probes_come_before_the_request_tracing(settings):
    # The tracing middleware reads the absolute URL, which refuses an address as Host.
    assert settings.MIDDLEWARE[0] == "goldenthread.platform.core.probes.ProbeMiddleware"
