"""What an anonymous visitor may see on an organisation's public performance pages.

The one gate: everything the public pages and open data downloads show is read here, and
only approved values of PIs whose publication was approved (by someone other than its
proposer), past its embargo and not held back by a pre-election period
(`domain.public.shown`). Nothing here reads drafts, submitted or sent-back values: the
queries ask for approved values only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.periods import parse_period
from goldenthread.platform.indicators.domain.choices import AuditAction, WorkflowStatus
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.models import AuditEntry, Commentary, IndicatorValue
from goldenthread.platform.indicators.templatetags.indicators import (
    pi_number,
    status_of,
    unit_words,
)

from ..domain.choices import ActionState
from ..domain.public import Pause, next_change, paused_now, shown
from ..models import (
    PreElectionPeriod,
    Publication,
    PublicationState,
    StrategyIndicatorLink,
    StrategyNode,
)

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
IN_FORCE = (PublicationState.APPROVED, PublicationState.SUPERSEDED, PublicationState.WITHDRAWN)


@dataclass(frozen=True)
class PublicValue:
    period_code: str
    period_label: str
    period_start: date
    value: Decimal | None
    value_text: str
    target: Decimal | None
    target_text: str
    status: str
    status_words: str
    approved_at: datetime
    revised: bool
    commentary: str


@dataclass
class PublicIndicator:
    pk: int
    code: str
    title: str
    definition: str
    service_area: str
    unit: str
    unit_kind: str
    decimal_places: int
    polarity: str
    indicator: object = field(repr=False)  # for the number format only
    values: list[PublicValue] = field(default_factory=list)
    # The top-level strategy nodes (the organisation's priorities) the PI counts towards.
    priorities: list[tuple[int, str]] = field(default_factory=list)

    @property
    def latest(self) -> PublicValue | None:
        return self.values[-1] if self.values else None

    @property
    def commented(self) -> list[PublicValue]:
        return [v for v in self.values if v.commentary]


@dataclass(frozen=True)
class PublicAction:
    pk: int
    code: str
    title: str
    description: str
    progress: int
    state_words: str
    due_date: date
    completed_on: date | None


@dataclass
class PublicSite:
    indicators: list[PublicIndicator]
    actions: list[PublicAction]
    as_at: datetime
    paused: Pause | None
    next_change_at: datetime | None

    def areas(self) -> list[tuple[str, list[PublicIndicator]]]:
        """Headings with their measures: each priority a PI counts towards (in the strategy's
        order), then service areas for PIs under no priority."""
        by_priority: dict[tuple[int, str], list[PublicIndicator]] = {}
        by_area: dict[str, list[PublicIndicator]] = {}
        for pi in self.indicators:
            for priority in pi.priorities:
                by_priority.setdefault(priority, []).append(pi)
            if not pi.priorities:
                by_area.setdefault(pi.service_area or "Other measures", []).append(pi)
        return [(title, pis) for (_, title), pis in sorted(by_priority.items())] + sorted(
            by_area.items()
        )


def _pauses() -> list[Pause]:
    return [
        Pause(starts_at=p.starts_at, ends_at=p.ends_at)
        for p in PreElectionPeriod.objects.only("starts_at", "ends_at")
    ]


def _moment(publication: Publication) -> datetime | None:
    if publication.decided_at is None:
        return None
    return max(publication.decided_at, publication.embargo_until)


def _in_force(rows: Iterable[Publication], *, now, pauses) -> dict[tuple[str, int], Publication]:
    """Per item, the newest decision that is shown now: the newest approved decision, or an
    older one it replaced while the newer is still embargoed or paused. A withdrawal ends
    them all at once (taking something down is never held back)."""
    chosen: dict[tuple[str, int], Publication] = {}
    ended: set[tuple[str, int]] = set()
    for row in rows:  # newest decision first
        key = ("pi", row.indicator_id) if row.indicator_id else ("action", row.action_id)
        if key in chosen or key in ended:
            continue
        if row.state == PublicationState.WITHDRAWN:
            ended.add(key)
        elif shown(_moment(row), now=now, pauses=pauses):
            chosen[key] = row
    return chosen


def _label(code: str) -> str:
    try:
        return parse_period(code).label
    except ValueError:
        return code


def public_site(
    *, now: datetime | None = None, indicator_pk: int | None = None, action_pk: int | None = None
) -> PublicSite:
    """Everything public now (or one PI's or one action's part of it), in a fixed number of
    queries."""
    now = now or timezone.now()
    pauses = _pauses()
    rows = Publication.objects.filter(state__in=IN_FORCE).order_by("-decided_at", "-id")
    if indicator_pk is not None:
        rows = rows.filter(indicator_id=indicator_pk)
    if action_pk is not None:
        rows = rows.filter(action_id=action_pk)
    rows = list(rows.select_related("indicator__service_area", "action"))
    chosen = _in_force(rows, now=now, pauses=pauses)
    embargoes = [r.embargo_until for r in rows if r.state != PublicationState.WITHDRAWN]
    pis = [p for (kind, _), p in chosen.items() if kind == "pi"]
    indicators = _indicators(pis, now=now, pauses=pauses)
    actions = sorted(
        (_action(p.action) for (kind, _), p in chosen.items() if kind == "action"),
        key=lambda a: a.code,
    )
    return PublicSite(
        indicators=indicators,
        actions=actions,
        as_at=now,
        paused=paused_now(now=now, pauses=pauses),
        next_change_at=next_change(now=now, embargoes=embargoes, pauses=pauses),
    )


def _indicators(publications: list[Publication], *, now, pauses) -> list[PublicIndicator]:
    by_pi = {p.indicator_id: p for p in publications}
    values = list(
        IndicatorValue.objects.filter(
            indicator_id__in=by_pi,
            sub_area__isnull=True,
            workflow_status=WorkflowStatus.APPROVED,
            approved_at__isnull=False,
        ).order_by("indicator_id", "period_start")
    )
    revised = set(
        AuditEntry.objects.filter(
            action=AuditAction.REOPENED,
            object_type="indicatorvalue",
            object_id__in=[str(v.pk) for v in values],
        ).values_list("object_id", flat=True)
    )
    notes: dict[tuple[int, str], list[tuple[datetime, str]]] = {}
    wanted = [pk for pk, p in by_pi.items() if p.include_commentary]
    for pi_id, code, at, text in (
        Commentary.objects.filter(indicator_id__in=wanted)
        .order_by("created_at", "id")
        .values_list("indicator_id", "period_code", "created_at", "text")
    ):
        notes.setdefault((pi_id, code), []).append((at, text))
    result = {
        pk: _public_indicator(p.indicator) for pk, p in by_pi.items() if p.indicator is not None
    }
    _add_priorities(result)
    for value in values:
        publication = by_pi[value.indicator_id]
        if publication.values_from and value.period_start < publication.values_from:
            continue
        if not shown(max(_moment(publication), value.approved_at), now=now, pauses=pauses):
            continue
        # The commentary the approver saw: the newest written before the value's approval.
        seen = [
            t
            for at, t in notes.get((value.indicator_id, value.period_code), [])
            if at <= value.approved_at
        ]
        result[value.indicator_id].values.append(
            _public_value(
                value, publication.indicator, str(value.pk) in revised, seen[-1] if seen else ""
            )
        )
    return sorted(result.values(), key=lambda pi: pi.code)


def _add_priorities(result: dict[int, PublicIndicator]) -> None:
    """Two queries whatever the number of PIs: the links, and the (few) strategy nodes."""
    links = list(
        StrategyIndicatorLink.objects.filter(indicator_id__in=result).values_list(
            "indicator_id", "node_id"
        )
    )
    if not links:
        return
    nodes = {
        pk: (parent, position, title)
        for pk, parent, position, title in StrategyNode.objects.values_list(
            "pk", "parent_id", "position", "title"
        )
    }
    for pi_id, node_id in links:
        while nodes.get(node_id, (None,))[0] is not None:
            node_id = nodes[node_id][0]
        if node_id in nodes:
            _, position, title = nodes[node_id]
            entry = (position, title)
            if entry not in result[pi_id].priorities:
                result[pi_id].priorities.append(entry)


def _public_indicator(indicator) -> PublicIndicator:
    return PublicIndicator(
        pk=indicator.pk,
        code=indicator.code,
        title=indicator.title,
        definition=indicator.definition,
        service_area=indicator.service_area.name if indicator.service_area else "",
        unit=unit_words(indicator),
        unit_kind=indicator.unit_kind,
        decimal_places=indicator.decimal_places,
        polarity=indicator.get_polarity_display(),
        indicator=indicator,
    )


def _public_value(value, indicator, revised: bool, commentary: str) -> PublicValue:
    status = status_of(value.status) or Status.DATA_ONLY
    return PublicValue(
        period_code=value.period_code,
        period_label=_label(value.period_code),
        period_start=value.period_start,
        value=value.value,
        value_text=pi_number(value.value, indicator),
        target=value.status_target,
        target_text=pi_number(value.status_target, indicator),
        status=status.value,
        status_words=STATUS_PRESENTATION[status].label,
        approved_at=value.approved_at,
        revised=revised,
        commentary=commentary,
    )


def _action(action) -> PublicAction:
    return PublicAction(
        pk=action.pk,
        code=action.code,
        title=action.title,
        description=action.description,
        progress=action.progress,
        state_words=ActionState(action.state).label,
        due_date=action.due_date,
        completed_on=action.completed_on,
    )


def public_indicator(*, pk: int, now: datetime | None = None) -> tuple[PublicSite, PublicIndicator]:
    """One published PI, or NotFound (never published, withdrawn, embargoed, paused — the
    visitor cannot tell which)."""
    site = public_site(now=now, indicator_pk=pk)
    for pi in site.indicators:
        if pi.pk == pk:
            return site, pi
    raise NotFound("There is no published measure here.")


def public_action(*, pk: int, now: datetime | None = None) -> tuple[PublicSite, PublicAction]:
    """One published action, or NotFound (never published, not yet approved, embargoed,
    approved during a pre-election period, withdrawn: the visitor cannot tell which)."""
    site = public_site(now=now, action_pk=pk)
    for action in site.actions:
        if action.pk == pk:
            return site, action
    raise NotFound("There is no published action here.")


# --- for the performance team (signed in) -------------------------------------------------


def publication_list():
    return Publication.objects.select_related(
        "indicator", "action", "proposed_by", "decided_by"
    ).order_by("-proposed_at", "-id")


def publication_get(*, pk: int) -> Publication:
    row = publication_list().filter(pk=pk).first()
    if row is None:
        raise NotFound(f"There is no publication decision {pk}.")
    return row


def pre_election_list():
    return PreElectionPeriod.objects.order_by("starts_at")


def pre_election_get(*, pk: int) -> PreElectionPeriod:
    row = PreElectionPeriod.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"There is no pre-election period {pk}.")
    return row
