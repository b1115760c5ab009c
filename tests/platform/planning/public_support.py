"""A scene for the public pages: every kind of value and decision that must NOT be public,
next to the few that must (fixtures, written straight to the models where a timestamp must be
in the past; the decisions themselves go through the services)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from goldenthread.platform.indicators.models import Commentary
from goldenthread.platform.planning.models import PreElectionPeriod, Publication
from goldenthread.platform.planning.services.public import (
    publication_approve,
    publication_propose,
    publication_withdraw,
)
from tests.factories import IndicatorFactory, IndicatorValueFactory

PUBLIC_NUMBERS = ("11.1%", "18.8%")
HIDDEN_NUMBERS = ("22.2", "33.3", "44.4", "55.5", "66.6", "77.7", "99.9", "12.3", "42.4", "64.2")


def value(pi, period, number, workflow="approved", approved_ago=timedelta(days=30), **extra):
    now = timezone.now()
    return IndicatorValueFactory(
        indicator=pi,
        period=period,
        value=Decimal(number),
        workflow_status=workflow,
        approved_at=now - approved_ago if workflow == "approved" else None,
        **extra,
    )


def publish(pi=None, action=None, *, officer, admin, ago=timedelta(days=20), embargo=None, **extra):
    row = publication_propose(actor=officer, indicator=pi, action=action, **extra)
    publication_approve(actor=admin, publication=row)
    at = timezone.now() - ago
    Publication.objects.filter(pk=row.pk).update(
        decided_at=at, proposed_at=at, embargo_until=embargo or at
    )
    return Publication.objects.get(pk=row.pk)


def build_scene(people, build):
    officer, admin = people["officer"], people["admin"]
    now = timezone.now()
    shown = IndicatorFactory(code="PUB-1", title="Published measure")
    old = value(shown, "2024/25 Q1", "11.1")
    Commentary.objects.create(
        indicator=shown, period_code="2024/25 Q1", text="A good quarter", author=officer
    )
    Commentary.objects.filter(indicator=shown).update(created_at=now - timedelta(days=31))
    value(shown, "2024/25 Q2", "22.2", workflow="submitted")
    value(shown, "2024/25 Q3", "33.3", workflow="draft")
    value(shown, "2024/25 Q4", "44.4", workflow="draft", returned_reason="Check it")
    publish(shown, officer=officer, admin=admin)

    secret = IndicatorFactory(code="SECRET-2", title="Never published")
    value(secret, "2024/25 Q1", "55.5")
    publication_propose(actor=officer, indicator=secret)  # proposed, never approved

    embargoed = IndicatorFactory(code="EMB-3", title="Embargoed measure")
    value(embargoed, "2024/25 Q1", "66.6")
    publish(embargoed, officer=officer, admin=admin, embargo=now + timedelta(days=2))

    paused = IndicatorFactory(code="PAUSE-4", title="Approved in the pre-election period")
    value(paused, "2024/25 Q1", "77.7")
    publish(paused, officer=officer, admin=admin, ago=timedelta(days=1))

    kept = IndicatorFactory(code="OLD-5", title="Published before the election")
    value(kept, "2024/25 Q1", "18.8")
    value(kept, "2024/25 Q2", "99.9", approved_ago=timedelta(hours=2))
    publish(kept, officer=officer, admin=admin)

    withdrawn = IndicatorFactory(code="WD-6", title="Withdrawn measure")
    value(withdrawn, "2024/25 Q1", "12.3")
    withdrawn_pub = publish(withdrawn, officer=officer, admin=admin)
    publication_withdraw(actor=admin, publication=withdrawn_pub, reason="Wrong definition")

    early = IndicatorFactory(code="EARLY-7", title="Published from 2024/25 Q2")
    value(early, "2023/24 Q4", "64.2")
    publish(early, officer=officer, admin=admin, values_from=shown_start("2024/25 Q2"))

    PreElectionPeriod.objects.create(
        name="Local elections", starts_at=now - timedelta(days=3), ends_at=now + timedelta(days=5)
    )
    open_action = build.action(code="ACT-1", title="Open the new depot", progress=40)
    publish(action=open_action, officer=officer, admin=admin)
    hidden_action = build.action(code="ACT-2", title="Secret restructure", progress=10)
    proposed_action = build.action(code="ACT-3", title="Hidden proposal", progress=20)
    publication_propose(actor=officer, action=proposed_action)  # never approved
    embargoed_action = build.action(code="ACT-4", title="Hidden until later", progress=30)
    publish(action=embargoed_action, officer=officer, admin=admin, embargo=now + timedelta(days=2))
    paused_action = build.action(code="ACT-5", title="Hidden by the election", progress=50)
    publish(action=paused_action, officer=officer, admin=admin, ago=timedelta(days=1))
    withdrawn_action = build.action(code="ACT-6", title="Hidden once withdrawn", progress=60)
    withdrawn_action_pub = publish(action=withdrawn_action, officer=officer, admin=admin)
    publication_withdraw(actor=admin, publication=withdrawn_action_pub, reason="Cancelled")
    return {
        "shown": shown,
        "old_value": old,
        "hidden_pis": [secret, embargoed, paused, withdrawn],
        "kept": kept,
        "early": early,
        "action": open_action,
        "hidden_action": hidden_action,
        "hidden_actions": [
            hidden_action,
            proposed_action,
            embargoed_action,
            paused_action,
            withdrawn_action,
        ],
    }


def shown_start(code):
    from goldenthread.platform.core.periods import parse_period

    return parse_period(code).start


def beta_scene(org_b, make_user):
    """Beta publishes a PI with an approved value; Alpha's visitors must never see it."""
    officer = make_user(org_b, roles=["performance_officer"]).user
    admin = make_user(org_b, roles=["org_admin"]).user
    connection.set_tenant(org_b)
    pi = IndicatorFactory(code="BETA-1", title="Beta measure")
    value(pi, "2024/25 Q1", "42.4")
    publish(pi, officer=officer, admin=admin)
    return pi
