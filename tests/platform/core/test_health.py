"""`/healthz`: database and broker, on every host, without sign-in, without secrets."""

from __future__ import annotations

import socket

import pytest

from goldenthread.tenants.services import organisation_suspend
from tests.factories import provision_organisation


def closed_port() -> int:
    # Bind, note the port and close: nothing listens there for the rest of the test.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("host", ["org_a", "org_b", "public"])
def test_healthz_reports_database_and_broker_ok_without_sign_in(host, org_a, org_b, client_for):
    organisation = {"org_a": org_a, "org_b": org_b, "public": None}[host]

    response = client_for(organisation).get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_for_a_suspended_organisation(db, client_for):
    # Given a suspended organisation, whose pages are closed
    suspended = provision_organisation(slug="health-suspended", name="Suspended Council")
    organisation_suspend(organisation=suspended, reason="Unpaid licence")
    client = client_for(suspended)
    assert client.get("/").status_code == 403

    # Then its host still answers the health check
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_is_503_naming_the_broker_when_the_broker_is_down(org_a, client_for, settings):
    # Given a broker URL (with a password) pointing at a port nothing listens on
    settings.CELERY_BROKER_URL = f"redis://:hunter2-secret@127.0.0.1:{closed_port()}/0"

    response = client_for(org_a).get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["broker"]["error"].startswith("broker unreachable")
    # And nothing about the connection leaks: no password, no URL, no port
    text = response.content.decode()
    assert "hunter2-secret" not in text
    assert "redis://" not in text
    assert settings.CELERY_BROKER_URL.rsplit(":", 1)[1].split("/")[0] not in text


def test_healthz_does_not_expose_configuration(org_a, client_for, settings):
    response = client_for(org_a).get("/healthz")

    text = response.content.decode()
    assert settings.SECRET_KEY not in text
    assert settings.DATABASES["default"]["NAME"] not in text
    assert settings.CELERY_BROKER_URL not in text
    assert set(response.json()) == {"status", "checks"}
