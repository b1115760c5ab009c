"""A form sent with a stale or missing CSRF token (an expired session, another tab signed out)
gets our page: in the site layout, 403, saying what happened in words, showing back what was
typed (escaped; never a password or the token) with a way back to the page, and nothing saved."""

from __future__ import annotations

import re

from django.test import Client
from django_tenants.utils import schema_context

from tests.conftest import host_of

SIGN_IN = "/accounts/sign-in/"


def refused_client(organisation, user=None) -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host_of(organisation))
    if user is not None:
        with schema_context(organisation.schema_name):
            client.force_login(user)
    return client


def test_an_expired_form_keeps_what_was_typed_and_saves_nothing(org_a, make_user):
    from goldenthread.platform.accounts.models import ApiCredential

    member = make_user(org_a)
    client = refused_client(org_a, member.user)
    page_url = f"http://{host_of(org_a)}/accounts/me/"
    typed = "Finance <script>alert('x')</script>\nimport"

    response = client.post(
        "/accounts/me/api-keys/",
        {"name": typed, "csrfmiddlewaretoken": "stale-token-value"},
        HTTP_REFERER=page_url,
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Your form was not sent</h1>" in html
    assert "nothing was saved" in html
    # In the site layout, with the skip link and main landmark
    assert 'class="skip-link"' in html and '<main id="main-content"' in html
    # What was typed, escaped, and the token never echoed
    assert "Finance &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;\nimport" in html
    assert "<script>alert" not in html
    assert "stale-token-value" not in html
    assert f'href="{page_url}"' in html
    assert "CSRF verification failed" not in html  # not Django's default page
    with schema_context(org_a.schema_name):
        assert not ApiCredential.objects.exists()


def test_a_password_is_never_shown_back_and_the_way_back_is_the_form_when_no_referer(org_a):
    client = refused_client(org_a)

    response = client.post(SIGN_IN, {"username": "pat@example.org", "password": "Sekrit-Pass-99"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "pat@example.org" in html
    assert "Sekrit-Pass-99" not in html
    assert "Passwords and security codes are never shown here." in html
    assert f'href="{SIGN_IN}"' in html


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(org_a):
    response = refused_client(org_a).post(
        SIGN_IN, {"username": "pat@example.org"}, HTTP_REFERER="https://evil.example.com/phish"
    )

    assert response.status_code == 403
    assert "evil.example.com" not in response.content.decode()


def test_the_page_obeys_the_content_security_policy(org_a):
    response = refused_client(org_a).post(SIGN_IN, {"username": "pat@example.org"})

    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    # Every script is a file of ours, or an inline block carrying the policy's nonce.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag, tag
    assert response.headers["Cache-Control"].startswith("max-age=0")
