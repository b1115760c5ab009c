"""Schedules, distribution lists and the distribution settings (who may change them:
performance officers and organisation administrators), and starting the scheduled packs that
are due (run per organisation by beat through `core.tasks.dispatch_to_organisations`)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import DomainError

from ..domain.schedules import MAX_WORKING_DAYS, due_quarter, quarter_due_date
from ..models import (
    DistributionList,
    DistributionSettingChange,
    PackRun,
    PackSchedule,
    ReportDefinition,
)
from ..permissions import require_write
from ..selectors.distribution import distribution_settings_get, settings_as_data


def _fields_error(message: str, fields: dict[str, str]) -> DomainError:
    return DomainError(message + " " + " ".join(fields.values()), extra={"fields": fields})


@transaction.atomic
def schedule_save(
    *,
    user,
    definition: ReportDefinition,
    working_days,
    committee: str,
    active: bool = True,
    today: date | None = None,
) -> PackSchedule:
    """Set the definition's schedule: its pack for each quarter `working_days` working days
    after the quarter ends, for `committee`. Quarters already due when it is first set are
    not run."""
    require_write(user)
    problems = {}
    try:
        days = int(str(working_days).strip())
    except (TypeError, ValueError):
        days = None
    if days is None or not 0 <= days <= MAX_WORKING_DAYS:
        problems["working_days"] = (
            f"Enter the working days after the quarter end as a whole number from 0 to "
            f"{MAX_WORKING_DAYS}."
        )
    committee = str(committee or "").strip()
    if not committee or len(committee) > 200:
        problems["committee"] = "Enter the committee the packs are for (up to 200 characters)."
    if problems:
        raise _fields_error("The schedule cannot be saved:", problems)
    if definition.archived_at is not None:
        raise DomainError("This report definition is archived: it cannot be scheduled.")
    schedule, created = PackSchedule.objects.select_for_update().get_or_create(
        definition=definition,
        defaults={
            "working_days": days,
            "committee": committee,
            "active": bool(active),
            "starts_on": today or timezone.localdate(),
            "updated_by": user,
        },
    )
    if not created:
        if not schedule.active and active:
            # Switched back on: quarters that fell due while it was off stay unrun.
            schedule.starts_on = today or timezone.localdate()
        schedule.working_days, schedule.committee = days, committee
        schedule.active, schedule.updated_by = bool(active), user
        schedule.save()
    return schedule


@transaction.atomic
def distribution_list_save(
    *, user, definition: ReportDefinition, roles=(), people=()
) -> DistributionList:
    """Set who receives the definition's packs: everyone with one of `roles` and the people
    chosen (ids of this organisation's users)."""
    require_write(user)
    problems = {}
    roles = sorted({str(r) for r in roles or ()})
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        problems["roles"] = f"There is no role called {', '.join(unknown)}."
    try:
        ids = {int(p) for p in people or ()}
    except (TypeError, ValueError):
        ids, problems["people"] = set(), "People are chosen by their ids."
    found = set(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - found:
        problems["people"] = (
            "There is nobody with the id "
            + ", ".join(str(pk) for pk in sorted(ids - found))
            + " in this organisation."
        )
    if problems:
        raise _fields_error("The distribution list cannot be saved:", problems)
    distribution, _ = DistributionList.objects.select_for_update().get_or_create(
        definition=definition, defaults={"updated_by": user}
    )
    distribution.roles, distribution.updated_by = roles, user
    distribution.save()
    distribution.people.set(found)
    return distribution


@transaction.atomic
def distribution_settings_update(*, user, attachments_allowed: bool, attachment_max_kb=None):
    """Allow or stop packs attached to e-mails (and their size cap); every change is recorded
    with who, when, old and new."""
    require_write(user)
    current = distribution_settings_get(for_update=True)
    old = settings_as_data(current)
    if attachment_max_kb is not None:
        try:
            kb = int(str(attachment_max_kb).strip())
        except ValueError:
            kb = -1
        if not 1 <= kb <= 20 * 1024:
            raise _fields_error(
                "The settings cannot be saved:",
                {"attachment_max_kb": "Enter the largest attachment in KB, from 1 to 20480."},
            )
        current.attachment_max_kb = kb
    current.attachments_allowed = bool(attachments_allowed)
    current.save()
    new = settings_as_data(current)
    if new != old:
        DistributionSettingChange.objects.create(actor=user, actor_name=str(user), old=old, new=new)
    return current


def run_due_schedules(*, today: date | None = None) -> list[PackRun]:
    """Start every active schedule's pack that is due and not yet run for its quarter (the
    unique (schedule, period) row makes a second start impossible, however often this runs)."""
    from .freezing import _queue

    today = today or timezone.localdate()
    started = []
    schedules = PackSchedule.objects.filter(active=True, definition__archived_at__isnull=True)
    for schedule in schedules.select_related("definition"):
        quarter = due_quarter(
            today=today, working_days=schedule.working_days, since=schedule.starts_on
        )
        if quarter is None:
            continue
        try:
            with transaction.atomic():
                run = PackRun.objects.create(
                    definition=schedule.definition,
                    definition_version=schedule.definition.latest_version,
                    period_code=quarter.code,
                    committee=schedule.committee,
                    meeting_date=quarter_due_date(quarter, schedule.working_days),
                    schedule=schedule,
                    distribute=True,
                    phase="Waiting for the worker",
                )
                _queue(run)
        except IntegrityError:
            continue  # already run for this quarter
        started.append(run)
    return started
