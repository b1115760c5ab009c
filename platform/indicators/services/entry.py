"""Saving what a provider typed for one value — the number, any confirmation note, commentary —
and optionally submitting it, as one change; and doing that for many values (the grid), each
on its own.

`value_save` is the single-entry page's save and one cell of the grid: entering
(`values.value_enter`, with the confirm-with-note rule), the commentary
(`values.commentary_add`) and submitting (`workflow.value_submit`, which asks for commentary
on an off-target value) happen in one transaction, so when any part is refused nothing of that
value changes.

`values_save_each` saves many such values, each in its own transaction: the valid ones are
saved (and submitted when asked), the refused ones are left exactly as they were and listed
with the reason. That is the grid's rule, chosen so that one value needing commentary or a
note does not throw away a page of typing; the REST bulk upsert, whose clients want one
answer for a batch, stays all or nothing (`values.values_bulk_upsert_by_reference`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError

from ..domain.choices import ValueState
from ..models import Indicator, IndicatorValue, PerformanceSettings, SubArea
from ..selectors.peers import PeerValues
from .common import settings_for
from .values import commentary_add, peers_for_entry, value_enter
from .workflow import value_submit


def value_save(*, interface: str | None = None, **arguments: Any) -> IndicatorValue:
    """`_value_save`, with a catalogue PI's benchmarking peers read first, outside the
    transaction, when a person saves one value through `interface` (see `value_enter`)."""
    if interface:
        arguments["peers"] = peers_for_entry(
            indicator=arguments["indicator"],
            period_code=arguments["period_code"],
            sub_area=arguments.get("sub_area"),
            actor=arguments["actor"],
            interface=interface,
        )
    return _value_save(**arguments)


@transaction.atomic
def _value_save(
    *,
    actor: User,
    indicator: Indicator,
    period_code: str,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    state: str = ValueState.ENTERED,
    confirm_out_of_range: bool = False,
    out_of_range_note: str = "",
    reason: str = "",
    commentary: str = "",
    submit: bool = False,
    settings: PerformanceSettings | None = None,
    sub_area: SubArea | None = None,
    peers: Sequence[PeerValues] | None = None,
    version: str | None = None,
) -> IndicatorValue:
    """Enter (or keep) a value as a draft, add its commentary if any, and submit it if asked;
    all or nothing for this value. An unchanged draft is simply submitted (or left as it is).
    `peers`, `version`: as `value_enter`'s (the peer comparison; refusing a stale save)."""
    row = value_enter(
        actor=actor,
        indicator=indicator,
        period_code=period_code,
        value=value,
        numerator=numerator,
        denominator=denominator,
        state=state,
        confirm_out_of_range=confirm_out_of_range,
        out_of_range_note=out_of_range_note,
        reason=reason,
        settings=settings,
        sub_area=sub_area,
        peers=peers,
        version=version,
    )
    text = (commentary or "").strip()
    if text:
        commentary_add(actor=actor, indicator=indicator, period_code=row.period_code, text=text)
    if submit:
        row = value_submit(actor=actor, value=row)
    return row


@dataclass
class SaveEachResult:
    """`saved` by position in the batch; `refused` as `{"index", "message", "code"}`."""

    saved: dict[int, IndicatorValue] = field(default_factory=dict)
    refused: list[dict[str, Any]] = field(default_factory=list)


def values_save_each(
    *, actor: User, items: Sequence[Mapping[str, Any]], submit: bool
) -> SaveEachResult:
    """`value_save` for each item (its keyword arguments, `indicator` an Indicator), each in
    its own transaction: a refused item changes nothing and does not stop the others."""
    if not items:
        raise DomainError("There are no values to save.", code="nothing_to_save")
    settings = settings_for()
    result = SaveEachResult()
    for index, item in enumerate(items):
        try:
            result.saved[index] = value_save(actor=actor, submit=submit, settings=settings, **item)
        except DomainError as error:
            result.refused.append({"index": index, "message": error.message, "code": error.code})
    return result
