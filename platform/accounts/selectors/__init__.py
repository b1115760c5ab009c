"""Reads about accounts, always within the current schema."""

from __future__ import annotations

from django.db.models import QuerySet

from goldenthread.platform.core.errors import NotFound

from ..models import ApiCredential, User


def user_get_by_email(*, email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise NotFound(f"No user has the e-mail address {email.strip()} here.")
    return user


def api_credential_list(*, user: User) -> QuerySet[ApiCredential]:
    """The user's own keys, newest first, revoked ones included (they show as revoked)."""
    return ApiCredential.objects.filter(user=user)


def api_credential_get(*, user: User, credential_id: int) -> ApiCredential:
    """One of the user's own keys. Another user's key is reported as not found, so that
    nobody can probe which key ids exist."""
    credential = ApiCredential.objects.filter(user=user, pk=credential_id).first()
    if credential is None:
        raise NotFound("You have no API key with that id.")
    return credential
