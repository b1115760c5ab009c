"""Check every row of an import against the organisation's PIs, and say what would change.

Every problem is reported with its row number, its column and a message the uploader can act
on; nothing is written here. The same checks run at preview and again, under row locks, at
commit (`lock=True`), so what is written is what was checked. A fixed number of queries is
run whatever the size of the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db.models.functions import Lower
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.periods import Period, PeriodError, parse_period
from goldenthread.platform.indicators.domain.validation import show

from ...domain.choices import UnitKind, ValueState, WorkflowStatus
from ...domain.importing.reader import Row, Table
from ...models import ImportKind, Indicator, IndicatorValue, SubArea, Target
from ...models.fields import DECIMAL_PLACES, MAX_DIGITS
from ...permissions import can_enter_values, can_manage_indicators
from ..audit import snapshot
from ..common import (
    change_rule,
    indicator_period,
    settings_for,
    store_status,
    target_period,
    to_decimal,
)
from ..values import VALUE_AUDIT_FIELDS, kept_note, sentence, value_check

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
KEY_COLUMNS = "indicator code, period and sub-area"
# The preview page and the job keep this many problems and changes; counts keep the totals.
STORED_PROBLEMS = 2_000
STORED_CHANGES = 1_000
PROGRESS_EVERY = 250

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class Change:
    row: int
    code: str
    period: str
    sub_area: str
    kind: str  # new, changed or unchanged
    old: str | None
    new: str


@dataclass
class Planned:
    """A row that passed every check: the object to write, and its state before."""

    row: int
    kind: str
    obj: IndicatorValue | Target
    indicator: Indicator
    before: dict[str, Any] | None
    note: str
    after: dict[str, Any] | None = None  # a value's audited fields as they will be saved


@dataclass
class Validation:
    kind: str
    total_rows: int
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        kinds = [change.kind for change in self.changes]
        return {
            "rows": self.total_rows,
            "new": kinds.count(NEW),
            "changed": kinds.count(CHANGED),
            "unchanged": kinds.count(UNCHANGED),
            "skipped": self.skipped,
            "problems": len(self.problems),
            "rows_with_problems": len({p.row for p in self.problems if p.row is not None}),
        }

    @property
    def digest(self) -> str:
        """A fingerprint of what would change; a commit writes only what was previewed."""
        payload = json.dumps([asdict(change) for change in self.changes], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def stored_problems(self) -> list[dict[str, Any]]:
        return [asdict(problem) for problem in self.problems[:STORED_PROBLEMS]]

    def stored_changes(self) -> list[dict[str, Any]]:
        # Changes first, so a long run of unchanged rows does not hide them.
        ordered = sorted(self.changes, key=lambda change: (change.kind == UNCHANGED, change.row))
        return [asdict(change) for change in ordered[:STORED_CHANGES]]


def file_problem(kind: str, message: str) -> Validation:
    return Validation(kind=kind, total_rows=0, problems=[Problem(None, "", message)])


# --- what is shown for a value or target --------------------------------------------------


def describe_value(obj: IndicatorValue) -> str:
    if obj.state != ValueState.ENTERED:
        return ValueState(obj.state).label
    if obj.numerator is not None and obj.denominator is not None:
        return f"{show(obj.value)} ({show(obj.numerator)} / {show(obj.denominator)})"
    return show(obj.value) if obj.value is not None else "—"


# --- shared look-ups ----------------------------------------------------------------------


def _indicators_by_code(table: Table) -> dict[str, Indicator]:
    codes = {row.cells.get("indicator code", "").lower() for row in table.rows} - {""}
    pis = (
        Indicator.objects.annotate(code_lower=Lower("code"))
        .filter(code_lower__in=codes)
        .prefetch_related("data_providers")
    )
    return {pi.code.lower(): pi for pi in pis}


class _SubAreas:
    def __init__(self) -> None:
        self.by_code: dict[str, SubArea] = {}
        self.by_name: dict[str, list[SubArea]] = {}
        for area in SubArea.objects.all():
            if area.code:
                self.by_code[area.code.lower()] = area
            self.by_name.setdefault(area.name.lower(), []).append(area)

    def find(self, text: str) -> tuple[SubArea | None, str | None]:
        """The sub-area named by its code or name, or a message saying why there is none."""
        if not text:
            return None, None
        key = text.lower()
        if key in self.by_code:
            return self.by_code[key], None
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0], None
        if len(named) > 1:
            return None, f"More than one sub-area is called '{text}'; use its code instead."
        return None, f"There is no sub-area '{text}' in this organisation."


def _parse_state(text: str) -> str | None:
    key = text.strip().lower().replace("_", " ").replace("-", " ")
    if key in ("", "entered"):
        return ValueState.ENTERED
    for state in ValueState:
        if key in (state.value.replace("_", " "), state.label.lower()):
            return state.value
    return None


def _number(row: Row, column: str, problems: list[Problem], *, percent_sign: bool = False):
    """A number cell: an XLSX number as it is (never read as text), else the text read by the
    one parser (`to_decimal`). An XLSX cell formatted as a percentage is what it shows: Excel
    stores 12.5% as 0.125, which a percentage PI's value or target reads as 12.5; anywhere
    else a percentage is refused, as a typed per cent sign is."""
    raw = row.numbers.get(column, row.cells.get(column, ""))
    if column in row.percent:
        if not percent_sign:
            problems.append(
                Problem(
                    row.number,
                    column,
                    f"The {column} cell is formatted as a percentage ({row.cells[column]}), "
                    "but only a percentage PI's value or target can be a percentage; format "
                    "the cell as a number.",
                )
            )
            return None
        raw = row.numbers[column] * 100
    try:
        return to_decimal(raw, name=f"The {column}", percent_sign=percent_sign)
    except DomainError as error:
        problems.append(Problem(row.number, column, error.message))
        return None


def _history(pis: list[Indicator]) -> dict[tuple[int, int | None], list[tuple]]:
    """Every entered value of the file's PIs, oldest first, by (PI, sub-area): what each new
    value is compared with to find a far move (one query)."""
    history: dict[tuple[int, int | None], list[tuple]] = {}
    rows = (
        IndicatorValue.objects.filter(indicator__in=pis, value__isnull=False)
        .order_by("period_start")
        .values_list("indicator_id", "sub_area_id", "period_start", "period_code", "value")
    )
    for pk, sub_area_id, start, code, value in rows:
        history.setdefault((pk, sub_area_id), []).append((start, code, value))
    return history


def _history_before(
    history: dict[tuple[int, int | None], list[tuple]], key: tuple, period: Period, count: int
) -> list[tuple[str, Any]]:
    earlier = [(code, value) for start, code, value in history.get(key, ()) if start < period.start]
    return earlier[-count:]


def _field_problems(error: ValidationError, row: int, columns: dict[str, str]) -> list[Problem]:
    problems = []
    for name, messages in error.message_dict.items():
        for message in messages:
            problems.append(Problem(row, columns.get(name, name.replace("_", " ")), message))
    return problems


class _Rows:
    """What the row checks share: look-ups, the rows seen so far, and the problem list."""

    def __init__(self, table: Table, kind: str, progress: Progress | None) -> None:
        self.table = table
        self.validation = Validation(kind=kind, total_rows=len(table.rows))
        self.indicators = _indicators_by_code(table)
        self.sub_areas = _SubAreas()
        self.seen: dict[tuple, int] = {}
        self.progress = progress

    def tick(self, index: int) -> None:
        if self.progress is not None and (index + 1) % PROGRESS_EVERY == 0:
            self.progress(index + 1, len(self.table.rows))

    def finish(self) -> Validation:
        if self.progress is not None:
            self.progress(len(self.table.rows), len(self.table.rows))
        self.validation.problems.sort(key=lambda p: p.row or 0)
        return self.validation

    def indicator(self, row: Row, problems: list[Problem]) -> Indicator | None:
        code = row.cells.get("indicator code", "")
        if not code:
            problems.append(Problem(row.number, "indicator code", "The indicator code is empty."))
            return None
        pi = self.indicators.get(code.lower())
        if pi is None:
            problems.append(
                Problem(
                    row.number,
                    "indicator code",
                    f"There is no indicator with the code '{code}' in this organisation.",
                )
            )
        return pi

    def period_code(self, row: Row, problems: list[Problem]) -> Period | None:
        """The period's form alone (its fit to the PI is checked by the caller)."""
        text = row.cells.get("period", "")
        if not text:
            problems.append(Problem(row.number, "period", "The period is empty."))
            return None
        try:
            return parse_period(text)
        except PeriodError as error:
            problems.append(Problem(row.number, "period", sentence(str(error))))
            return None

    def sub_area(self, row: Row, problems: list[Problem]) -> tuple[SubArea | None, bool]:
        area, message = self.sub_areas.find(row.cells.get("sub-area", ""))
        if message:
            problems.append(Problem(row.number, "sub-area", message))
            return None, False
        return area, True

    def repeated(self, row: Row, key: tuple, problems: list[Problem]) -> bool:
        if key in self.seen:
            problems.append(
                Problem(
                    row.number,
                    KEY_COLUMNS,
                    f"This repeats row {self.seen[key]}: the same indicator, period and "
                    "sub-area may appear only once in a file.",
                )
            )
            return True
        self.seen[key] = row.number
        return False


# --- values -------------------------------------------------------------------------------

VALUE_FIELDS = ("value", "numerator", "denominator")
VALUE_DATA_COLUMNS = (*VALUE_FIELDS, "state")
# The numbers must fit the columns (20 digits, 6 after the point), as `full_clean` would
# check; everything else on the row is set by code from values already checked.
NUMBER_LIMITS = DecimalValidator(MAX_DIGITS, DECIMAL_PLACES)
# Where `IndicatorValue.clean` problems are reported.
VALUE_FIELD_COLUMNS = {name: name for name in (*VALUE_FIELDS, "state")}


def _number_problems(obj: IndicatorValue, row: int) -> list[Problem]:
    problems = []
    for name in VALUE_FIELDS:
        number = getattr(obj, name)
        if number is None:
            continue
        try:
            NUMBER_LIMITS(number)
        except ValidationError as error:
            problems.extend(Problem(row, name, message) for message in error.messages)
    return problems


def _value_column(pi: Indicator, message: str) -> str:
    lowered = message.lower()
    if "has not started" in lowered:
        return "period"
    if "retired" in lowered:
        return "indicator code"
    if "denominator is zero" in lowered:
        return "denominator"
    if pi.is_calculated and "not the value" not in lowered and "numerator" in lowered:
        return "numerator, denominator"
    return "value"


def validate_values(
    *,
    table: Table,
    actor: User,
    lock: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> Validation:
    """Check a table of values for `actor` to import; `lock` holds the existing rows (commit)."""
    rows = _Rows(table, ImportKind.VALUES, progress)
    today = today or timezone.localdate()
    settings = settings_for()
    pis = list(rows.indicators.values())
    codes = set()
    for row in table.rows:
        try:
            codes.add(parse_period(row.cells.get("period", "")).code)
        except PeriodError:
            continue
    existing_rows = IndicatorValue.objects.filter(indicator__in=pis, period_code__in=codes)
    if lock:
        existing_rows = existing_rows.select_for_update(of=("self",))
    existing = {(v.indicator_id, v.period_code, v.sub_area_id): v for v in existing_rows}
    targets = {
        (pk, code, sub_area_id): value
        for pk, code, sub_area_id, value in Target.objects.filter(
            indicator__in=pis, period_code__in=codes
        ).values_list("indicator_id", "period_code", "sub_area_id", "value")
    }
    history = _history(pis)
    rule = change_rule()
    validation = rows.validation
    for index, row in enumerate(table.rows):
        rows.tick(index)
        cells = row.cells
        if not any(cells.get(column) for column in VALUE_DATA_COLUMNS):
            validation.skipped += 1  # a template row left empty
            continue
        problems: list[Problem] = []
        pi = rows.indicator(row, problems)
        if pi is not None and not can_enter_values(actor, pi):
            problems.append(
                Problem(
                    row.number,
                    "indicator code",
                    f"You are not a data provider for {pi.code}, so you cannot import its values.",
                )
            )
            pi = None
        elif pi is not None and not pi.is_active:
            problems.append(
                Problem(row.number, "indicator code", f"{pi.code} is retired and takes no values.")
            )
            pi = None
        period = rows.period_code(row, problems)
        if pi is not None and period is not None:
            try:
                period = indicator_period(pi, period.code)
            except DomainError as error:
                problems.append(Problem(row.number, "period", error.message))
                period = None
        sub_area, sub_area_ok = rows.sub_area(row, problems)
        state = _parse_state(cells.get("state", ""))
        if state is None:
            problems.append(
                Problem(
                    row.number,
                    "state",
                    f"'{cells['state']}' is not a state; leave it empty for a number, or write "
                    "'not collected' or 'not applicable'.",
                )
            )
        percent = pi is not None and pi.unit_kind == UnitKind.PERCENTAGE
        numbers = {
            name: _number(row, name, problems, percent_sign=percent and name == "value")
            for name in VALUE_FIELDS
        }
        key = None
        if pi is not None and period is not None and sub_area_ok:
            key = (pi.pk, period.code, sub_area.pk if sub_area else None)
            rows.repeated(row, key, problems)
        if problems or key is None:
            validation.problems.extend(problems)
            continue
        current = existing.get(key)
        if current is not None and current.workflow_status != WorkflowStatus.DRAFT:
            if current.workflow_status == WorkflowStatus.APPROVED:
                message = (
                    f"The value of {pi.code} for {period.code} is approved and locked; a "
                    "performance officer must reopen it, with a reason, before it can change."
                )
            else:
                message = (
                    f"The value of {pi.code} for {period.code} has been submitted for approval; "
                    "the verifier must send it back before it can change."
                )
            validation.problems.append(Problem(row.number, "period", message))
            continue
        target = targets.get(key)
        if target is None and sub_area is not None:
            target = targets.get((pi.pk, period.code, None))
        check = value_check(
            indicator=pi,
            period_code=period.code,
            state=state,
            sub_area=sub_area,
            settings=settings,
            target=target,
            history=_history_before(history, (pi.pk, key[2]), period, rule.history),
            rule=rule,
            today=today,
            **numbers,
        )
        for message in check.problems:
            problems.append(Problem(row.number, _value_column(pi, message), message))
        note = cells.get("note", "") or kept_note(current, check)
        refusal = None if check.problems else check.confirmation_problem(confirmed=True, note=note)
        if refusal is not None and refusal.code == "out_of_range":
            problems.extend(Problem(row.number, "value", m) for m in check.out_of_range)
        elif refusal is not None:
            problems.append(
                Problem(
                    row.number,
                    "value",
                    " ".join(refusal.extra["problems"])
                    + " To import it anyway, explain the value in the note column.",
                )
            )
        if problems:
            validation.problems.extend(problems)
            continue
        before = snapshot(current, VALUE_AUDIT_FIELDS) if current is not None else None
        old_text = describe_value(current) if current is not None else None
        obj = current or IndicatorValue(indicator=pi, sub_area=sub_area)
        if current is None:
            obj.set_period(period)
        obj.indicator = pi
        obj.value, obj.numerator, obj.denominator = check.value, check.numerator, check.denominator
        obj.state = state
        obj.workflow_status = WorkflowStatus.DRAFT
        obj.out_of_range_confirmed = bool(check.out_of_range)
        obj.large_change_confirmed = bool(check.unusual)
        obj.anomaly_confirmed = bool(check.anomalous)
        obj.out_of_range_note = note if check.needs_confirmation else ""
        store_status(obj, check.status)
        number_problems = _number_problems(obj, row.number)
        if number_problems:
            validation.problems.extend(number_problems)
            continue
        try:
            obj.clean()
        except ValidationError as error:
            validation.problems.extend(_field_problems(error, row.number, VALUE_FIELD_COLUMNS))
            continue
        after = snapshot(obj, VALUE_AUDIT_FIELDS)
        kind = NEW if before is None else (UNCHANGED if before == after else CHANGED)
        validation.changes.append(
            Change(
                row=row.number,
                code=pi.code,
                period=period.code,
                sub_area=sub_area.name if sub_area else "",
                kind=kind,
                old=old_text,
                new=describe_value(obj),
            )
        )
        if kind != UNCHANGED:
            validation.planned.append(
                Planned(
                    row=row.number,
                    kind=kind,
                    obj=obj,
                    indicator=pi,
                    before=before,
                    note=note,
                    after=after,
                )
            )
    return rows.finish()


# --- targets ------------------------------------------------------------------------------

TARGET_CLEAN_EXCLUDE = [
    "indicator",
    "sub_area",
    "set_by",
    "set_at",
    "period_code",
    "period_type",
    "period_start",
    "period_end",
]


def validate_targets(
    *, table: Table, actor: User, lock: bool = False, progress: Progress | None = None
) -> Validation:
    """Check a table of targets for `actor` (a performance officer) to import."""
    if not can_manage_indicators(actor):
        return file_problem(
            ImportKind.TARGETS,
            "Only performance officers and organisation administrators may import targets.",
        )
    rows = _Rows(table, ImportKind.TARGETS, progress)
    pis = list(rows.indicators.values())
    codes = set()
    for row in table.rows:
        try:
            codes.add(parse_period(row.cells.get("period", "")).code)
        except PeriodError:
            continue
    existing_rows = Target.objects.filter(indicator__in=pis, period_code__in=codes)
    if lock:
        existing_rows = existing_rows.select_for_update(of=("self",))
    existing = {(t.indicator_id, t.period_code, t.sub_area_id): t for t in existing_rows}
    validation = rows.validation
    for index, row in enumerate(table.rows):
        rows.tick(index)
        cells = row.cells
        if not cells.get("target"):
            validation.skipped += 1
            continue
        problems: list[Problem] = []
        pi = rows.indicator(row, problems)
        period = rows.period_code(row, problems)
        if pi is not None and period is not None:
            try:
                period = target_period(pi, period.code)
            except DomainError as error:
                problems.append(Problem(row.number, "period", error.message))
                period = None
        sub_area, sub_area_ok = rows.sub_area(row, problems)
        percent = pi is not None and pi.unit_kind == UnitKind.PERCENTAGE
        value = _number(row, "target", problems, percent_sign=percent)
        key = None
        if pi is not None and period is not None and sub_area_ok:
            key = (pi.pk, period.code, sub_area.pk if sub_area else None)
            rows.repeated(row, key, problems)
        if problems or key is None or value is None:
            validation.problems.extend(problems)
            continue
        current = existing.get(key)
        note = cells.get("note", "")
        before = {"value": show(current.value), "note": current.note} if current else None
        obj = current or Target(indicator=pi, sub_area=sub_area)
        if current is None:
            obj.set_period(period)
        obj.indicator = pi
        obj.value = value
        obj.note = note
        try:
            obj.clean_fields(exclude=TARGET_CLEAN_EXCLUDE)
        except ValidationError as error:
            validation.problems.extend(
                _field_problems(error, row.number, {"value": "target", "note": "note"})
            )
            continue
        after = {"value": show(value), "note": note}
        kind = NEW if before is None else (UNCHANGED if before == after else CHANGED)
        validation.changes.append(
            Change(
                row=row.number,
                code=pi.code,
                period=period.code,
                sub_area=sub_area.name if sub_area else "",
                kind=kind,
                old=before["value"] if before else None,
                new=show(value),
            )
        )
        if kind != UNCHANGED:
            validation.planned.append(
                Planned(row=row.number, kind=kind, obj=obj, indicator=pi, before=before, note=note)
            )
    return rows.finish()


def validate(
    *, kind: str, table: Table, actor: User, lock: bool = False, progress: Progress | None = None
) -> Validation:
    if kind == ImportKind.TARGETS:
        return validate_targets(table=table, actor=actor, lock=lock, progress=progress)
    return validate_values(table=table, actor=actor, lock=lock, progress=progress)
