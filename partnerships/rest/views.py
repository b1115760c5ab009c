"""REST endpoints under /api/v1/partnerships/ (one view per operation). The host's
organisation is the principal, as on the pages and in GraphQL; figures come from the same
dashboard (reads logged with interface "rest") and lifecycle changes from the same services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.platform.core.periods import PeriodError, parse_period

from .. import services
from ..domain.periods import PERIODS_MESSAGE
from ..models import AgreementVersion
from ..selectors import (
    agreement_version_get,
    agreement_versions_visible_to,
    partnership_get_for,
    partnerships_visible_to,
)
from ..selectors.dashboard import (
    DEFAULT_PERIODS,
    MemberContribution,
    PeriodFigure,
    partnership_dashboard,
)
from .schema import ACTION_PARAMETER, DASHBOARD_PARAMETERS, dashboard_serializer, documented


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


class PartnershipOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    lead_organisation = serializers.CharField(source="lead_organisation.name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class PartnershipListApi(OrganisationApi):
    def get(self, request: Request) -> Response:
        partnerships = partnerships_visible_to(organisation=request.organisation)
        return Response(PartnershipOutput(partnerships, many=True).data)


class AgreementVersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    parties = serializers.SerializerMethodField()
    accepted_by = serializers.SerializerMethodField()
    indicator_codes = serializers.ListField(child=serializers.CharField())
    fields = serializers.ListField(child=serializers.CharField())
    purpose = serializers.CharField()
    lawful_basis = serializers.CharField()
    retention_months = serializers.IntegerField()
    delete_on_end = serializers.BooleanField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)

    def get_parties(self, version: AgreementVersion) -> list[str]:
        return [party.name for party in version.parties.all()]

    def get_accepted_by(self, version: AgreementVersion) -> list[dict]:
        return [
            {"organisation": a.organisation.name, "signed_at": a.signed_at}
            for a in version.acceptances.all()
        ]


class AgreementListApi(OrganisationApi):
    def get(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        versions = agreement_versions_visible_to(
            organisation=request.organisation, partnership=partnership
        )
        return Response(AgreementVersionOutput(versions, many=True).data)


class AgreementActionApi(OrganisationApi):
    """POST accept | send | suspend | resume | revoke, with {"reason": …} where needed."""

    @extend_schema_serializer(component_name="AgreementActionInput")
    class Input(serializers.Serializer):
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Why: required to suspend or revoke, recorded in the agreement's history.",
        )

    ACTIONS = {
        "accept": services.agreement_accept,
        "send": services.agreement_send_for_acceptance,
        "resume": services.agreement_resume,
        "suspend": services.agreement_suspend,
        "revoke": services.agreement_revoke,
    }

    @documented(
        "agreements_act",
        "Move an agreement version through its lifecycle",
        parameters=[ACTION_PARAMETER],
        request=Input,
        ok={200: AgreementVersionOutput},
        refusals=(400, 403, 404, 409),
    )
    def post(self, request: Request, version_id: int, action: str) -> Response:
        if action not in self.ACTIONS:
            raise NotFound(f"Unknown action '{action}'; use one of {', '.join(self.ACTIONS)}.")
        version = agreement_version_get(organisation=request.organisation, version_id=version_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        arguments: dict[str, Any] = {
            "version": version,
            "organisation": request.organisation,
            "actor": request.user,
        }
        if action in ("suspend", "revoke"):
            arguments["reason"] = data.validated_data["reason"]
        version = self.ACTIONS[action](**arguments)
        version = agreement_version_get(organisation=request.organisation, version_id=version.pk)
        return Response(AgreementVersionOutput(version).data)


def _contribution(c: MemberContribution) -> dict[str, Any]:
    p = c.provenance
    return {
        "organisation": c.organisation.name,
        "state": c.state,
        "value": _number(c.value),
        "target": _number(c.own_target),
        "cascaded_target": _number(c.cascaded_target),
        "status": str(c.status.status) if c.status else None,
        "commentary": c.commentary,
        "restated": c.restated,
        "provenance": None
        if p is None
        else {
            "organisation": p.organisation.name,
            "approved_by": p.approved_by,
            "approved_at": p.approved_at,
            "published_at": p.published_at,
            "revision": p.revision,
            "agreement_version_id": p.agreement_version_id,
            "agreement_label": p.agreement_label,
        },
    }


def _figure(f: PeriodFigure) -> dict[str, Any]:
    return {
        "period": f.period.code,
        "value": _number(f.value),
        "complete": f.aggregate.complete,
        "partial_value": _number(f.aggregate.partial_value),
        "target": _number(f.target),
        "status": str(f.status.status),
        "previous_value": _number(f.previous.value) if f.previous else None,
        "short_trend": str(f.short_trend),
        "last_year_value": _number(f.last_year.value) if f.last_year else None,
        "long_trend": str(f.long_trend),
        "missing": [m.organisation.name for m in f.missing_members],
        "contributions": [_contribution(c) for c in f.contributions],
    }


class PartnershipDashboardApi(OrganisationApi):
    """GET ?period=2024/25 Q4&periods=8: shared indicators with figures, as on the page."""

    @documented(
        "dashboard",
        "A partnership's shared figures",
        description="Every shared indicator's figures for the periods asked, each with its "
        "members' contributions as far as the agreements let your organisation see them. "
        "Each read is logged for the organisations whose data it shows.",
        parameters=DASHBOARD_PARAMETERS,
        ok={200: dashboard_serializer(PartnershipOutput)},
        refusals=(400, 404),
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        as_of: date | None = None
        if request.query_params.get("period"):
            try:
                as_of = parse_period(request.query_params["period"]).end
            except PeriodError as error:
                raise DomainError(str(error), code="invalid_period") from None
        try:
            periods = int(request.query_params.get("periods", DEFAULT_PERIODS))
        except ValueError:
            raise DomainError(PERIODS_MESSAGE, code="invalid_periods") from None
        dashboard = partnership_dashboard(
            partnership=partnership,
            reader=request.organisation,
            reader_user=request.user,
            interface="rest",
            periods=periods,
            as_of=as_of,
        )
        return Response(
            {
                "partnership": PartnershipOutput(partnership).data,
                "indicators": [
                    {
                        "code": item.indicator.code,
                        "title": item.indicator.title,
                        "aggregation": item.indicator.aggregation,
                        "figures": [_figure(f) for f in item.figures],
                    }
                    for item in dashboard.indicators
                ],
            }
        )
