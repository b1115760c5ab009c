"""Static files in production: with DEBUG off, WhiteNoise serves what `collectstatic` put in
STATIC_ROOT, compressed, on every host (the unknown-host and suspended pages need their CSS).

The demo and the browser tests use the live server's static handler instead; this covers the
production path: collectstatic with the production storage, then the WhiteNoise middleware."""

from __future__ import annotations

import gzip

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import host_of

CSS_URL = "/static/goldenthread/site.css"


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    # As in production: serve only what was collected, read once at start-up.
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    return settings.STATIC_ROOT


def test_collected_css_is_served_by_whitenoise_with_debug_off(org_a, production_static):
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (production_static / "goldenthread" / "site.css").is_file()
    assert (production_static / "goldenthread" / "site.css.gz").is_file()

    for host in (host_of(org_a), "localhost", "nowhere.localhost"):
        client = Client(HTTP_HOST=host)  # a new client loads the middleware afresh
        plain = client.get(CSS_URL)
        assert plain.status_code == 200, host
        assert plain["Content-Type"].startswith("text/css")
        body = b"".join(plain.streaming_content)
        assert b"--brand" in body

        compressed = client.get(CSS_URL, HTTP_ACCEPT_ENCODING="gzip")
        assert compressed["Content-Encoding"] == "gzip"
        assert gzip.decompress(b"".join(compressed.streaming_content)) == body


def test_nothing_is_served_before_collectstatic(org_a, production_static):
    # WhiteNoise serves STATIC_ROOT, not the source folders: an empty root serves nothing.
    production_static.mkdir()

    response = Client(HTTP_HOST=host_of(org_a)).get(CSS_URL)

    assert response.status_code == 404
