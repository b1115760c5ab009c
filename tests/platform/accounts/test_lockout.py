"""Brute-force protection on sign-in and password reset (`accounts.services.lockout`), through
the pages, with the real cache (Redis) and database; a second organisation in every case."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings as django_settings
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import AuthenticationEvent
from goldenthread.platform.accounts.services import lockout
from tests.fixtures.worker import wait_for

PASSWORD = "correct-horse-battery-staple"
WRONG = "not-the-password-at-all"


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/sign-in/", {"username": email, "password": password}, **extra)


def is_signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def events(organisation, **filters) -> list[str]:
    with schema_context(organisation.schema_name):
        return list(
            AuthenticationEvent.objects.filter(**filters)
            .order_by("created_at", "id")
            .values_list("kind", flat=True)
        )


@pytest.fixture
def limits(settings):
    """Change one limit: limits("sign_in", "account", failures=3, lock_seconds=1)."""
    settings.AUTHENTICATION_LIMITS = copy.deepcopy(django_settings.AUTHENTICATION_LIMITS)

    def change(door: str, subject: str, **values) -> None:
        settings.AUTHENTICATION_LIMITS[door][subject].update(values)

    return change


def test_25_wrong_passwords_lock_the_account_and_the_right_one_then_does_not_sign_in(
    org_a, make_user, client_for
):
    # The default limits, as shipped: ten failures lock the account for 15 minutes.
    member = make_user(org_a, email="admin@x.example")
    client = client_for(org_a)

    answers = [sign_in(client, member.email, WRONG) for _ in range(25)]

    assert [a.status_code for a in answers[:9]] == [200] * 9
    assert {a.status_code for a in answers[9:]} == {429}
    html = answers[-1].content.decode()
    assert "too many sign-in attempts for this account" in html
    assert "Try again in 15 minutes" in html
    right = sign_in(client, member.email, PASSWORD)
    assert right.status_code == 429
    assert int(right["Retry-After"]) > 14 * 60
    assert "Try again in" in right.content.decode()
    assert not is_signed_in(client)
    # A person on another machine fares no better: the account itself is locked.
    assert sign_in(client_for(org_a), member.email, REMOTE_ADDR="10.9.9.9").status_code == 429


def test_the_lock_is_audited_in_the_organisations_own_schema(org_a, org_b, make_user, client_for):
    member = make_user(org_a)
    client = client_for(org_a)
    for _ in range(11):
        sign_in(client, member.email, WRONG)
    sign_in(client, member.email)

    kinds = events(org_a, email=member.email)
    assert kinds == ["sign_in_failed"] * 10 + ["locked"] + ["refused_while_locked"] * 2
    with schema_context(org_a.schema_name):
        locked = AuthenticationEvent.objects.get(email=member.email, kind="locked")
        assert locked.user_id == member.user.pk
        assert locked.address == "127.0.0.1"
        assert locked.detail["door"] == "sign_in" and locked.detail["locked"] == "account"
    assert events(org_b, email=member.email) == []


def test_the_account_opens_again_when_the_lock_ends(org_a, make_user, client_for, limits):
    limits("sign_in", "account", failures=3, lock_seconds=1, max_lock_seconds=1)
    member = make_user(org_a)
    client = client_for(org_a)
    for _ in range(3):
        sign_in(client, member.email, WRONG)
    assert sign_in(client, member.email).status_code == 429

    with schema_context(org_a.schema_name):
        wait_for(
            lambda: lockout.lock_for(door="sign_in", email=member.email, address=None) is None,
            what="the lock to end",
        )
    assert sign_in(client, member.email).status_code == 302
    assert is_signed_in(client)
    assert events(org_a, email=member.email)[-1] == "signed_in"


def test_a_success_forgives_the_accounts_earlier_failures(org_a, make_user, client_for, limits):
    limits("sign_in", "account", failures=3)
    member = make_user(org_a)
    for _ in range(2):
        sign_in(client_for(org_a), member.email, WRONG)
    assert sign_in(client_for(org_a), member.email).status_code == 302
    for _ in range(2):
        assert sign_in(client_for(org_a), member.email, WRONG).status_code == 200
    assert sign_in(client_for(org_a), member.email).status_code == 302


def test_a_lock_in_one_organisation_does_not_lock_the_same_address_in_another(
    org_a, org_b, make_user, client_for
):
    in_a = make_user(org_a, email="admin@x.example")
    in_b = make_user(org_b, email="admin@x.example")
    for _ in range(12):
        sign_in(client_for(org_a), in_a.email, WRONG)
    assert sign_in(client_for(org_a), in_a.email).status_code == 429

    # Same e-mail, same client address, other organisation: its own account, its own count.
    client = client_for(org_b)
    assert sign_in(client, in_b.email).status_code == 302
    assert is_signed_in(client)
    assert events(org_b, email="admin@x.example") == ["signed_in"]


def test_guessing_many_accounts_from_one_address_locks_the_address(
    org_a, org_b, make_user, client_for, limits
):
    limits("sign_in", "address", failures=5)
    member = make_user(org_a)
    elsewhere = make_user(org_b)
    for number in range(5):
        sign_in(client_for(org_a), f"guess-{number}@alpha.example", WRONG)

    refused = sign_in(client_for(org_a), member.email)
    assert refused.status_code == 429
    assert "for your network address" in refused.content.decode()
    # The person's own account is not locked: from another address they sign in.
    assert sign_in(client_for(org_a), member.email, REMOTE_ADDR="10.1.2.3").status_code == 302
    # Nor is the address locked at another organisation.
    assert sign_in(client_for(org_b), elsewhere.email).status_code == 302


def test_unknown_addresses_are_locked_like_known_ones(org_a, client_for, limits):
    # Otherwise the lock would tell a guesser which addresses have accounts.
    limits("sign_in", "account", failures=3)
    for _ in range(3):
        sign_in(client_for(org_a), "nobody@alpha.example", WRONG)
    refused = sign_in(client_for(org_a), "nobody@alpha.example", WRONG, REMOTE_ADDR="10.0.0.8")
    assert refused.status_code == 429
    assert "for this account" in refused.content.decode()


def test_each_lock_lasts_longer_than_the_last(org_a, make_user, client_for, limits):
    limits("sign_in", "account", failures=2, lock_seconds=1, max_lock_seconds=600)
    member = make_user(org_a)
    client = client_for(org_a)
    with schema_context(org_a.schema_name):
        for expected in (1, 2, 4):
            for _ in range(2):
                sign_in(client, member.email, WRONG)
            lock = lockout.lock_for(door="sign_in", email=member.email, address=None)
            assert lock is not None and lock.seconds_left == expected
            wait_for(
                lambda: lockout.lock_for(door="sign_in", email=member.email, address=None) is None,
                timeout=10,
                what="the lock to end",
            )


def test_the_locks_are_shared_through_the_cache_not_kept_in_the_process(org_a, make_user):
    # Another web process sees the same lock: it is in Redis, under the schema's key.
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    member = make_user(org_a)
    assert isinstance(caches["default"], RedisCache)
    with schema_context(org_a.schema_name):
        for _ in range(10):
            lockout.failure_record(door="sign_in", email=member.email, address="10.0.0.1")
        client = caches["default"]._cache.get_client()
        keys = [key.decode() for key in client.scan_iter(match="*:gt-test:*auth-limit*lock")]
    assert keys and all(key.startswith(f"{org_a.schema_name}:") for key in keys)


# --- password reset ------------------------------------------------------------------------


def test_password_reset_requests_are_limited_per_address_typed(
    org_a, org_b, make_user, client_for, django_capture_on_commit_callbacks
):
    member = make_user(org_a)
    client = client_for(org_a)
    with django_capture_on_commit_callbacks() as callbacks:
        answers = [
            client.post("/accounts/password-reset/", {"email": member.email}) for _ in range(6)
        ]

    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert len(callbacks) == 5  # the sixth queued no e-mail
    html = answers[-1].content.decode()
    assert "too many password reset requests for this account" in html
    assert int(answers[-1]["Retry-After"]) > 59 * 60
    kinds = events(org_a, email=member.email)
    assert kinds == ["password_reset_requested"] * 5 + ["locked", "refused_while_locked"]
    # The other organisation's reset page is its own.
    other = make_user(org_b, email=member.email)
    assert (
        client_for(org_b).post("/accounts/password-reset/", {"email": other.email}).status_code
        == 200
    )


def test_password_reset_requests_are_limited_per_client_address(org_a, client_for, limits):
    limits("password_reset", "address", failures=3)
    client = client_for(org_a)
    answers = [
        client.post("/accounts/password-reset/", {"email": f"n{i}@alpha.example"}) for i in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "for your network address" in answers[-1].content.decode()


def test_setting_a_password_from_the_emailed_link_lifts_the_accounts_lock(
    org_a, make_user, client_for
):
    import re

    from django.core import mail

    from goldenthread.platform.accounts.tasks import send_password_reset_email

    member = make_user(org_a)
    for _ in range(10):
        sign_in(client_for(org_a), member.email, WRONG)
    assert sign_in(client_for(org_a), member.email).status_code == 429

    with schema_context(org_a.schema_name):
        assert send_password_reset_email(member.user.pk, "http://x.localhost/")
    link = re.search(r"http://x\.localhost(/accounts/password-reset/\S+/)", mail.outbox[-1].body)[1]
    client = client_for(org_a)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "lantern-otter-mosaic-drizzle"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302

    assert sign_in(client_for(org_a), member.email, new).status_code == 302
