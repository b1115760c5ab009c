"""Fixtures for support tests: an administrator of Alpha, two helpdesk staff, a live grant,
and a way to walk the hand-off from the console to an organisation's host."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.tenants.support.services.access import grant_create
from tests.conftest import host_of

ENTER = re.compile(r'href="http://(?P<host>[^/"]+)(?P<path>/support/enter/[^/"]+/)"')


@pytest.fixture
def admin_a(org_a, make_user):
    return make_user(org_a, roles=["org_admin"], full_name="Ada Admin")


@pytest.fixture
def admin_a_client(org_a, admin_a, client_for):
    return client_for(org_a, user=admin_a.user)


@pytest.fixture
def staff2(public_org, make_user):
    return make_user(public_org, email="second@goldenthread.example", is_staff=True)


@pytest.fixture
def staff2_client(staff2, client_for):
    return client_for(None, user=staff2.user)


@pytest.fixture
def grant(org_a, admin_a, staff):
    """Alpha's administrator lets `staff` in, read only, for a day."""

    def make(*, allow_write=False, hours=24, organisation=None, admin=None, to=None):
        organisation = organisation or org_a
        with schema_context(organisation.schema_name):
            return grant_create(
                actor=(admin or admin_a).user,
                organisation=organisation,
                staff_id=(to or staff).user.pk,
                ends_at=timezone.now() + timedelta(hours=hours),
                allow_write=allow_write,
            )

    return make


@pytest.fixture
def open_on_host():
    """open_on_host(console_client, access) -> (Client on the organisation's host, signed in
    through the hand-off, or None), the console's response and the hand-off path."""

    def walk(console: Client, access, *, organisation=None):
        response = console.post(f"/helpdesk/support/access/{access.pk}/open/")
        match = ENTER.search(response.content.decode())
        if response.status_code != 200 or match is None:
            return None, response, None
        host = host_of(organisation) if organisation is not None else match["host"]
        visitor = Client(HTTP_HOST=host)
        entered = visitor.get(match["path"])
        return visitor, entered, match["path"]

    return walk
