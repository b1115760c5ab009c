"""The demo content: performance, planning, partnership and benchmarking, seeded through the
services; a second seed changes and duplicates nothing."""

from __future__ import annotations

from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.partnerships.models import (
    AgreementAcceptance,
    AgreementVersion,
    Partnership,
    PartnershipIndicator,
)
from goldenthread.partnerships.selectors import readable_bases
from goldenthread.platform.core.periods import previous_period
from goldenthread.platform.devtools.demo_data import CATALOGUE_SAMPLE
from goldenthread.platform.devtools.seed import demo_seed
from goldenthread.platform.devtools.seeding import DISTRICTS
from goldenthread.platform.devtools.seeding.benchmarking import NAME as CLUB_NAME
from goldenthread.platform.devtools.seeding.partnerships import NAME as PARTNERSHIP_NAME
from goldenthread.platform.indicators.domain.choices import WorkflowStatus
from goldenthread.platform.indicators.domain.trends import Trend
from goldenthread.platform.indicators.models import Commentary, Indicator, IndicatorValue, Target
from goldenthread.platform.indicators.pages.report import default_report_period
from goldenthread.platform.indicators.selectors.report import indicator_values_with_trends
from goldenthread.platform.planning.models import Action, Risk, StrategyNode
from goldenthread.shared_indicators.benchmarking.models import Club, ClubConsent
from goldenthread.shared_indicators.benchmarking.selectors import club_get_for, comparison_for
from goldenthread.shared_indicators.publication.models import PublishedValue
from goldenthread.shared_indicators.publication.selectors import visible_values
from goldenthread.tenants.models import Organisation

CONTENT_SLUGS = (*DISTRICTS, "wealdshire", "wealdshire-police")


def content_snapshot() -> dict:
    """Every row the content seed writes, by organisation, to compare two runs."""
    result: dict = {}
    for organisation in Organisation.objects.filter(slug__in=CONTENT_SLUGS):
        with schema_context(organisation.schema_name):
            result[organisation.slug] = {
                "indicators": list(Indicator.objects.order_by("pk").values_list("pk", "code")),
                "values": list(
                    IndicatorValue.objects.order_by("pk").values_list(
                        "pk", "period_code", "value", "status", "workflow_status"
                    )
                ),
                "targets": Target.objects.count(),
                "commentary": Commentary.objects.count(),
                "nodes": StrategyNode.objects.count(),
                "actions": list(Action.objects.order_by("pk").values_list("pk", "progress")),
                "risks": Risk.objects.count(),
            }
    result["shared"] = {
        "partnerships": Partnership.objects.filter(name=PARTNERSHIP_NAME).count(),
        "versions": AgreementVersion.objects.filter(
            agreement__partnership__name=PARTNERSHIP_NAME
        ).count(),
        "acceptances": AgreementAcceptance.objects.filter(
            version__agreement__partnership__name=PARTNERSHIP_NAME
        ).count(),
        "clubs": Club.objects.filter(name=CLUB_NAME).count(),
        "consents": ClubConsent.objects.filter(membership__club__name=CLUB_NAME).count(),
        "published": list(
            PublishedValue.objects.filter(
                organisation__slug__in=CONTENT_SLUGS, is_current=True
            ).values_list("pk", "indicator_code", "period_code", "value")
        ),
    }
    return result


def test_the_content_seed_gives_every_status_an_active_agreement_and_a_club(db):
    # Given a demo seeded with the bundled catalogue
    report = demo_seed(catalogue_path=CATALOGUE_SAMPLE)
    assert report.content_changed
    first = content_snapshot()

    # When it is seeded again
    again = demo_seed(catalogue_path=CATALOGUE_SAMPLE)

    # Then nothing was created, changed or duplicated
    assert not again.content_changed and not again.changed_anything
    assert content_snapshot() == first
    assert first["shared"]["partnerships"] == 1 and first["shared"]["clubs"] == 1

    by_slug = {o.slug: o for o in Organisation.objects.filter(slug__in=CONTENT_SLUGS)}
    ashby = by_slug["ashby-vale"]
    with schema_context(ashby.schema_name):
        # and a district has about ten PIs with two years of values, in every status
        assert 10 <= Indicator.objects.count() <= 14
        statuses = set(IndicatorValue.objects.values_list("status", flat=True))
        assert {"on_target", "warning", "off_target"} <= statuses
        # and both trend directions
        trends = {
            row.short_trend
            for indicator in Indicator.objects.all()
            for row in indicator_values_with_trends(indicator=indicator)
        }
        assert {Trend.IMPROVING, Trend.GETTING_WORSE} <= trends
        # and off-target values carry commentary
        off = IndicatorValue.objects.filter(
            status="off_target", workflow_status=WorkflowStatus.APPROVED
        )
        assert off.exists()
        for value in off:
            assert Commentary.objects.filter(
                indicator=value.indicator, period_code=value.period_code
            ).exists()
        # and the quarter the report opens on is only part-way through: some values await
        # approval, some are drafts, some are not entered
        report_period = default_report_period(timezone.localdate())
        latest = IndicatorValue.objects.filter(period_code=report_period.code)
        assert latest.exists()
        # (eight quarters up to it, for a quarterly PI)
        ni191 = IndicatorValue.objects.filter(indicator__code="NI 191").order_by("period_start")
        assert ni191.count() == 8 and ni191.last().period_code == report_period.code
        workflow = set(latest.values_list("workflow_status", flat=True))
        assert {WorkflowStatus.SUBMITTED, WorkflowStatus.DRAFT} <= workflow
        assert latest.count() < Indicator.objects.filter(frequency="quarterly").count()
        # and the planning tree, actions (one completed, some overdue) and risks exist
        assert StrategyNode.objects.filter(level=1).count() == 1
        assert StrategyNode.objects.filter(level=2).count() == 2
        assert Action.objects.count() == 8
        assert Action.objects.filter(state="completed").count() == 1
        today = timezone.localdate()
        assert Action.objects.filter(state="open", due_date__lt=today).exists()
        assert Risk.objects.count() == 6
        assert len(set(Risk.objects.values_list("current_score", flat=True))) >= 4

    # and the agreement is active, accepted by all five parties, and a member sees the others'
    # published values through it
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    version = AgreementVersion.objects.get(agreement__partnership=partnership)
    assert version.status == "active"
    assert version.acceptances.count() == 5
    shared = PartnershipIndicator.objects.filter(partnership=partnership)
    assert sorted(shared.values_list("code", flat=True)) == ["NI 195c", "NI 195d"]
    bases = readable_bases(partnership=partnership, organisation=ashby)
    visible = visible_values(
        basis_type=bases[0].type,
        basis_ids=[basis.id for basis in bases],
        organisation_ids=[by_slug["wealdshire-police"].pk],
    )
    assert {row.indicator_code for row in visible} == {"NI 195c", "NI 195d"}

    # and the benchmarking club compares NI 191 across the three districts, by name
    club = club_get_for(organisation=ashby, club_id=Club.objects.get(name=CLUB_NAME).pk)
    view = comparison_for(
        reader=ashby,
        reader_user=None,
        interface="page",
        club=club,
        indicator_code="NI 191",
        periods=[previous_period(previous_period(default_report_period(timezone.localdate())))],
        today=timezone.localdate(),
    )
    period = view.comparison.periods[0]
    assert period.shown
    assert len(period.entries) == 3
