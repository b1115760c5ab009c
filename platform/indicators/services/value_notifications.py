"""Who hears about a value's workflow step, and in which words (called by `workflow`, inside
the transition's transaction, so every interface — pages, REST, bulk paths — notifies alike,
one notification per value and person).

- submitted: the PI's named verifier; when it names nobody, every active verifier. When the
  named verifier can no longer act (deactivated, or without the verifier role), the
  performance team (performance officers and organisation administrators), who cover for
  them. Cover is not told while the named verifier can act: the queue shows them what they
  could cover, and a message to the whole team for every value would be noise.
- sent back: the provider who submitted it (else who entered it), with the reason.
- approved: the provider who submitted it (else who entered it).
- reopened: that provider and the verifier who had approved it, with the reason.
Nobody is told about their own step. Notifications live in the organisation's schema and go
only to its users, so nobody in another organisation ever hears.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.periods import PeriodError, parse_period
from goldenthread.platform.notifications.domain.choices import Kind
from goldenthread.platform.notifications.services.notify import Event, notify

from ..domain.choices import AuditAction, ValueState
from ..models import AuditEntry, IndicatorValue
from ..permissions import COVER_ROLES
from ..templatetags.indicators import number_format

KINDS = {
    AuditAction.SUBMITTED: Kind.VALUE_SUBMITTED,
    AuditAction.SENT_BACK: Kind.VALUE_SENT_BACK,
    AuditAction.APPROVED: Kind.VALUE_APPROVED,
    AuditAction.REOPENED: Kind.VALUE_REOPENED,
}
TITLES = {
    Kind.VALUE_SUBMITTED: "Waiting for your approval: {what}",
    Kind.VALUE_SENT_BACK: "Sent back to you: {what}",
    Kind.VALUE_APPROVED: "Approved: {what}",
    Kind.VALUE_REOPENED: "Reopened for correction: {what}",
}


def _name(user: User | None) -> str:
    return (user.full_name or user.email) if user is not None else "someone"


def _period_words(code: str) -> str:
    try:
        return parse_period(code).label
    except PeriodError:
        return code


def _value_words(row: IndicatorValue) -> str:
    if row.state != ValueState.ENTERED:
        return row.get_state_display()
    indicator = row.indicator
    return number_format(indicator.unit_kind, indicator.decimal_places)(row.value)


def verifiers_to_tell(row: IndicatorValue) -> list[User]:
    """Who is asked to approve a submitted value (see the module docstring)."""
    named = row.indicator.verifier
    if named is not None and named.is_active and named.has_role(Role.VERIFIER):
        return [named]
    if named is not None:
        return [u for u in User.objects.filter(is_active=True) if u.has_role(*COVER_ROLES)]
    return list(User.objects.filter(is_active=True, roles__contains=[Role.VERIFIER]))


def _link(kind: Kind, row: IndicatorValue) -> str:
    if kind == Kind.VALUE_SUBMITTED:
        return reverse("indicators:approvals")
    if kind == Kind.VALUE_SENT_BACK:
        query = urlencode({"period": row.period_code})
        return f"{reverse('indicators:enter', kwargs={'pk': row.indicator_id})}?{query}"
    return reverse("indicators:detail", kwargs={"pk": row.indicator_id})


def value_step_notify(
    *,
    row: IndicatorValue,
    entry: AuditEntry,
    actor: User,
    recipients: list[User | None],
    reason: str = "",
) -> int:
    """Record the step `entry` (an audit entry of `row`) for `recipients` but the actor."""
    kind = KINDS[entry.action]
    indicator = row.indicator
    what = f"{indicator.title} ({indicator.code}), {_period_words(row.period_code)}"
    event = Event(
        kind=kind,
        # One audit entry is one step: the key makes the notification once per step and person.
        key=f"{kind}:{entry.pk}",
        title=TITLES[kind].format(what=what),
        link=_link(kind, row),
        context={
            "indicator_title": indicator.title,
            "indicator_code": indicator.code,
            "period": _period_words(row.period_code),
            "value": _value_words(row),
            "actor": _name(actor),
            "reason": reason,
        },
    )
    return notify(event=event, recipients=[u for u in recipients if u is None or u.pk != actor.pk])
