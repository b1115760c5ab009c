"""GraphQL types for partnerships. Every figure of another organisation reaches these types
only through `partnerships.dashboard`, which reads the publication store under the agreement
versions the requesting organisation is a party to and blanks fields they do not share."""

from __future__ import annotations

import json

import graphene
from graphene.types.generic import GenericScalar

from goldenthread.graphql.core.insight import (
    Figure,
    SpcSummary,
    YearEndForecast,
    forecast_of,
    spc_of,
)
from goldenthread.partnerships.domain.choices import (
    Aggregation,
    LawfulBasis,
    MemberRole,
    PartnershipType,
    VersionStatus,
)
from goldenthread.partnerships.domain.periods import MAX_DASHBOARD_PERIODS
from goldenthread.partnerships.selectors.dashboard import DEFAULT_PERIODS
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION, Trend

from .dataloaders import (
    AgreementVersionsByPartnershipIdLoader,
    OrganisationByIdLoader,
    PartnershipMembersByPartnershipIdLoader,
)


def _label(choices, value: str) -> str:
    return dict(choices.choices).get(value, value)


class Organisation(graphene.ObjectType):
    class Meta:
        description = "An organisation taking part in a partnership."

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    type = graphene.String(required=True, description="council, police, health, …")


class StatusReading(graphene.ObjectType):
    class Meta:
        description = "A status with its words (never shown by colour alone)."

    code = graphene.String(required=True, description="on_target, warning, off_target, …")
    label = graphene.String(required=True)

    @staticmethod
    def of(status) -> dict:
        """The reading of a status: one shared dict per status (read, never changed)."""
        reading = _STATUS_READINGS.get(status)
        if reading is None:
            status = Status(status)  # refuses an unknown status
            reading = {"code": str(status), "label": STATUS_PRESENTATION[status].label}
        return reading


class TrendReading(graphene.ObjectType):
    class Meta:
        description = "A direction of travel, with its words."

    code = graphene.String(required=True, description="improving, no_change, getting_worse, …")
    label = graphene.String(required=True)

    @staticmethod
    def of(trend) -> dict:
        """The reading of a trend: one shared dict per trend (read, never changed)."""
        reading = _TREND_READINGS.get(trend)
        if reading is None:
            trend = Trend(trend)  # refuses an unknown trend
            reading = {"code": str(trend), "label": TREND_PRESENTATION[trend].label}
        return reading


# The readings are built once: a dashboard asks for ~4,000 of them. Keyed by the enum members,
# which hash and compare as their string values.
_STATUS_READINGS = {
    status: {"code": str(status), "label": STATUS_PRESENTATION[status].label} for status in Status
}
_TREND_READINGS = {
    trend: {"code": str(trend), "label": TREND_PRESENTATION[trend].label} for trend in Trend
}


class Provenance(graphene.ObjectType):
    class Meta:
        description = "Where a member's figure came from and under which agreement version."

    organisation = graphene.Field(Organisation, required=True)
    approved_by = graphene.String(required=True)
    approved_at = graphene.DateTime(required=True)
    published_at = graphene.DateTime(required=True)
    revision = graphene.Int(required=True, description="1, or more after restatements.")
    agreement_version_id = graphene.ID(required=True)
    agreement_label = graphene.String(required=True)


class PublishedRevision(graphene.ObjectType):
    class Meta:
        description = "An earlier, superseded revision of a restated figure."

    revision = graphene.Int(required=True)
    value = graphene.Decimal()
    state = graphene.String(required=True)
    approved_by = graphene.String(required=True)
    approved_at = graphene.DateTime(required=True)
    published_at = graphene.DateTime(required=True)
    superseded_at = graphene.DateTime()

    def resolve_state(root, info):
        return root.value_state

    def resolve_approved_by(root, info):
        return root.approved_by_name


class MemberContribution(graphene.ObjectType):
    class Meta:
        description = (
            "A member's figure for a period as the requesting organisation may see it: "
            "targets and commentary are null or empty unless the agreement shares them."
        )

    organisation = graphene.Field(Organisation, required=True)
    role = graphene.String(required=True)
    state = graphene.String(
        required=True, description="entered, not_collected, not_applicable or missing."
    )
    value = graphene.Decimal()
    numerator = graphene.Decimal()
    denominator = graphene.Decimal()
    target = graphene.Decimal(description="The member's own target, where shared.")
    cascaded_target = graphene.Decimal(description="The member's share of the target.")
    status = graphene.Field(StatusReading)
    commentary = graphene.String(required=True, description="Empty unless shared.")
    restated = graphene.Boolean(required=True)
    provenance = graphene.Field(Provenance)
    history = graphene.List(graphene.NonNull(PublishedRevision), required=True)


class ContributionView:
    """A contribution as `MemberContribution` reads it: every field a plain attribute, so the
    executor reads it without a resolver (`graphql.core.execution`). Computed on demand."""

    __slots__ = ("contribution",)

    def __init__(self, contribution):
        self.contribution = contribution

    organisation = property(lambda self: self.contribution.member.organisation)
    role = property(lambda self: self.contribution.member.role)
    state = property(lambda self: self.contribution.state)
    value = property(lambda self: self.contribution.value)
    numerator = property(lambda self: self.contribution.numerator)
    denominator = property(lambda self: self.contribution.denominator)
    target = property(lambda self: self.contribution.own_target)
    cascaded_target = property(lambda self: self.contribution.cascaded_target)
    commentary = property(lambda self: self.contribution.commentary)
    restated = property(lambda self: self.contribution.restated)
    provenance = property(lambda self: self.contribution.provenance)
    history = property(lambda self: self.contribution.history)

    @property
    def status(self) -> dict | None:
        status = self.contribution.status
        return StatusReading.of(status.status) if status else None


class PartnershipFigure(graphene.ObjectType):
    class Meta:
        description = (
            "The partnership's figure for a period, aggregated from the contributions the "
            "requesting organisation may see. Missing contributions are listed, never zero."
        )

    period_code = graphene.String(required=True)
    period_label = graphene.String(required=True)
    value = graphene.Decimal(description="Null when there is no complete figure.")
    complete = graphene.Boolean(required=True)
    partial_value = graphene.Decimal(
        description="For a sum with members missing: the total of what has arrived."
    )
    target = graphene.Decimal()
    status = graphene.Field(StatusReading, required=True)
    previous_value = graphene.Decimal()
    short_trend = graphene.Field(TrendReading, required=True)
    last_year_value = graphene.Decimal()
    long_trend = graphene.Field(TrendReading, required=True)
    missing_members = graphene.List(graphene.NonNull(Organisation), required=True)
    contributions = graphene.List(graphene.NonNull(MemberContribution), required=True)
    provenance = graphene.List(graphene.NonNull(Provenance), required=True)

    def resolve_missing_members(root, info):
        return [member.organisation for member in root.figure.missing_members]

    def resolve_contributions(root, info):
        return [ContributionView(c) for c in root.figure.contributions]

    def resolve_provenance(root, info):
        return root.figure.provenance


class FigureView:
    """A partnership figure as `PartnershipFigure` reads it: plain attributes, computed on
    demand, so that the executor needs no resolver for them; the lists keep their resolvers
    (one call per figure)."""

    __slots__ = ("figure",)

    def __init__(self, figure):
        self.figure = figure

    period_code = property(lambda self: self.figure.period.code)
    period_label = property(lambda self: self.figure.period.label)
    value = property(lambda self: self.figure.value)
    complete = property(lambda self: self.figure.aggregate.complete)
    partial_value = property(lambda self: self.figure.aggregate.partial_value)
    target = property(lambda self: self.figure.target)
    status = property(lambda self: StatusReading.of(self.figure.status.status))
    short_trend = property(lambda self: TrendReading.of(self.figure.short_trend))
    long_trend = property(lambda self: TrendReading.of(self.figure.long_trend))

    @property
    def previous_value(self):
        previous = self.figure.previous
        return previous.value if previous else None

    @property
    def last_year_value(self):
        last_year = self.figure.last_year
        return last_year.value if last_year else None


class SharedIndicator(graphene.ObjectType):
    class Meta:
        description = "An indicator the partnership reports on, with its figures."

    id = graphene.ID(required=True)
    code = graphene.String(required=True)
    title = graphene.String(required=True)
    unit_label = graphene.String(required=True)
    polarity = graphene.String(required=True)
    frequency = graphene.String(required=True)
    decimal_places = graphene.Int(required=True)
    aggregation = graphene.String(required=True)
    aggregation_label = graphene.String(required=True)
    catalogue_based = graphene.Boolean(required=True)
    figures = graphene.List(
        graphene.NonNull(PartnershipFigure),
        required=True,
        description="Oldest first.",
    )
    spc = graphene.Field(
        SpcSummary,
        required=True,
        description="The SPC chart of the figures given (complete ones), against the latest "
        "target; ask for enough periods (up to the dashboard's limit) to reach the minimum.",
    )
    forecast = graphene.Field(
        YearEndForecast,
        required=True,
        annual_target=graphene.Decimal(description="The year's target, for the chance of it."),
        description="The year-end forecast of the latest figure's year, from the figures given.",
    )

    def resolve_figures(root, info):
        return [FigureView(figure) for figure in root["figures"]]

    def resolve_spc(root, info):
        figures = root["figures"]
        targets = [figure.target for figure in figures if figure.target is not None]
        return spc_of(
            _insight_figures(figures),
            polarity=root["polarity"],
            target=targets[-1] if targets else None,
        )

    def resolve_forecast(root, info, annual_target=None):
        return forecast_of(
            _insight_figures(root["figures"]),
            rule=_ROLLUP_OF_AGGREGATION.get(root["aggregation"], Rollup.AVERAGE),
            polarity=root["polarity"],
            annual_target=annual_target,
        )

    @staticmethod
    def wrap(item) -> dict:
        indicator = item.indicator
        return {
            "id": indicator.pk,
            "code": indicator.code,
            "title": indicator.title,
            "unit_label": indicator.unit_label,
            "polarity": indicator.polarity,
            "frequency": indicator.frequency,
            "decimal_places": indicator.decimal_places,
            "aggregation": indicator.aggregation,
            "aggregation_label": _label(Aggregation, indicator.aggregation),
            "catalogue_based": indicator.is_catalogue_based,
            "figures": item.figures,
        }


# How a partnership's figures add up over a year, for its forecast (means stay means).
_ROLLUP_OF_AGGREGATION = {
    Aggregation.SUM: Rollup.SUM,
    Aggregation.RECOMPUTE: Rollup.RECOMPUTE,
}


def _insight_figures(figures) -> list[Figure]:
    # A figure missing a member has no value (never a partial sum): a gap on the chart.
    return [Figure(figure.period, figure.value) for figure in figures]


class AgreementAcceptance(graphene.ObjectType):
    organisation = graphene.Field(Organisation, required=True)
    signed_by_name = graphene.String(required=True)
    signed_at = graphene.DateTime(required=True)


class AgreementVersion(graphene.ObjectType):
    class Meta:
        description = "A version of a data-sharing agreement the requesting organisation may see."

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    number = graphene.Int(required=True)
    label = graphene.String(required=True)
    status = graphene.String(required=True)
    status_label = graphene.String(required=True)
    parties = graphene.List(graphene.NonNull(Organisation), required=True)
    indicator_codes = graphene.List(graphene.NonNull(graphene.String), required=True)
    fields = graphene.List(graphene.NonNull(graphene.String), required=True)
    purpose = graphene.String(required=True)
    lawful_basis = graphene.String(required=True)
    lawful_basis_label = graphene.String(required=True)
    retention_months = graphene.Int(required=True)
    delete_on_end = graphene.Boolean(required=True)
    starts_on = graphene.Date(required=True)
    ends_on = graphene.Date()
    activated_at = graphene.DateTime()
    ended_at = graphene.DateTime()
    end_reason = graphene.String(required=True)
    acceptances = graphene.List(graphene.NonNull(AgreementAcceptance), required=True)

    def resolve_title(root, info):
        return root.agreement.title

    def resolve_status_label(root, info):
        return _label(VersionStatus, root.status)

    def resolve_lawful_basis_label(root, info):
        return _label(LawfulBasis, root.lawful_basis)

    def resolve_parties(root, info):
        return list(root.parties.all())  # prefetched by the loader's selector

    def resolve_acceptances(root, info):
        return list(root.acceptances.all())


class PartnershipMember(graphene.ObjectType):
    organisation = graphene.Field(Organisation, required=True)
    role = graphene.String(required=True)
    role_label = graphene.String(required=True)

    def resolve_role_label(root, info):
        return _label(MemberRole, root.role)


class Partnership(graphene.ObjectType):
    class Meta:
        description = "A partnership the requesting organisation is a member of."

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    type = graphene.String(required=True)
    type_label = graphene.String(required=True)
    description = graphene.String(required=True)
    starts_on = graphene.Date(required=True)
    ends_on = graphene.Date()
    lead_organisation = graphene.Field(Organisation, required=True)
    members = graphene.List(graphene.NonNull(PartnershipMember), required=True)
    agreements = graphene.List(
        graphene.NonNull(AgreementVersion),
        required=True,
        description="Agreement versions this organisation is party to (all, for the lead).",
    )
    shared_indicators = graphene.List(
        graphene.NonNull(SharedIndicator),
        required=True,
        periods=graphene.Int(
            default_value=DEFAULT_PERIODS,
            description=f"How many recent periods, 1 to {MAX_DASHBOARD_PERIODS}.",
        ),
        period_codes=graphene.List(
            graphene.NonNull(graphene.String), description="Exactly these periods instead."
        ),
        as_of=graphene.Date(description="The day the recent periods end by (default today)."),
    )

    def resolve_type_label(root, info):
        return _label(PartnershipType, root.type)

    def resolve_lead_organisation(root, info):
        return OrganisationByIdLoader.for_request(info).load(root.lead_organisation_id)

    def resolve_members(root, info):
        return PartnershipMembersByPartnershipIdLoader.for_request(info).load(root.pk)

    def resolve_agreements(root, info):
        return AgreementVersionsByPartnershipIdLoader.for_request(info).load(root.pk)

    def resolve_shared_indicators(
        root, info, periods=DEFAULT_PERIODS, period_codes=None, as_of=None
    ):
        from .resolvers import resolve_shared_indicators

        return resolve_shared_indicators(
            info, partnership=root, periods=periods, period_codes=period_codes, as_of=as_of
        )


class CrossOrganisationRead(graphene.ObjectType):
    class Meta:
        description = (
            "One read of this organisation's published data by another organisation, under a "
            "partnership agreement or a benchmarking club consent. In a club that does not "
            "name its members the reader is not named: `readerName` is 'a member of <club>' "
            "and `readerOrganisation` and `readerUser` are null."
        )

    reader_organisation = graphene.Field(
        Organisation, description="The organisation that read; null when it may not be named."
    )
    reader_name = graphene.String(
        required=True, description="The reader's name, or who it was as far as you may know."
    )
    reader_user = graphene.String(description="Who read; null when the reader is not named.")
    basis_type = graphene.String(required=True, description="'agreement' or 'club_consent'.")
    basis_id = graphene.ID(
        required=True, description="The agreement version's or your club consent's id."
    )
    basis_label = graphene.String(required=True, description="What the read was made under.")
    agreement_version_id = graphene.ID(
        description="The agreement version read under; null for a club read."
    )
    agreement_label = graphene.String(
        required=True, description="The same as basisLabel (kept for existing clients)."
    )
    what = GenericScalar(required=True, description="Indicator codes and periods read.")
    interface = graphene.String(required=True, description="page, rest or graphql.")
    read_at = graphene.DateTime(required=True)

    def resolve_reader_user(root, info):
        return root.reader_user if root.reader_named else None

    def resolve_agreement_version_id(root, info):
        return root.basis_id if root.basis_type == "agreement" else None

    def resolve_agreement_label(root, info):
        return root.basis_label

    def resolve_what(root, info):
        return root.what if isinstance(root.what, dict) else json.loads(root.what or "{}")
