"""A small golden thread in Alpha for the create and edit pages, and clients by role."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from goldenthread.platform.planning.models import Milestone


@pytest.fixture
def scene(people, build):
    """A node with a child, a plan with an action and a milestone, a register with a risk,
    and a PI; owned by different people so ownership rules show."""
    today = timezone.localdate()
    node = build.node(level=1, owner=people["officer"], code="CP1")
    child = build.node(level=2, parent=node, owner=people["staff"], code="SP1")
    plan = build.plan(owner=people["manager"], node=node, code="PLAN-A")
    action = build.action(
        plan=plan,
        assigned_to=people["staff"],
        managed_by=people["manager"],
        code="ACT-A",
        title="Publish the recycling plan",
    )
    milestone = Milestone.objects.create(
        action=action, title="First draft", due_date=today + timedelta(days=5)
    )
    register = build.register(owner=people["manager"], name="Operational risks")
    risk = build.risk(register=register, owner=people["staff"], code="RISK-A")
    pi = build.indicator(owner=people["staff"], code="PI-A")
    return SimpleNamespace(
        node=node,
        child=child,
        plan=plan,
        action=action,
        milestone=milestone,
        register=register,
        risk=risk,
        pi=pi,
    )


@pytest.fixture
def as_user(people, client_for, org_a):
    """as_user("officer") -> a client signed in to Alpha as that person."""

    def make(who: str):
        return client_for(org_a, user=people[who])

    return make


@pytest.fixture
def beta_admin(org_b, make_user, client_for):
    """An administrator of Beta, on Beta's host: Alpha's ids mean nothing there."""
    member = make_user(org_b, roles=["org_admin"], full_name="Beta Admin")
    return client_for(org_b, user=member.user)


@pytest.fixture
def alpha(org_a):
    """Switch the test's own ORM calls back to Alpha (a request may have moved them)."""

    def switch():
        connection.set_tenant(org_a)

    return switch
