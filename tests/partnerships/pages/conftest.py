"""Helpers for the pages that form and run a partnership (fixtures come from the parent)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from goldenthread.partnerships import services
from goldenthread.partnerships.models import Partnership

_serial = itertools.count(1)


def unique_name(prefix: str = "Wealdshire CSP") -> str:
    return f"{prefix} {next(_serial)}-{id(_serial) % 997}"


def post(client_for, party, path, data, user=None):
    return client_for(party.organisation, user=user or party.admin).post(path, data)


def get(client_for, party, path, user=None):
    return client_for(party.organisation, user=user or party.admin).get(path)


def error_messages(response) -> str:
    """The text of the error summary, where the page shows one."""
    html = response.content.decode()
    start = html.find("data-error-summary")
    return (
        html[start : html.find("</div>", html.find("error-summary-list", start))]
        if start >= 0
        else ""
    )


@pytest.fixture
def formed(parties):
    """A partnership the county formed (service), with no other member yet."""
    county = parties.county
    return services.partnership_create(
        organisation=county.organisation,
        actor=county.admin,
        name=unique_name("Wealdshire partnership"),
        type="county_wide",
        starts_on=date(2024, 4, 1),
    )


def invite(partnership, lead, party, *, role="member", signatories=()):
    return services.partnership_invite(
        partnership=partnership,
        organisation=lead.organisation,
        actor=lead.admin,
        invitee=party.organisation,
        role=role,
        signatory_emails=list(signatories),
    )


def partnership_named(name: str) -> Partnership | None:
    return Partnership.objects.filter(name=name).first()
