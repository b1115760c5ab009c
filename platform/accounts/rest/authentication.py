"""API authentication with organisation-scoped credentials (`Authorization: Bearer gt_…`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework import authentication, exceptions

from ..models import ApiCredential, hash_api_key
from ..selectors.api_keys import api_credential_unrevoked

KEY_PREFIX = "gt"


def schema_of_key(raw_key: str) -> str | None:
    """Keys look like `gt_<schema>_<secret>`; the schema part may itself contain underscores."""
    parts = raw_key.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    return "_".join(parts[1:-1])


class ApiCredentialAuthentication(authentication.BaseAuthentication):
    """Authenticates a bearer key against the current organisation's schema only.

    Security: the lookup runs in the schema the host selected, so a key can only ever match a
    user of that organisation. A key issued by another organisation is refused explicitly.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, raw_key = header.partition(" ")
        if scheme != self.keyword:
            return None
        raw_key = raw_key.strip()
        key_schema = schema_of_key(raw_key)
        if key_schema is None:
            raise exceptions.AuthenticationFailed("The API key is malformed.")
        if key_schema != connection.schema_name:
            raise exceptions.AuthenticationFailed(
                "This API key belongs to another organisation; use it on that organisation's host."
            )
        credential = api_credential_unrevoked(key_hash=hash_api_key(raw_key))
        if credential is None:
            raise exceptions.AuthenticationFailed("The API key is not valid or has been revoked.")
        user = credential.user
        if not user.is_active or user.access_has_expired:
            raise exceptions.AuthenticationFailed("The account behind this API key is not active.")
        record_use(credential)
        return user, credential

    def authenticate_header(self, request) -> str:
        return self.keyword


def record_use(credential: ApiCredential) -> None:
    """Keep `last_used_at` true to within `API_KEY_LAST_USED_RESOLUTION` without writing on
    every request: a read served with a key should not cost a row lock, a WAL record and a
    dead tuple (measured: the write was a large share of an authenticated list's time, and two
    clients using one key queued behind each other's update). The key was just read, so
    whether it is stale needs no extra query."""
    now = timezone.now()
    resolution = timedelta(seconds=settings.API_KEY_LAST_USED_RESOLUTION)
    if credential.last_used_at is not None and now - credential.last_used_at < resolution:
        return
    ApiCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    credential.last_used_at = now
