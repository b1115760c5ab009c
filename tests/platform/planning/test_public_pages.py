"""The public performance pages: an anonymous visitor sees exactly the approved, published,
post-embargo values that no pre-election period holds back — and nothing else."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from goldenthread.platform.indicators.services.workflow import value_approve, value_reopen
from goldenthread.platform.planning.models import PreElectionPeriod
from tests.platform.planning.public_support import (
    HIDDEN_NUMBERS,
    PUBLIC_NUMBERS,
    beta_scene,
    build_scene,
    value,
)

PUBLIC_URLS = (
    "/performance/",
    "/performance/data/",
    "/performance/data/performance.csv",
    "/performance/data/performance.json",
)


@pytest.fixture
def scene(people, build, org_b, make_user, in_org):
    beta = beta_scene(org_b, make_user)
    connection.set_tenant(in_org)
    made = build_scene(people, build)
    made["beta"] = beta
    return made


def every_public_url(scene):
    return [
        *PUBLIC_URLS,
        f"/performance/measures/{scene['shown'].pk}/",
        f"/performance/measures/{scene['kept'].pk}/",
        f"/performance/measures/{scene['early'].pk}/",
        f"/performance/actions/{scene['action'].pk}/",
    ]


TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def text_of(response) -> str:
    return response.content.decode("utf-8-sig")


def test_anonymous_visitor_sees_exactly_the_published_values(scene, client_for, org_a):
    anonymous = client_for(org_a)
    for url in every_public_url(scene):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        body = text_of(response)
        # Not inside a time stamp's seconds: "03:22:12.321338" is no leak of 12.3.
        figures = TIMESTAMP.sub("<time>", body)
        for hidden in HIDDEN_NUMBERS:
            assert hidden not in figures, (url, hidden)
        for words in (
            "SECRET-2",
            "EMB-3",
            "PAUSE-4",
            "WD-6",
            "BETA-1",
            "ACT-2",
            "Secret restructure",
            "Hidden",
        ):
            assert words not in body, (url, words)
    home = text_of(anonymous.get("/performance/"))
    for number in PUBLIC_NUMBERS:
        assert number in home
    assert "ACT-1: Open the new depot" in home and "40% complete" in home
    assert "Publication is paused for a pre-election period" in home
    measure = text_of(anonymous.get(f"/performance/measures/{scene['shown'].pk}/"))
    assert "A good quarter" in measure  # commentary published with the value
    assert 'role="img"' in measure and "<table" in measure  # the chart and its table


def test_downloads_hold_the_same_values_with_the_licence(scene, client_for, org_a):
    anonymous = client_for(org_a)
    response = anonymous.get("/performance/data/performance.csv")
    assert "OGL-v3" in response["Content-Disposition"]
    assert response["X-Licence"] == "Open Government Licence v3.0"
    assert "open-government-licence/version/3" in response["Link"]
    assert response["X-Data-As-At"]
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert sorted((r["measure_code"], r["value"]) for r in rows) == [
        ("OLD-5", "18.8"),
        ("PUB-1", "11.1"),
    ]
    data = json.loads(anonymous.get("/performance/data/performance.json").content)
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["licence"]["url"].startswith("https://www.nationalarchives.gov.uk/")
    assert data["as_at"]
    assert sorted(v["value"] for v in data["values"]) == ["11.1", "18.8"]
    assert [a["code"] for a in data["actions"]] == ["ACT-1"]
    page = text_of(anonymous.get("/performance/data/"))
    assert "Open Government Licence v3.0" in page


def test_unpublished_and_other_organisations_ids_are_not_found(scene, client_for, org_a):
    anonymous = client_for(org_a)
    for pi in [*scene["hidden_pis"], scene["beta"]]:
        assert anonymous.get(f"/performance/measures/{pi.pk}/").status_code == 404
    assert anonymous.get("/performance/measures/999999/").status_code == 404


def test_a_published_action_has_its_own_page_and_no_other_action_does(scene, client_for, org_a):
    anonymous = client_for(org_a)
    page = text_of(anonymous.get(f"/performance/actions/{scene['action'].pk}/"))
    assert "ACT-1: Open the new depot" in page and "40% complete" in page
    home = text_of(anonymous.get("/performance/"))
    assert f'href="/performance/actions/{scene["action"].pk}/"' in home
    # Never proposed, proposed only, embargoed, approved during the pre-election period,
    # withdrawn: the same 404 for each, so a visitor cannot tell which.
    for action in scene["hidden_actions"]:
        response = anonymous.get(f"/performance/actions/{action.pk}/")
        assert response.status_code == 404, action.code
        assert action.title not in text_of(response)
    assert anonymous.get("/performance/actions/999999/").status_code == 404
    assert client_for(org_a).post(f"/performance/actions/{scene['action'].pk}/").status_code == 405


def test_public_host_has_no_public_pages(scene, client_for):
    anonymous = client_for(None)
    for url in every_public_url(scene):
        assert anonymous.get(url).status_code == 404, url


def test_everything_else_still_needs_sign_in(scene, client_for, org_a):
    anonymous = client_for(org_a)
    for url in (
        "/",
        "/indicators/",
        f"/indicators/{scene['shown'].pk}/",
        "/planning/",
        "/planning/actions/",
        "/performance/manage/",
        "/users/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"], url
    for url in ("/api/v1/indicators/", "/api/v1/planning/publications/"):
        assert anonymous.get(url).status_code in (401, 403), url


def test_public_pages_refuse_writes(scene, client_for, org_a):
    assert client_for(org_a).post("/performance/").status_code == 405


def test_csv_text_cells_are_disarmed(scene, client_for, org_a):
    scene["shown"].__class__.objects.filter(pk=scene["shown"].pk).update(title="=HYPERLINK(1)")
    cache.clear()
    body = text_of(client_for(org_a).get("/performance/data/performance.csv"))
    assert "'=HYPERLINK(1)" in body


def test_pages_are_cached_and_an_approval_shows_after_invalidation(
    people, build, client_for, org_a, in_org, django_capture_on_commit_callbacks
):
    scene = build_scene(people, build)
    PreElectionPeriod.objects.all().delete()
    anonymous = client_for(org_a)
    url = f"/performance/measures/{scene['shown'].pk}/"
    first = anonymous.get(url)
    assert "public, max-age=" in first["Cache-Control"]
    connection.set_tenant(in_org)
    pending = value(
        scene["shown"],
        "2025/26 Q1",
        "31.4",
        workflow="submitted",
        entered_by=people["provider"],
        submitted_by=people["provider"],
    )
    assert "31.4" not in text_of(anonymous.get(url))
    raw = cache._cache.get_client()
    stored = b"".join(raw.get(k) or b"" for k in raw.scan_iter(match="*public-pages*"))
    assert stored and b"31.4" not in stored  # a submitted value never enters the cache
    assert b"33.3" not in stored and b"22.2" not in stored  # nor do drafts
    connection.set_tenant(in_org)
    with django_capture_on_commit_callbacks(execute=True):
        value_approve(actor=people["verifier"], value=pending)
    assert "31.4%" in text_of(anonymous.get(url))
    connection.set_tenant(in_org)
    with django_capture_on_commit_callbacks(execute=True):
        value_reopen(actor=people["admin"], value=pending, reason="Typo in the return")
    assert "31.4" not in text_of(anonymous.get(url))


def test_corrected_value_shows_as_revised(
    people, build, client_for, org_a, in_org, django_capture_on_commit_callbacks
):
    scene = build_scene(people, build)
    PreElectionPeriod.objects.all().delete()
    old = scene["old_value"]
    with django_capture_on_commit_callbacks(execute=True):
        value_reopen(actor=people["admin"], value=old, reason="Wrong figure")
    old.refresh_from_db()
    old.__class__.objects.filter(pk=old.pk).update(
        value="11.7", workflow_status="approved", approved_at=timezone.now() - timedelta(minutes=1)
    )
    cache.clear()
    body = text_of(client_for(org_a).get(f"/performance/measures/{scene['shown'].pk}/"))
    assert "11.7%" in body and "Revised" in body and "11.1%" not in body


def test_pre_election_end_releases_what_was_held_back(scene, client_for, org_a, in_org):
    PreElectionPeriod.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    cache.clear()
    body = text_of(client_for(org_a).get("/performance/"))
    assert "PAUSE-4" in body and "99.9%" in body  # OLD-5's Q2 value, approved during it
    assert "EMB-3" not in body  # still embargoed


def test_home_queries_do_not_grow_with_published_pis(
    scene, client_for, org_a, django_assert_max_num_queries
):
    anonymous = client_for(org_a)
    with django_assert_max_num_queries(12):
        anonymous.get("/performance/")


def test_cache_keys_carry_the_schema(scene, client_for, org_a):
    client_for(org_a).get("/performance/")
    raw = cache._cache.get_client()
    keys = [k.decode() for k in raw.scan_iter(match="*public-pages*")]
    assert keys and all(k.startswith(f"{org_a.schema_name}:") for k in keys)
    assert settings.CACHES["default"]["KEY_FUNCTION"] == "django_tenants.cache.make_key"


def test_home_groups_measures_under_their_priority(scene, client_for, org_a, build, in_org):
    priority = build.node(level=1)
    priority.title = "A greener borough"
    priority.save()
    child = build.node(level=2, parent=priority)
    child.indicators.add(scene["shown"])
    cache.clear()
    home = text_of(client_for(org_a).get("/performance/"))
    assert home.index("A greener borough") < home.index("PUB-1")
