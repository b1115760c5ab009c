"""Every page route, on an organisation's host and on the public host, answers with the
Content-Security-Policy (no 'unsafe-inline', no other host), Referrer-Policy and
Permissions-Policy — whatever the answer (page, redirect, 403, 404, 405)."""

from __future__ import annotations

import pytest

from goldenthread.platform.core.middleware import permissions_policy_header
from tests.platform.core.test_door import PUBLIC_URLCONF, TENANT_URLCONF, concrete, routes

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def header_problems(response) -> list[str]:
    problems = []
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy"]
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"unsafe: {policy}")
    found = directives(policy)
    for name in ("default-src", "script-src", "style-src"):
        if found.get(name, [None])[0] != "'self'":
            problems.append(f"{name}: {found.get(name)}")
    if found.get("frame-ancestors") != ["'none'"] or found.get("object-src") != ["'none'"]:
        problems.append(f"framing or plugins allowed: {policy}")
    if response.headers.get("Referrer-Policy") != "strict-origin-when-cross-origin":
        problems.append("Referrer-Policy")
    if "camera=()" not in response.headers.get("Permissions-Policy", ""):
        problems.append("Permissions-Policy")
    return problems


def page_paths(urlconf: str) -> list[str]:
    # The GraphQL endpoint is checked on its own below (its page has a policy of its own).
    paths = {concrete(route) for route, _ in routes(urlconf)}
    return sorted(p for p in paths if not p.startswith("/graphql"))


def test_every_route_on_an_organisation_host_carries_the_policy(org_a, make_user, client_for):
    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    signed_in, anonymous = client_for(org_a, user=admin.user), client_for(org_a)
    paths = page_paths(TENANT_URLCONF)
    assert len(paths) > 150  # the whole surface
    problems = {}
    for path in paths:
        for who, client in (("admin", signed_in), ("anonymous", anonymous)):
            found = header_problems(client.get(path))
            if found:
                problems[f"{path} as {who}"] = found
    assert problems == {}


def test_every_route_on_the_public_host_carries_the_policy(db, make_user, client_for):
    from goldenthread.tenants.services import ensure_public_organisation

    staff = make_user(ensure_public_organisation(), is_staff=True)
    problems = {}
    for path in page_paths(PUBLIC_URLCONF):
        for who, client in (
            ("staff", client_for(None, user=staff.user)),
            ("anonymous", client_for(None)),
        ):
            found = header_problems(client.get(path))
            if found:
                problems[f"{path} as {who}"] = found
    assert problems == {}


def test_a_page_with_an_inline_block_gets_its_nonce_and_others_get_none(
    org_a, make_user, client_for
):
    admin = make_user(org_a, roles=["org_admin", "performance_officer"])
    client = client_for(org_a, user=admin.user)
    # The risk registers page colours its bands through a <style> carrying the nonce.
    response = client.get("/planning/risks/registers/")
    policy = directives(response.headers["Content-Security-Policy"])
    nonce = policy["style-src"][1].removeprefix("'nonce-").removesuffix("'")
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert 'style="' not in response.content.decode()
    # A page without inline blocks names no nonce at all; each response has its own.
    plain = client.get("/indicators/")
    assert "nonce" not in plain.headers["Content-Security-Policy"]
    again = client.get("/planning/risks/registers/")
    assert nonce not in again.headers["Content-Security-Policy"]


def test_graphiql_alone_may_fetch_its_pinned_cdn_files(org_a, make_user, client_for):
    from goldenthread.graphql.core.views import GRAPHIQL_CSP

    member = make_user(org_a, roles=["performance_officer"])
    page = client_for(org_a, user=member.user).get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    script_src = directives(policy)["script-src"]
    assert script_src[0] == "'self'" and script_src[1].startswith("'nonce-")
    assert set(script_src[2:]) == set(GRAPHIQL_CSP["script-src"])
    # Every CDN source is one exact, versioned file, and the page asks for it with SRI.
    for url in script_src[2:]:
        assert url.startswith("https://cdn.jsdelivr.net/npm/") and "@" in url
    assert page.content.decode().count('integrity="sha256-') == 8
    # Elsewhere no other host is allowed.
    other = client_for(org_a, user=member.user).get("/indicators/")
    assert "jsdelivr" not in other.headers["Content-Security-Policy"]


def test_the_api_docs_are_served_from_our_own_files(client_for):
    page = client_for(None).get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html and "<script>" not in html
    script = client_for(None).get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_permissions_policy_header_is_written_as_browsers_read_it():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == (
        "camera=(), fullscreen=(self)"
    )


def test_a_browser_asking_the_rest_api_gets_json_not_the_browsable_pages(
    org_a, make_user, client_for
):
    member = make_user(org_a)
    response = client_for(org_a, user=member.user).get(
        "/api/v1/me/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
