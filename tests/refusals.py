"""The four refusal cases of every REST write, as a matrix generated from the URLconf.

Every POST, PUT, PATCH and DELETE the site serves under /api/v1/ must have a `Write` in one
area's `WRITES` (see `test_rest_writes_matrix.py`); each is then exercised by its area's test
as: anonymous (401), another organisation's API key on this host (401), this organisation's
object asked for on another organisation's host with that organisation's key (404, when the
path names an object), a role without the right (403), and the allowed role (its 2xx). After
every refusal the database is byte-for-byte as before, in both organisations' schemas and
the public schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context
from rest_framework.views import APIView

WRITE_METHODS = ("post", "put", "patch", "delete")

# Bookkeeping a refused request may touch without changing anything it asked to change: an
# API key's last-used stamp, sessions.
NOT_COMPARED = {"accounts_apicredential", "django_session"}


def rest_writes(urlconf: str | None = None) -> set[tuple[str, str]]:
    """(METHOD, route) of every REST write under api/v1/, routes as written in the URLconf,
    e.g. ("POST", "api/v1/indicators/<int:pk>/retire/")."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view is None or not issubclass(view, APIView):
                    continue
                for method in WRITE_METHODS:
                    if hasattr(view, method):
                        yield method.upper(), route

    return {
        write for write in walk(get_resolver(urlconf).url_patterns, "") if "api/v1/" in write[1]
    }


@dataclass(frozen=True)
class Call:
    """What a write is called with: its path (naming the organisation's objects) and body."""

    path: str
    body: dict[str, Any] | None = None
    names_an_object: bool = True
    # Sent as multipart/form-data with these files ({field: (name, content)}) when given.
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass(frozen=True)
class Write:
    """How to exercise one REST write: `arrange(world)` makes what it needs in the home
    organisation (in its schema) and returns the call; `allowed` may make it and answers
    `status`; `refused` holds no right to it (403, or `refused_status`: 404 where the object
    is another person's own, such as a notification). `refused=None` only for writes every
    signed-in person makes to their own things (their notification settings): no role lacks
    the right, so there is no such case."""

    allowed: str
    refused: str | None
    arrange: Callable[[World], Call]
    status: int = 200
    refused_status: int = 403


@dataclass
class World:
    """The home organisation (whose objects are written), another organisation, and users by
    role in the home organisation, each with an API key, made on first use."""

    home: Any
    other: Any
    make_user: Callable[..., Any]
    users: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)  # whatever an area's cases share

    def user(self, role: str):
        """The home organisation's user holding `role` (and nothing else); "" is no role."""
        if role not in self.users:
            self.users[role] = self.make_user(self.home, roles=[role] if role else []).user
        return self.users[role]

    def key(self, role: str) -> str:
        if role not in self.keys:
            self.keys[role] = _key_for(self.home, self.user(role))
        return self.keys[role]

    def other_key(self) -> str:
        """An API key of the other organisation's user holding every role but auditor (an
        auditor's every request is written to the auditor access log, by design)."""
        if "__other__" not in self.keys:
            from goldenthread.platform.accounts.models import Role

            roles = [role for role in Role.values if role != Role.AUDITOR]
            user = self.make_user(self.other, roles=roles).user
            self.keys["__other__"] = _key_for(self.other, user)
        return self.keys["__other__"]


def _key_for(organisation, user) -> str:
    from goldenthread.platform.accounts.services import api_credential_issue

    with schema_context(organisation.schema_name):
        _, key = api_credential_issue(user=user, name="refusals")
    return key


def send(method: str, organisation, call: Call, *, key: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    if call.files:  # a fresh upload each time: an uploaded file is read once
        uploads = {name: SimpleUploadedFile(*file) for name, file in call.files.items()}
        return getattr(client, method.lower())(
            call.path, {**(call.body or {}), **uploads}, **headers
        )
    if call.body is None:
        return getattr(client, method.lower())(call.path, **headers)
    return getattr(client, method.lower())(
        call.path, data=json.dumps(call.body), content_type="application/json", **headers
    )


def database_state(*schemas: str) -> dict[str, str]:
    """A digest of every row of every table in `schemas` (but NOT_COMPARED)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'",
            [list(schemas)],
        )
        tables = [(s, t) for s, t in cursor.fetchall() if t not in NOT_COMPARED]
        digest = "SELECT '{0}.{1}', md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), ''))"
        union = " UNION ALL ".join(
            (digest + ' FROM "{0}"."{1}" r').format(s, t)  # names from the catalogue
            for s, t in tables
        )
        cursor.execute(union)
        return dict(cursor.fetchall())


def check_the_four_refusals(world: World, method: str, write: Write) -> None:
    """Exercise one write as anonymous, as another organisation (its key here; this
    organisation's object on its host), as a role without the right and as the allowed role;
    every refusal leaves every schema as it was."""
    with schema_context(world.home.schema_name):
        call = write.arrange(world)
    allowed_key, refused_key, other_key = (
        world.key(write.allowed),
        world.key(write.refused) if write.refused is not None else None,
        (world.other_key()),
    )
    schemas = (world.home.schema_name, world.other.schema_name, "public")
    before = database_state(*schemas)

    def refused(response, status: int, who: str) -> None:
        assert response.status_code == status, (who, response.status_code, response.content[:300])
        assert set(response.json()) == {"message", "code", "extra"}, who
        after = database_state(*schemas)
        changed = sorted(
            table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
        )
        assert changed == [], f"{who} changed the database: {changed}"

    refused(send(method, world.home, call), 401, "anonymous")
    refused(send(method, world.home, call, key=other_key), 401, "another organisation's key")
    if call.names_an_object:
        refused(
            send(method, world.other, call, key=other_key),
            404,
            "this organisation's object on another organisation's host",
        )
    if refused_key is not None:
        refused(
            send(method, world.home, call, key=refused_key),
            write.refused_status,
            f"the role {write.refused!r}",
        )
    done = send(method, world.home, call, key=allowed_key)
    assert done.status_code == write.status, (write.allowed, done.status_code, done.content[:500])
    assert database_state(*schemas) != before, "the allowed write changed nothing"
