"""The partnership figure: aggregation rules with missing contributions, scope, status and
trends, restatements, provenance and the read log — through the real publication store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.partnerships import services
from goldenthread.partnerships.domain.periods import MAX_DASHBOARD_PERIODS
from goldenthread.partnerships.selectors.dashboard import partnership_dashboard
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.services import workflow
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead, PublishedValue

from .conftest import approve, local_pi, publish_pending, sign_all

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 4, 15)  # the last complete quarter is 2024/25 Q4


def board(scenario, reader=None, **kwargs):
    reader = reader or scenario.parties.county
    return partnership_dashboard(
        partnership=scenario.partnership,
        reader=reader.organisation,
        reader_user=kwargs.pop("reader_user", reader.reader),
        interface=kwargs.pop("interface", "page"),
        period_codes=kwargs.pop("period_codes", ["2024/25 Q3", "2024/25 Q4"]),
        **kwargs,
    )


def figure(dashboard, code, period_code):
    for item in dashboard.indicators:
        if item.indicator.code == code:
            for f in item.figures:
                if f.period.code == period_code:
                    return f
    raise AssertionError(f"no figure for {code} {period_code}")


def test_each_rule_with_a_missing_contribution(scenario):
    parties = scenario.parties
    sign_all(scenario)
    sum_, mean, weighted, recompute = (
        scenario.indicators[k].code for k in ("sum", "mean", "weighted", "recompute")
    )
    # The health board has not submitted anything: its contribution is missing.
    for party, value, num, den in (
        (parties.county, 10, 30, 60),
        (parties.district, 20, 10, 40),
        (parties.police, 60, 20, 100),
    ):
        for code in (sum_, mean):
            approve(party, code, "2024/25 Q4", value)
        # Members hold rates as calculated PIs: value = numerator / denominator × factor.
        local_pi(party, weighted, is_calculated=True, factor=1, decimal_places=2)
        approve(party, weighted, "2024/25 Q4", numerator=value * den, denominator=den)
        local_pi(party, recompute, is_calculated=True, factor=100, unit_kind="percentage")
        approve(party, recompute, "2024/25 Q4", numerator=num, denominator=den)

    dashboard = board(scenario)

    total = figure(dashboard, sum_, "2024/25 Q4")
    # A sum with a member missing is not a total: it is missing, with the partial shown apart.
    assert total.value is None
    assert total.aggregate.partial_value == Decimal(90)
    assert total.status.status == "missing"
    assert [m.organisation for m in total.missing_members] == [parties.health.organisation]

    average = figure(dashboard, mean, "2024/25 Q4")
    assert average.value == Decimal(30)
    assert not average.aggregate.complete

    weighted_mean = figure(dashboard, weighted, "2024/25 Q4")
    # (10×60 + 20×40 + 60×100) / 200 = 37
    assert weighted_mean.value == Decimal(37)

    recomputed = figure(dashboard, recompute, "2024/25 Q4")
    # (30 + 10 + 20) / (60 + 40 + 100) × 100 = 30
    assert recomputed.value == Decimal(30)
    missing = [c for c in recomputed.contributions if c.organisation == parties.health.organisation]
    assert missing[0].state == "missing" and missing[0].value is None

    # Once the health board submits, the sum is complete.
    approve(parties.health, sum_, "2024/25 Q4", 5)
    total = figure(board(scenario), sum_, "2024/25 Q4")
    assert total.value == Decimal(95) and total.aggregate.complete


def test_not_applicable_is_left_out_and_not_collected_is_missing(scenario):
    parties = scenario.parties
    sign_all(scenario)
    code = scenario.indicators["sum"].code
    approve(parties.county, code, "2024/25 Q4", 10)
    approve(parties.district, code, "2024/25 Q4", 20)
    approve(parties.police, code, "2024/25 Q4", state="not_applicable")
    approve(parties.health, code, "2024/25 Q4", state="not_collected")
    total = figure(board(scenario), code, "2024/25 Q4")
    assert total.value is None
    assert [m.organisation for m in total.missing_members] == [parties.health.organisation]
    assert total.aggregate.excluded == (parties.police.organisation.pk,)


def test_status_and_trends_follow_the_core_rules(scenario):
    parties = scenario.parties
    sign_all(scenario)
    indicator = scenario.indicators["mean"]
    county = parties.county
    services.partnership_target_set(
        indicator=indicator,
        organisation=county.organisation,
        actor=county.admin,
        period_code="2024/25 Q4",
        value=50,
    )
    for party in scenario.members:
        approve(party, indicator.code, "2023/24 Q4", 40)
        approve(party, indicator.code, "2024/25 Q3", 49)
        approve(party, indicator.code, "2024/25 Q4", 48)
    result = figure(board(scenario), indicator.code, "2024/25 Q4")
    # 48 against 50 with a 5% tolerance (47.5) is a warning; 49 -> 48 is getting worse for a
    # higher-is-better indicator; 40 -> 48 on last year is improving.
    assert result.target == 50
    assert result.status.status == "warning"
    assert result.previous.value == 49 and result.short_trend == "getting_worse"
    assert result.last_year.value == 40 and result.long_trend == "improving"


def test_cascaded_targets_give_member_status_and_sum_to_the_partnership_target(scenario):
    parties = scenario.parties
    sign_all(scenario)
    indicator = scenario.indicators["sum"]
    county = parties.county
    for party, share in zip(scenario.members, (10, 20, 30, 40), strict=True):
        services.cascaded_target_set(
            indicator=indicator,
            organisation=county.organisation,
            actor=county.admin,
            member=party.organisation,
            period_code="2024/25 Q4",
            value=share,
        )
        approve(
            party, indicator.code, "2024/25 Q4", share - 1 if party is parties.police else share
        )
    result = figure(board(scenario), indicator.code, "2024/25 Q4")
    assert result.target == 100 and result.value == 99
    statuses = {c.organisation.pk: c.status.status for c in result.contributions}
    assert statuses[parties.police.organisation.pk] == "warning"
    assert statuses[parties.county.organisation.pk] == "on_target"


def test_a_member_sees_only_what_the_scope_allows(scenario):
    parties = scenario.parties
    sign_all(scenario)  # values and targets, not commentary
    code = scenario.indicators["mean"].code
    police = parties.police
    pi = local_pi(police, code)
    with schema_context(police.organisation.schema_name):
        from goldenthread.platform.indicators.services.targets import target_set

        target_set(actor=police.officer, indicator=pi, period_code="2024/25 Q4", value=70)
    approve(police, code, "2024/25 Q4", 60, commentary="Fewer officers on patrol.")
    contribution = [
        c
        for c in figure(board(scenario), code, "2024/25 Q4").contributions
        if c.organisation == police.organisation
    ][0]
    assert contribution.value == 60
    assert contribution.own_target == 70
    assert contribution.commentary == ""  # not in scope: never stored, never shown
    assert (
        PublishedValue.objects.get(organisation=police.organisation, indicator_code=code).commentary
        == ""
    )


def test_an_indicator_outside_the_scope_is_not_published(scenario):
    parties = scenario.parties
    county = parties.county
    outside = services.partnership_indicator_create(
        partnership=scenario.partnership,
        organisation=county.organisation,
        actor=county.admin,
        aggregation="sum",
        code="WLSP-OUTSIDE",
        title="Not in the agreement",
        polarity="lower",
    )
    sign_all(scenario)
    approve(parties.police, outside.code, "2024/25 Q4", 5)
    assert not PublishedValue.objects.filter(
        organisation=parties.police.organisation, indicator_code=outside.code
    ).exists()
    result = figure(board(scenario), outside.code, "2024/25 Q4")
    assert result.value is None


def test_a_correction_is_a_restatement_with_history(scenario):
    parties = scenario.parties
    sign_all(scenario)
    police = parties.police
    code = scenario.indicators["mean"].code
    row = approve(police, code, "2024/25 Q4", 60)
    with schema_context(police.organisation.schema_name):
        from goldenthread.platform.indicators.services.values import value_enter

        row = workflow.value_reopen(actor=police.officer, value=row, reason="Double counted")
        row = value_enter(
            actor=police.provider,
            indicator=row.indicator,
            period_code="2024/25 Q4",
            value=Decimal(55),
        )
        workflow.value_submit(actor=police.provider, value=row)
        workflow.value_approve(actor=police.verifier, value=row)
    publish_pending(police, [code])
    contribution = [
        c
        for c in figure(board(scenario), code, "2024/25 Q4").contributions
        if c.organisation == police.organisation
    ][0]
    assert contribution.value == 55 and contribution.restated
    assert contribution.provenance.revision == 2
    assert [(h.revision, h.value) for h in contribution.history] == [(1, Decimal(60))]


def test_provenance_is_complete(scenario):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    result = figure(board(scenario), code, "2024/25 Q4")
    [provenance] = result.provenance
    assert provenance.organisation == parties.police.organisation
    assert provenance.approved_by == parties.police.verifier.full_name
    assert provenance.approved_at is not None and provenance.published_at is not None
    assert provenance.agreement_version_id == version.pk
    assert provenance.agreement_label == f"{version.agreement.title} v1"


def test_reads_are_logged_per_owner_and_agreement_version_but_not_own_data(scenario):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    approve(parties.county, code, "2024/25 Q4", 40)
    before = CrossOrganisationRead.objects.count()
    board(scenario, reader_user=parties.county.reader, interface="page")
    reads = list(
        CrossOrganisationRead.objects.order_by("-id")[
            : CrossOrganisationRead.objects.count() - before
        ]
    )
    assert [(r.owner_ids, r.reader_organisation_id, r.basis_ids, r.interface) for r in reads] == [
        ([parties.police.organisation.pk], parties.county.organisation.pk, [version.pk], "page")
    ]
    assert reads[0].reader_user == parties.county.reader.email
    assert reads[0].what == {"indicators": [{"code": code, "periods": ["2024/25 Q4"]}]}


@pytest.mark.parametrize("ending", ["revoke", "expire", "suspend"])
def test_after_the_agreement_ends_the_data_is_gone_from_other_parties_views(scenario, ending):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    assert figure(board(scenario), code, "2024/25 Q4").value == 60

    if ending == "revoke":
        services.agreement_revoke(
            version=version,
            organisation=parties.police.organisation,
            actor=parties.police.admin,
            reason="Data protection review",
        )
    elif ending == "suspend":
        services.agreement_suspend(
            version=version,
            organisation=parties.county.organisation,
            actor=parties.county.admin,
            reason="Audit",
        )
    else:
        version.ends_on = date(2025, 1, 31)
        version.save(update_fields=["ends_on"])
        assert services.agreement_expire_due(today=date(2025, 2, 1))["expired"] >= 1
    version.refresh_from_db()
    assert (
        version.status == {"revoke": "revoked", "expire": "expired", "suspend": "suspended"}[ending]
    )

    for reader in (parties.county, parties.district, parties.health):
        result = figure(board(scenario, reader=reader), code, "2024/25 Q4")
        assert result.value is None
        assert all(c.published is None for c in result.contributions)
    # A later approval is not published any more either.
    approve(parties.police, code, "2024/25 Q3", 61)
    assert not PublishedValue.objects.filter(
        organisation=parties.police.organisation, indicator_code=code, period_code="2024/25 Q3"
    ).exists()


def test_delete_on_end_deletes_what_was_published(scenario):
    parties = scenario.parties
    county = parties.county
    services.agreement_version_update(
        version=scenario.version,
        organisation=county.organisation,
        actor=county.admin,
        delete_on_end=True,
    )
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    services.agreement_revoke(
        version=version, organisation=county.organisation, actor=county.admin, reason="Ended"
    )
    assert not PublishedValue.objects.filter(
        organisation=parties.police.organisation, indicator_code=code
    ).exists()


def test_an_amendment_needs_acceptance_again_and_keeps_the_previous_version(scenario):
    parties = scenario.parties
    county = parties.county
    v1 = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60, commentary="Seasonal rise.")
    v2 = services.agreement_amend(
        agreement=v1.agreement,
        organisation=county.organisation,
        actor=county.admin,
        fields=["values", "targets", "commentary"],
    )
    assert v2.number == 2 and v2.status == "draft"
    services.agreement_send_for_acceptance(
        version=v2, organisation=county.organisation, actor=county.admin
    )
    for party in scenario.members[:-1]:
        services.agreement_accept(version=v2, organisation=party.organisation, actor=party.admin)
    v1.refresh_from_db()
    assert v1.status == "active"  # still in force while the amendment awaits acceptance
    services.agreement_accept(
        version=v2, organisation=parties.health.organisation, actor=parties.health.admin
    )
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "active")
    publish_pending(parties.police, [code])
    contribution = [
        c
        for c in figure(board(scenario), code, "2024/25 Q4").contributions
        if c.organisation == parties.police.organisation
    ][0]
    assert contribution.commentary == "Seasonal rise."
    assert contribution.provenance.agreement_version_id == v2.pk


def test_an_outsider_and_a_member_without_an_agreement_see_no_figures(scenario):
    from goldenthread.partnerships.selectors import partnership_get_for, partnerships_visible_to
    from goldenthread.platform.core.errors import NotFound

    parties = scenario.parties
    sign_all(scenario)
    with pytest.raises(NotFound):
        partnership_get_for(
            reader=parties.outsider.organisation, partnership_id=scenario.partnership.pk
        )
    assert scenario.partnership not in partnerships_visible_to(
        organisation=parties.outsider.organisation
    )


def test_the_dashboard_logs_every_read_whatever_the_caller_and_refuses_too_many_periods(
    scenario,
):
    parties = scenario.parties
    sign_all(scenario)
    approve(parties.police, scenario.indicators["mean"].code, "2024/25 Q4", 60)
    before = CrossOrganisationRead.objects.count()
    with pytest.raises(TypeError):  # there is no way to read without saying who and how
        partnership_dashboard(partnership=scenario.partnership, reader=parties.county.organisation)
    board(scenario, interface="rest")
    assert CrossOrganisationRead.objects.count() == before + 1
    for periods in (0, MAX_DASHBOARD_PERIODS + 1):
        with pytest.raises(DomainError, match=f"from 1 to {MAX_DASHBOARD_PERIODS}"):
            board(scenario, period_codes=None, periods=periods)
    with pytest.raises(DomainError, match="at most"):
        board(scenario, period_codes=["2024/25 Q4"] * (MAX_DASHBOARD_PERIODS + 1))
    assert CrossOrganisationRead.objects.count() == before + 1
