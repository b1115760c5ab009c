"""Building a pack: a report definition applied to a period, read through the indicators' and
planning's selectors into the `Pack` every output renders.

The number of queries does not grow with the PIs, actions or risks: the scope is resolved in
a query or five (the golden thread, a tag, service areas), each indicators report is a fixed
number of statements for any number of PIs, and actions and risks are one query each with
their people joined.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.periods import Period, PeriodError, parse_period
from goldenthread.platform.indicators.models import Indicator
from goldenthread.platform.indicators.selectors.report import service_areas
from goldenthread.platform.planning.selectors.thread import ThreadNode, golden_thread

from ..domain.definitions import (
    ALL,
    COMMITTEE,
    CORPORATE_PRIORITIES,
    INDICATORS,
    PRIORITIES,
    SERVICE_AREAS,
    SUMMARY,
    TAG,
    DefinitionSpec,
    SectionSpec,
    paragraphs,
)
from ..domain.pack import (
    ACTIONS,
    COUNT_WORDS,
    COUNTED,
    NUMBER,
    PIS,
    RISKS,
    TEXT,
    Pack,
    PackCell,
    PackColumn,
    PackCover,
    PackGroup,
    PackRow,
    PackSection,
    PackSummary,
    StatusCounts,
    SummaryLine,
    count_statuses,
)
from ..models import ReportDefinition, ReportDefinitionVersion
from . import pack_insight, pack_pis, pack_planning
from .pack_cells import count_cell


def parse_report_period(code: str | Period) -> Period:
    if isinstance(code, Period):
        return code
    try:
        return parse_period(str(code).strip())
    except PeriodError as error:
        raise DomainError(
            str(error), code="invalid_period", extra={"fields": {"period": str(error)}}
        ) from None


def pack_build(
    *,
    definition: ReportDefinition | ReportDefinitionVersion,
    period: str | Period,
    as_at: datetime | None = None,
    reader=None,
    previous: Pack | None = None,
    today: date | None = None,
) -> Pack:
    """The pack of a saved definition (its newest version, or the version given) for a period.

    `as_at`: when the data are read (now by default; a frozen pack passes the time it froze).
    `previous`: the last pack of the same definition, if there is one, for the summary's
    change since then. `reader`: who the pack is built for (named on it)."""
    if isinstance(definition, ReportDefinition):
        version = definition.versions.get(number=definition.latest_version)
    else:
        version = definition
        definition = version.definition
    return pack_from_spec(
        spec=version.parsed,
        period=period,
        as_at=as_at,
        reader=reader,
        previous=previous,
        today=today,
        definition_id=definition.pk,
        definition_version=version.number,
    )


def pack_from_spec(
    *,
    spec: DefinitionSpec,
    period: str | Period,
    as_at: datetime | None = None,
    reader=None,
    previous: Pack | None = None,
    today: date | None = None,
    definition_id: int | None = None,
    definition_version: int | None = None,
) -> Pack:
    """A pack from a definition's content (saved or not: a preview of unsaved changes)."""
    report_period = parse_report_period(period)
    now = timezone.now()
    as_at = as_at or now
    today = today or timezone.localdate()
    scope = _Scope.resolve(spec)
    areas = service_areas()
    sections = []
    for section in spec.sections:
        if section.kind == PIS:
            sections.append(_pis_section(spec, section, report_period, scope, today, areas))
        elif section.kind == ACTIONS:
            sections.append(_actions_section(spec, section, report_period, scope, today))
        else:
            sections.append(_risks_section(spec, section, scope, today))
    if spec.layout == SUMMARY:
        sections = [_as_summary(section) for section in sections]
    summary = _summary(sections, previous)
    includes_unapproved = any(
        cell.unapproved for section in sections for row in section.rows for cell in row.cells
    )
    return Pack(
        title=spec.title,
        organisation_name=getattr(connection.tenant, "name", ""),
        definition_id=definition_id,
        definition_version=definition_version,
        layout=spec.layout,
        layout_words=spec.layout_words,
        period_code=report_period.code,
        period_label=report_period.label,
        as_at=as_at,
        generated_at=now,
        generated_by=str(reader) if reader is not None else "",
        approved_only=spec.approved_only,
        includes_unapproved=includes_unapproved,
        cover=PackCover(
            title=spec.title,
            subtitle=spec.cover_subtitle,
            paragraphs=paragraphs(spec.cover_text),
        ),
        sections=tuple(sections),
        summary=summary,
    )


class _Scope:
    """Which PIs (`indicator_ids`, None for every one) and, for a scope by priority, the
    chosen nodes with their PIs, actions and risks."""

    def __init__(self, indicator_ids: list[int] | None, nodes: list[ThreadNode] | None):
        self.indicator_ids = indicator_ids
        self.nodes = nodes

    @classmethod
    def resolve(cls, spec: DefinitionSpec) -> _Scope:
        if spec.scope == PRIORITIES:
            nodes = golden_thread(node_ids=spec.strategy_node_ids)
            ids = sorted({pk for node in nodes for pk in node.indicator_ids})
            return cls(ids, nodes)
        if spec.scope == INDICATORS:
            return cls(list(spec.indicator_ids), None)
        if spec.scope == TAG:
            chosen = Indicator.objects.filter(tags__contains=[spec.tag])
            return cls(sorted(chosen.values_list("pk", flat=True)), None)
        if spec.scope == SERVICE_AREAS:
            chosen = Indicator.objects.filter(service_area_id__in=spec.service_area_ids)
            return cls(sorted(chosen.values_list("pk", flat=True)), None)
        assert spec.scope == ALL
        return cls(None, None)

    def grouping(self, kind: str) -> pack_pis.Grouping | None:
        if self.nodes is None:
            return None
        attribute = {PIS: "indicator_ids", ACTIONS: "action_ids", RISKS: "risk_ids"}[kind]
        return pack_pis.Grouping(
            tuple(
                (
                    f"{node.level_name}: {node.title}",
                    f"node-{node.id}",
                    node.level,
                    frozenset(getattr(node, attribute)),
                )
                for node in self.nodes
            )
        )

    def ids_of(self, kind: str) -> set[int] | None:
        if self.nodes is None:
            return None
        attribute = {ACTIONS: "action_ids", RISKS: "risk_ids"}[kind]
        return {pk for node in self.nodes for pk in getattr(node, attribute)}


def _pis_section(spec, section: SectionSpec, period, scope: _Scope, today, areas) -> PackSection:
    rows = pack_pis.pi_rows(
        spec=spec, period=period, ids=scope.indicator_ids, today=today, areas=areas
    )
    grouping = scope.grouping(PIS) or pack_pis.Grouping(None)
    charts = ()
    if spec.layout == CORPORATE_PRIORITIES:
        year = pack_pis.YearSoFar.of(period)
        readings = pack_pis.year_readings(
            spec=spec,
            period=period,
            year=year,
            ids=[row.indicator.id for row in rows],
            today=today,
            areas=areas,
        )
        columns = pack_pis.priorities_columns(year) + pack_insight.extra_columns(spec)
        groups = pack_pis.grouped(
            rows,
            grouping,
            lambda row: pack_insight.with_extra_cells(
                pack_pis.priorities_row(row, readings), row, spec
            ),
        )
        if spec.charts:
            charts = tuple(pack_pis.priorities_chart(row, year, readings) for row in rows)
    else:
        columns = pack_pis.COMMITTEE_COLUMNS + pack_insight.extra_columns(spec)
        groups = pack_pis.grouped(
            rows,
            grouping,
            lambda row: pack_insight.with_extra_cells(
                pack_pis.committee_row(row, period), row, spec
            ),
        )
    return PackSection(
        key=section.key,
        title=section.title,
        kind=PIS,
        narrative=paragraphs(section.narrative),
        columns=columns,
        groups=groups,
        counts=count_statuses(row.status.value for row in rows),
        charts=charts,
    )


def _planning_groups(scope: _Scope, kind: str, items, make) -> tuple[PackGroup, ...]:
    made = [(item.pk, make(item)) for item in items]
    grouping = scope.grouping(kind)
    if grouping is None:
        return (PackGroup(title="", rows=tuple(row for _, row in made), key="all"),) if made else ()
    return tuple(
        PackGroup(
            title=title,
            key=key,
            level=level,
            rows=tuple(row for pk, row in made if pk in members),
        )
        for title, key, level, members in grouping.groups
    )


def _actions_section(spec, section, period, scope: _Scope, today) -> PackSection:
    actions = pack_planning.actions_in_scope(
        action_ids=scope.ids_of(ACTIONS),
        indicator_ids=scope.indicator_ids,
        period=period,
        today=today,
    )
    rows = [pack_planning.action_row(action) for action in actions]
    return PackSection(
        key=section.key,
        title=section.title,
        kind=ACTIONS,
        narrative=paragraphs(section.narrative),
        columns=pack_planning.ACTION_COLUMNS,
        groups=_planning_groups(scope, ACTIONS, actions, pack_planning.action_row),
        counts=count_statuses(row.status for row in rows),
    )


def _risks_section(spec, section, scope: _Scope, today) -> PackSection:
    risks = pack_planning.risks_in_scope(
        risk_ids=scope.ids_of(RISKS), indicator_ids=scope.indicator_ids, today=today
    )
    rows = [pack_planning.risk_row(risk) for risk in risks]
    return PackSection(
        key=section.key,
        title=section.title,
        kind=RISKS,
        narrative=paragraphs(section.narrative),
        columns=pack_planning.RISK_COLUMNS,
        groups=_planning_groups(scope, RISKS, risks, pack_planning.risk_row),
        counts=count_statuses(row.status for row in rows),
    )


SUMMARY_COLUMNS = (
    PackColumn("group", "Group", TEXT),
    *(PackColumn(name, COUNT_WORDS[name], NUMBER) for name in COUNTED),
    PackColumn("other", "Other (data only, not yet due)", NUMBER),
    PackColumn("total", "Total", NUMBER),
)


def _count_row(key: str, title: str, counts: StatusCounts) -> PackRow:
    return PackRow(
        key=key,
        title=title,
        cells=(
            PackCell(kind=TEXT, text=title),
            *(count_cell(getattr(counts, name)) for name in (*COUNTED, "other")),
            count_cell(counts.total),
        ),
    )


def _as_summary(section: PackSection) -> PackSection:
    """The summary layout: each group's counts instead of its rows (a group is a priority or
    service area), and the section's total."""
    rows = [
        _count_row(
            group.key, group.title or section.title, count_statuses(r.status for r in group.rows)
        )
        for group in section.groups
    ]
    rows.append(_count_row("total", "All", section.counts))
    return PackSection(
        key=section.key,
        title=section.title,
        kind=section.kind,
        narrative=section.narrative,
        columns=SUMMARY_COLUMNS,
        groups=(PackGroup(title="", rows=tuple(rows), key="counts"),),
        counts=section.counts,
    )


def _summary(sections: list[PackSection], previous: Pack | None) -> PackSummary:
    before = {line.section_key: line.counts for line in previous.summary.lines} if previous else {}
    lines = tuple(
        SummaryLine(
            section_key=section.key,
            title=section.title,
            counts=section.counts,
            change=section.counts.minus(before[section.key]) if section.key in before else None,
        )
        for section in sections
    )
    overall = StatusCounts()
    for line in lines:
        overall = StatusCounts(
            **{
                name: getattr(overall, name) + getattr(line.counts, name)
                for name in (*COUNTED, "other")
            }
        )
    return PackSummary(
        lines=lines,
        overall=overall,
        overall_change=overall.minus(previous.summary.overall) if previous else None,
        compared_with=(
            f"{previous.title}, {previous.period_label} (as at {previous.as_at:%d %B %Y %H:%M})"
            if previous
            else ""
        ),
    )


__all__ = ["COMMITTEE", "pack_build", "pack_from_spec", "parse_report_period"]
