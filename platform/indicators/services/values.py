"""Entering values (one at a time or in bulk) and commentary."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied
from goldenthread.platform.core.periods import Period
from goldenthread.platform.core.validation import validation_message
from goldenthread.platform.indicators.domain.anomaly import peer_anomaly
from goldenthread.platform.indicators.domain.calculation import (
    CalculationError,
    calculated_value,
)
from goldenthread.platform.indicators.domain.status import StatusResult
from goldenthread.platform.indicators.domain.validation import (
    ChangeRule,
    ValidRange,
    check_value,
    unusual_change,
)

from ..domain.choices import AuditAction, OutOfRangePolicy, UnitKind, ValueState, WorkflowStatus
from ..models import Commentary, Indicator, IndicatorValue, PerformanceSettings, SubArea
from ..models.fields import DECIMAL_PLACES
from ..permissions import can_comment, require_enter, require_enter_any
from ..selectors.peers import PeerValues, peer_values_for_period
from .audit import audit_record, changed_only, snapshot
from .common import (
    anomaly_rule,
    assess_indicator,
    change_rule,
    clean_and_save,
    history_needed,
    indicator_period,
    settings_for,
    store_status,
    target_value_for,
    to_decimal,
    value_anomaly,
    value_history,
)

VALUE_AUDIT_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "state",
    "workflow_status",
    "out_of_range_confirmed",
    "large_change_confirmed",
    "anomaly_confirmed",
    "out_of_range_note",
    "status",
)


class _Unset:
    pass


# The version of a value that is not stored yet (`value_version`).
NEW_VALUE_VERSION = "0"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def value_version(row: IndicatorValue | None) -> str:
    """The token a form, a grid cell or a REST client sends back with a save, so that a save
    made from an out-of-date reading is refused (`StaleValue`) instead of silently replacing
    someone else's change. It is `updated_at` in whole microseconds (every save of the row
    moves it), as text; `NEW_VALUE_VERSION` when nothing is stored yet."""
    if row is None or row.updated_at is None:
        return NEW_VALUE_VERSION
    return str((row.updated_at - _EPOCH) // timedelta(microseconds=1))


class StaleValue(Conflict):
    """Someone else saved the value after this person read it: their save is refused and
    `extra["current"]` says what is stored now, who changed it and when, and its version
    (send that version back to replace it deliberately)."""

    code = "stale_value"


def _shown(row: IndicatorValue) -> str:
    if row.state != ValueState.ENTERED:
        return row.get_state_display().lower()
    if row.value is None:
        return "empty"
    return format(row.value.normalize(), "f")


def _stale(row: IndicatorValue, indicator: Indicator) -> StaleValue:
    who = row.entered_by
    name = (who.full_name or who.email) if who is not None else "someone else"
    when = timezone.localtime(row.updated_at)
    return StaleValue(
        f"{name} changed the {row.period_code} value of {indicator.code} at "
        f"{when:%H:%M:%S} on {when:%d %B %Y} while you were editing it: it is now "
        f"{_shown(row)}. Your value was not saved. Save again to replace theirs with yours, "
        "or keep theirs.",
        extra={
            "current": {
                "value": None if row.value is None else str(row.value.normalize()),
                "numerator": None if row.numerator is None else str(row.numerator.normalize()),
                "denominator": (
                    None if row.denominator is None else str(row.denominator.normalize())
                ),
                "state": row.state,
                "workflow_status": row.workflow_status,
                "changed_by_id": row.entered_by_id,
                "changed_by": name,
                "changed_at": row.updated_at.isoformat(),
                "version": value_version(row),
            }
        },
    )


UNSET: Any = _Unset()


@dataclass(frozen=True)
class ValueCheck:
    """What entering a value would do, without saving it: for inline validation on pages, the
    import preview and `value_enter` itself.

    `problems` refuse the value outright. `out_of_range` lists range messages: refused when
    the PI's policy is refuse, accepted with a confirmation and note when it is confirm.
    `unusual` says why the value is far from the previous period's (whatever the policy, it
    is accepted with a confirmation and note: real jumps happen); `anomalous` likewise says why
    it is far from the PI's own history (`domain.anomaly`). `status` is the status the
    value would get now (None when there are problems).
    """

    indicator: Indicator
    period: Period | None
    state: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    problems: tuple[str, ...] = ()
    out_of_range: tuple[str, ...] = ()
    unusual: tuple[str, ...] = ()
    status: StatusResult | None = None
    anomalous: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return not self.refused and bool(self.out_of_range or self.unusual or self.anomalous)

    @property
    def refused(self) -> bool:
        return bool(self.problems) or (
            bool(self.out_of_range)
            and self.indicator.out_of_range_policy == OutOfRangePolicy.REFUSE
        )

    @property
    def messages(self) -> list[str]:
        return [*self.problems, *self.out_of_range, *self.unusual, *self.anomalous]

    def confirmation_problem(self, *, confirmed: bool, note: str) -> DomainError | None:
        """The refusal of an out-of-range or unusual value, or None when it may be saved: the
        same rule for single entry, bulk entry and the import (which confirms by a note)."""
        if self.out_of_range and self.indicator.out_of_range_policy == OutOfRangePolicy.REFUSE:
            return DomainError(
                " ".join(self.out_of_range),
                code="out_of_range",
                extra={"problems": list(self.out_of_range)},
            )
        unconfirmed = [*self.out_of_range, *self.unusual, *self.anomalous]
        if unconfirmed and not (confirmed and note.strip()):
            return DomainError(
                " ".join(unconfirmed)
                + " Confirm the value and add a note explaining it to save it anyway.",
                code="confirmation_required",
                extra={"problems": unconfirmed},
            )
        return None


def sentence(message: str) -> str:
    """The domain's messages are clauses ("1234 is above the maximum..."); users get sentences."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


@dataclass
class _Draft:
    problems: list[str] = field(default_factory=list)
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _numbers(
    indicator: Indicator, state: str, value: Any, numerator: Any, denominator: Any
) -> _Draft:
    draft = _Draft()
    # A percentage's value is in per cent already: "12.5%" is 12.5. Counts take no sign.
    percent = indicator.unit_kind == UnitKind.PERCENTAGE
    for name, raw in (("value", value), ("numerator", numerator), ("denominator", denominator)):
        try:
            number = to_decimal(raw, name=f"The {name}", percent_sign=percent and name == "value")
            setattr(draft, name, number)
        except DomainError as error:
            draft.problems.append(error.message)
    if draft.problems:
        return draft
    if state != ValueState.ENTERED:
        if any(n is not None for n in (draft.value, draft.numerator, draft.denominator)):
            label = ValueState(state).label.lower()
            draft.problems.append(f"A value marked {label} cannot also have a number.")
        return draft
    if indicator.is_calculated:
        if draft.value is not None:
            draft.problems.append(
                f"{indicator.code} is calculated: enter the numerator and denominator, not "
                "the value."
            )
        elif draft.numerator is None or draft.denominator is None:
            draft.problems.append(
                f"{indicator.code} is calculated from a numerator "
                f"({indicator.numerator_label or 'numerator'}) and a denominator "
                f"({indicator.denominator_label or 'denominator'}); enter both."
            )
        else:
            try:
                draft.value = calculated_value(
                    numerator=draft.numerator,
                    denominator=draft.denominator,
                    factor=indicator.factor,
                    decimal_places=DECIMAL_PLACES,
                )
            except CalculationError as error:
                draft.problems.append(sentence(str(error)))
        return draft
    if draft.numerator is not None or draft.denominator is not None:
        draft.problems.append(
            f"{indicator.code} is not calculated: enter its value, not a numerator and denominator."
        )
    elif draft.value is None:
        draft.problems.append(
            f"Enter a value for {indicator.code}, or mark the period not collected or not "
            "applicable."
        )
    elif indicator.unit_kind == UnitKind.YES_NO and draft.value not in (Decimal(0), Decimal(1)):
        draft.problems.append(
            f"{indicator.code} is a yes-or-no indicator: enter 1 (yes) or 0 (no)."
        )
    return draft


def value_check(
    *,
    indicator: Indicator,
    period_code: str,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    state: str = ValueState.ENTERED,
    sub_area: SubArea | None = None,
    settings: PerformanceSettings | None = None,
    target: Decimal | None = UNSET,
    history: list[tuple[str, Decimal]] = UNSET,
    rule: ChangeRule | None = None,
    today=None,
    reader_user=None,
    interface: str | None = None,
    peers: Sequence[PeerValues] | None = None,
) -> ValueCheck:
    """Check a value for a PI and period and work out its status, saving nothing.

    Pass `settings`, `target`, `history` (the earlier values, oldest first, as
    `value_history` gives them) and `rule` when checking many values at once to save queries.
    With `reader_user` and `interface`, an overall value of a catalogue PI is also compared
    with the values consented benchmarking peers published for the period
    (`domain.anomaly.peer_anomaly`); the read is logged as the comparison's. Or pass
    `peers` read already (`peers_for_entry`), as the services do before their transaction.
    """
    problems: list[str] = []
    period: Period | None = None
    try:
        period = indicator_period(indicator, period_code)
    except DomainError as error:
        problems.append(error.message)
    today = today or timezone.localdate()
    if period is not None and period.start > today:
        problems.append(f"{period.label} has not started yet, so it cannot have a value.")
    if state not in ValueState.values:
        expected = ", ".join(ValueState.values)
        problems.append(f"'{state}' is not a value state; expected one of {expected}.")
        return ValueCheck(indicator=indicator, period=period, state=state, problems=tuple(problems))
    if not indicator.is_active:
        problems.append(f"{indicator.code} is retired and takes no new values.")
    draft = _numbers(indicator, state, value, numerator, denominator)
    problems.extend(draft.problems)
    out_of_range: list[str] = []
    if not problems and draft.value is not None:
        unit = indicator.unit_kind
        whole = ValidRange(minimum=None, maximum=None, whole_numbers=indicator.whole_numbers)
        problems.extend(sentence(m) for m in check_value(draft.value, whole, unit=unit))
        limits = indicator.valid_range
        out_of_range = [sentence(m) for m in check_value(draft.value, limits, unit=unit)]
    unusual: list[str] = []
    anomalous: list[str] = []
    if not problems and draft.value is not None and period is not None:
        rule = rule or change_rule()
        if history is UNSET:
            # One query for both checks: the anomaly check reads further back.
            history = value_history(
                indicator=indicator,
                before=period,
                sub_area=sub_area,
                count=max(rule.history, history_needed(indicator, anomaly_rule())),
            )
        far = unusual_change(draft.value, history[-rule.history :], rule)
        if far:
            unusual.append(sentence(far))
        odd = value_anomaly(draft.value, period, history, anomaly_rule())
        if odd:
            anomalous.append(sentence(odd))
        elif sub_area is None and (peers is not None or (reader_user and interface)):
            if peers is None:
                peers = peers_for_entry(
                    indicator=indicator,
                    period_code=period.code,
                    sub_area=None,
                    actor=reader_user,
                    interface=interface,
                )
            odd = _far_from_peers(draft.value, peers)
            if odd:
                anomalous.append(sentence(odd))
    status = None
    if not problems and period is not None:
        if target is UNSET:
            target = target_value_for(
                indicator=indicator, period_code=period.code, sub_area=sub_area
            )
        status = assess_indicator(
            indicator=indicator,
            value=draft.value,
            target=target,
            settings=settings or settings_for(),
            value_state=state,
        )
    return ValueCheck(
        indicator=indicator,
        period=period,
        state=state,
        value=draft.value,
        numerator=draft.numerator,
        denominator=draft.denominator,
        problems=tuple(problems),
        out_of_range=tuple(out_of_range),
        unusual=tuple(unusual),
        status=status,
        anomalous=tuple(anomalous),
    )


def peers_for_entry(
    *, indicator: Indicator, period_code: str, sub_area: SubArea | None, actor, interface: str
) -> list[PeerValues]:
    """Consented benchmarking peers' values for an overall value of a catalogue PI being
    entered (`selectors.peers`; the read is logged). Read before a service's transaction, so
    the log of the read stays when the value is refused (the person saw the peers' figures)."""
    if sub_area is not None or not indicator.catalogue_code:
        return []
    try:
        period = indicator_period(indicator, period_code)
    except DomainError:
        return []  # the check itself says what is wrong with the period
    return peer_values_for_period(
        indicator=indicator, period=period, reader_user=actor, interface=interface
    )


def _far_from_peers(value: Decimal, peers: Sequence[PeerValues]) -> str | None:
    """The first club whose peers' values for the period make `value` an outlier, in words."""
    rule = anomaly_rule()
    for club in peers:
        odd = peer_anomaly(value, peers=club.values, rule=rule)
        if odd:
            return f"{odd} in {club.club}"
    return None


def kept_note(row: IndicatorValue | None, check: ValueCheck) -> str:
    """The note a stored value was confirmed with, while the value is unchanged: a confirmed
    value saved again (re-submitted after being sent back, imported again) needs no new
    note."""
    if row is None or row.value is None or row.value != check.value:
        return ""
    flagged = row.out_of_range_confirmed or row.large_change_confirmed or row.anomaly_confirmed
    return row.out_of_range_note if flagged else ""


def _refuse_if_locked(row: IndicatorValue) -> None:
    if row.workflow_status == WorkflowStatus.APPROVED:
        raise Conflict(
            f"The value of {row.indicator.code} for {row.period_code} is approved and locked; "
            "a performance officer must reopen it, with a reason, before it can change.",
            code="locked",
        )
    if row.workflow_status == WorkflowStatus.SUBMITTED:
        raise Conflict(
            f"The value of {row.indicator.code} for {row.period_code} has been submitted for "
            "approval; the verifier must send it back before it can change.",
            code="submitted",
        )


def value_enter(*, interface: str | None = None, **arguments: Any) -> IndicatorValue:
    """`_value_enter`, with a catalogue PI's benchmarking peers read first (outside the
    transaction) when a person enters one value through `interface` ("page", "rest")."""
    if interface and arguments.get("peers") is None:
        arguments["peers"] = peers_for_entry(
            indicator=arguments["indicator"],
            period_code=arguments["period_code"],
            sub_area=arguments.get("sub_area"),
            actor=arguments["actor"],
            interface=interface,
        )
    return _value_enter(**arguments)


@transaction.atomic
def _value_enter(
    *,
    actor: User,
    indicator: Indicator,
    period_code: str,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    state: str = ValueState.ENTERED,
    sub_area: SubArea | None = None,
    confirm_out_of_range: bool = False,
    out_of_range_note: str = "",
    reason: str = "",
    settings: PerformanceSettings | None = None,
    peers: Sequence[PeerValues] | None = None,
    version: str | None = None,
) -> IndicatorValue:
    """Enter or correct the value of a PI for a period (and sub-area), as a draft.

    `version` (`value_version` of the value as the person saw it; None for doors that do not
    carry one — the import, the bulk upsert without it): when the stored value has moved on
    since, and this save would change it, it is refused with `StaleValue` (no lost update).

    `peers` (`peers_for_entry`, read by `value_enter` when a person enters one value through
    a page or REST): a catalogue PI's value is also compared with the values consented
    benchmarking peers published for the period. Bulk doors leave it out.

    Refused when the period does not match the PI's frequency, the number is invalid, the value
    is out of range (unless the PI allows confirming it and `confirm_out_of_range` is given
    with a note) or far from the previous period's (unless confirmed with a note), or the
    value is already submitted or approved. The status against target is
    computed and stored; every change is audited.
    """
    require_enter(actor, indicator)
    indicator_period(indicator, period_code)  # refuses a wrong period with its own code
    check = value_check(
        indicator=indicator,
        period_code=period_code,
        value=value,
        numerator=numerator,
        denominator=denominator,
        state=state,
        sub_area=sub_area,
        settings=settings,
        peers=peers,
    )
    if check.problems:
        raise DomainError(" ".join(check.problems), extra={"problems": list(check.problems)})
    period = check.period
    row = (
        IndicatorValue.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, period_code=period.code, sub_area=sub_area)
        .first()
    )
    out_of_range_note = (out_of_range_note or "").strip() or kept_note(row, check)
    confirmed = confirm_out_of_range or bool(kept_note(row, check))
    refusal = check.confirmation_problem(confirmed=confirmed, note=out_of_range_note)
    if refusal is not None:
        raise refusal
    if row is not None:
        row.indicator = indicator
        _refuse_if_locked(row)
        before = snapshot(row, VALUE_AUDIT_FIELDS)
        stored = copy.copy(row)  # as it is now, for a stale save's message
    else:
        row = IndicatorValue(indicator=indicator, sub_area=sub_area)
        row.set_period(period)
        before = None
    row.value = check.value
    row.numerator = check.numerator
    row.denominator = check.denominator
    row.state = state
    row.workflow_status = WorkflowStatus.DRAFT
    row.out_of_range_confirmed = bool(check.out_of_range)
    row.large_change_confirmed = bool(check.unusual)
    row.anomaly_confirmed = bool(check.anomalous)
    row.out_of_range_note = out_of_range_note if check.needs_confirmation else ""
    store_status(row, check.status)
    after = snapshot(row, VALUE_AUDIT_FIELDS)
    if before is not None and before == after:
        return row  # nothing changed: no new audit row, no new "entered by"
    # The row is locked (select_for_update), so the version compared here is the one this save
    # replaces; a second saver waits for the first's commit and then sees its new version.
    if before is not None and version not in (None, "") and version != value_version(row):
        raise _stale(stored, indicator)
    row.entered_by = actor
    row.entered_at = timezone.now()
    try:
        row.full_clean(validate_constraints=False)  # the one constraint: `_insert_or_stale`
    except ValidationError as error:
        raise DomainError(validation_message(error)) from None
    if before is None:
        _insert_or_stale(row, indicator)
    else:
        row.save()
    if before is None:
        old, new = None, after
    else:
        old, new = changed_only(before, after)
    audit_record(
        actor=actor,
        action=AuditAction.VALUE_ENTERED if before is None else AuditAction.VALUE_CHANGED,
        obj=row,
        indicator=indicator,
        period_code=row.period_code,
        old=old,
        new=new,
        reason=reason or out_of_range_note,
    )
    return row


def _insert_or_stale(row: IndicatorValue, indicator: Indicator) -> None:
    """Insert a new value; when another person inserted the same PI, period and sub-area
    between our read and our insert (nothing was there to lock), theirs is kept and this save
    is refused as stale, naming their value."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        theirs = (
            IndicatorValue.objects.select_related("entered_by")
            .filter(indicator=indicator, period_code=row.period_code, sub_area=row.sub_area)
            .first()
        )
        if theirs is None:
            raise
        raise _stale(theirs, indicator) from None


BULK_ITEM_KEYS = {
    "indicator",
    "period_code",
    "value",
    "numerator",
    "denominator",
    "state",
    "sub_area",
    "confirm_out_of_range",
    "out_of_range_note",
    "reason",
    "version",
}


@transaction.atomic
def values_bulk_upsert(*, actor: User, items: Sequence[Mapping[str, Any]]) -> list[IndicatorValue]:
    """Enter many values at once, all or nothing.

    Each item holds the keyword arguments of `value_enter` (with `indicator` an Indicator).
    When any item is refused nothing is saved, and the `DomainError` lists every refused
    item by its position: `extra={"errors": [{"index", "message", "code"}]}`.
    """
    if not items:
        raise DomainError("There are no values to save.")
    saved, errors = _enter_each(actor=actor, items=items)
    _refuse_unless_all_saved(errors=errors, count=len(items))
    return saved


@transaction.atomic
def values_bulk_upsert_by_reference(
    *, actor: User, items: Sequence[Mapping[str, Any]]
) -> list[IndicatorValue]:
    """Enter many values named as an API client names them, all or nothing.

    Each item names its PI by `indicator_id` or `indicator_code` (any case), its period by
    `period` and its sub-area (if any) by `sub_area_id`; the rest are `value_enter`'s keyword
    arguments. An unknown PI or sub-area is refused like any other problem: when any item
    is refused nothing is saved, and the `DomainError` lists every refused item by its
    position (`extra={"errors": [{"index", "message", "code"}]}`). Two queries find the
    PIs of the whole batch, whatever its size.
    """
    require_enter_any(actor)  # a role that never enters values is refused outright (403)
    if not items:
        raise DomainError("There are no values to save.")
    indicators = _indicators_named(items)
    sub_areas = SubArea.objects.in_bulk(
        {item["sub_area_id"] for item in items if isinstance(item.get("sub_area_id"), int)}
    )
    resolved: list[dict[str, Any]] = []
    positions: list[int] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        arguments = dict(item)
        code = str(arguments.pop("indicator_code", None) or "").strip()
        pk = arguments.pop("indicator_id", None)
        indicator = indicators.get(pk=pk, code=code)
        if indicator is None:
            if pk is None and not code:
                message = "Give the indicator's code or id."
            else:
                what = f"id '{pk}'" if pk is not None else f"code '{code}'"
                message = f"There is no indicator with the {what}."
            errors.append({"index": index, "message": message, "code": "unknown_indicator"})
            continue
        sub_area_id = arguments.pop("sub_area_id", None)
        sub_area = sub_areas.get(sub_area_id) if sub_area_id is not None else None
        if sub_area_id is not None and sub_area is None:
            errors.append(
                {
                    "index": index,
                    "message": f"sub_area_id: There is no sub-area with the id '{sub_area_id}'.",
                    "code": "invalid",
                }
            )
            continue
        arguments["period_code"] = arguments.pop("period", "")
        resolved.append({"indicator": indicator, "sub_area": sub_area, **arguments})
        positions.append(index)
    # The good items are checked too, so that one refusal lists every problem.
    saved, refused = _enter_each(actor=actor, items=resolved, positions=positions)
    errors.extend(refused)
    _refuse_unless_all_saved(errors=errors, count=len(items))
    return saved


@dataclass(frozen=True)
class _IndicatorsNamed:
    by_id: dict[int, Indicator]
    by_code: dict[str, Indicator]  # by lower-case code

    def get(self, *, pk: Any, code: str) -> Indicator | None:
        return self.by_id.get(pk) if pk is not None else self.by_code.get(code.lower())


def _indicators_named(items: Sequence[Mapping[str, Any]]) -> _IndicatorsNamed:
    codes = {str(item.get("indicator_code") or "").strip().lower() for item in items} - {""}
    ids = {item.get("indicator_id") for item in items}
    indicators = Indicator.objects.prefetch_related("data_providers")
    return _IndicatorsNamed(
        by_id={
            pi.pk: pi for pi in indicators.filter(pk__in=[pk for pk in ids if isinstance(pk, int)])
        },
        by_code={
            pi.code.lower(): pi
            for pi in indicators.annotate(code_lower=Lower("code")).filter(code_lower__in=codes)
        },
    )


def _enter_each(
    *,
    actor: User,
    items: Sequence[Mapping[str, Any]],
    positions: Sequence[int] | None = None,
) -> tuple[list[IndicatorValue], list[dict[str, Any]]]:
    """Enter each item in its own savepoint; the values saved and the items refused, each by
    its position in the caller's batch (`positions`, by default the items' own order). The
    caller refuses the whole batch, in its transaction, if any was refused."""
    settings = settings_for()
    errors: list[dict[str, Any]] = []
    saved: list[IndicatorValue] = []
    seen: dict[tuple, int] = {}
    for index, item in zip(positions or range(len(items)), items, strict=True):
        unknown = set(item) - BULK_ITEM_KEYS
        if unknown:
            errors.append(
                {
                    "index": index,
                    "message": f"Unknown field(s): {', '.join(sorted(unknown))}.",
                    "code": "unknown_field",
                }
            )
            continue
        indicator = item.get("indicator")
        sub_area = item.get("sub_area")
        key = (
            getattr(indicator, "pk", None),
            str(item.get("period_code", "")).strip(),
            getattr(sub_area, "pk", None),
        )
        if key in seen:
            errors.append(
                {
                    "index": index,
                    "message": f"This repeats item {seen[key]} (same indicator, period and "
                    "sub-area).",
                    "code": "duplicate",
                }
            )
            continue
        seen[key] = index
        try:
            with transaction.atomic():
                saved.append(value_enter(actor=actor, settings=settings, **item))
        except DomainError as error:
            errors.append({"index": index, "message": error.message, "code": error.code})
    return saved, errors


def _refuse_unless_all_saved(*, errors: list[dict[str, Any]], count: int) -> None:
    if errors:
        raise DomainError(
            f"{len(errors)} of {count} values were refused, so none were saved.",
            code="bulk_refused",
            extra={"errors": sorted(errors, key=lambda error: error["index"])},
        )


@transaction.atomic
def commentary_add(*, actor: User, indicator: Indicator, period_code: str, text: str) -> Commentary:
    """Add commentary on a PI's performance in a period (the newest is the one reported)."""

    if not can_comment(actor, indicator):
        raise PermissionDenied(
            f"Only {indicator.code}'s owner, its data providers and performance officers may "
            "comment on it."
        )
    period = indicator_period(indicator, period_code)
    text = (text or "").strip()
    if not text:
        raise DomainError("The commentary is empty.")
    commentary = Commentary(indicator=indicator, period_code=period.code, author=actor, text=text)
    clean_and_save(commentary)
    audit_record(
        actor=actor,
        action=AuditAction.COMMENTARY_ADDED,
        obj=commentary,
        indicator=indicator,
        period_code=period.code,
        new={"text": text},
    )
    return commentary
