"""REST endpoints that form and run a partnership (under /api/v1/partnerships/): form it,
invite organisations and answer invitations, name signatories, draft agreements, define
shared indicators and targets. As everywhere, the host's organisation is the principal and
every change goes through the services, whose refusals become the one error body."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.errors import DomainError, NotFound, PermissionDenied
from goldenthread.tenants.models import Organisation

from .. import services
from ..domain.choices import Aggregation, LawfulBasis, MemberRole, PartnershipType, SharedField
from ..models import PartnershipIndicator, PartnershipInvitation
from ..permissions import membership_of
from ..selectors import (
    agreement_version_get,
    invitable_organisations,
    invitation_get,
    invitations_for,
    invitations_of,
    member_list,
    partnership_get_for,
    shared_indicator_get_for,
    shared_indicator_list,
)
from .schema import (
    INVITATION_ACTION_PARAMETER,
    InvitationSerializer,
    MemberSerializer,
    OrganisationNameSerializer,
    SharedIndicatorDefinitionSerializer,
    TargetSerializer,
    documented,
)
from .views import (
    AgreementListApi,
    AgreementVersionOutput,
    PartnershipListApi,
    PartnershipOutput,
    _number,
)


def _valid(serializer_class, request: Request, *, partial: bool = False) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _organisations(ids: list[int], field: str) -> list[Organisation]:
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        message = f"No organisation with id {', '.join(missing)}."
        raise DomainError(message, extra={"fields": {field: [message]}})
    return [found[i] for i in ids]


class PartnershipCollectionApi(PartnershipListApi):
    """GET the partnerships this organisation belongs to; POST to form one it leads."""

    @extend_schema_serializer(component_name="PartnershipCreateInput")
    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        type = serializers.ChoiceField(choices=PartnershipType.choices)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        starts_on = serializers.DateField()
        ends_on = serializers.DateField(required=False, allow_null=True, default=None)
        signatory_emails = serializers.ListField(
            child=serializers.CharField(), required=False, default=list
        )

    @documented("list", "Your partnerships", ok={200: PartnershipOutput(many=True)})
    def get(self, request: Request) -> Response:
        return super().get(request)

    @documented(
        "create",
        "Form a partnership",
        request=Input,
        ok={201: PartnershipOutput},
        refusals=(400, 403),
    )
    def post(self, request: Request) -> Response:
        data = _valid(self.Input, request)
        partnership = services.partnership_create(
            organisation=request.organisation, actor=request.user, **data
        )
        return Response(PartnershipOutput(partnership).data, status=status.HTTP_201_CREATED)


def member_output(membership, *, own: bool) -> dict[str, Any]:
    return {
        "organisation_id": membership.organisation_id,
        "organisation": membership.organisation.name,
        "role": membership.role,
        # Who signs for another organisation is that organisation's business.
        "signatory_emails": membership.signatory_emails if own else None,
    }


class MemberListApi(OrganisationApi):
    @documented(
        "members_list",
        "Members of a partnership",
        ok={200: MemberSerializer(many=True)},
        refusals=(404,),
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        return Response(
            [
                member_output(m, own=m.organisation_id == request.organisation.pk)
                for m in member_list(partnership=partnership)
            ]
        )


class SignatoriesApi(OrganisationApi):
    """PUT {"signatory_emails": [...]}: who signs for this organisation in the partnership."""

    @extend_schema_serializer(component_name="PartnershipSignatoriesInput")
    class Input(serializers.Serializer):
        signatory_emails = serializers.ListField(child=serializers.CharField(), allow_empty=True)

    @documented(
        "signatories_update",
        "Name your signatories",
        request=Input,
        ok={200: MemberSerializer},
        refusals=(400, 403, 404),
    )
    def put(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        data = _valid(self.Input, request)
        membership = services.partnership_member_update(
            membership=membership_of(partnership, request.organisation),
            organisation=request.organisation,
            actor=request.user,
            signatory_emails=data["signatory_emails"],
        )
        return Response(member_output(membership, own=True))


def invitation_output(invitation: PartnershipInvitation) -> dict[str, Any]:
    partnership = invitation.partnership
    return {
        "id": invitation.pk,
        "partnership": {
            "id": partnership.pk,
            "name": partnership.name,
            "type": partnership.type,
            "lead_organisation": partnership.lead_organisation.name,
        },
        "organisation_id": invitation.organisation_id,
        "organisation": invitation.organisation.name,
        "role": invitation.role,
        "status": invitation.status,
        "proposed_signatory_emails": invitation.proposed_signatory_emails,
        "message": invitation.message,
        "invited_by": invitation.invited_by,
        "invited_at": invitation.invited_at,
        "responded_at": invitation.responded_at,
        "response_note": invitation.response_note,
    }


class InvitableOrganisationListApi(OrganisationApi):
    """GET the organisations the lead could invite (names only)."""

    @documented(
        "invitable_organisations_list",
        "Organisations the lead may invite",
        ok={200: OrganisationNameSerializer(many=True)},
        refusals=(404,),
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        return Response(
            [{"id": o.pk, "name": o.name} for o in invitable_organisations(partnership=partnership)]
        )


class PartnershipInvitationsApi(OrganisationApi):
    """GET the partnership's invitations (its lead only); POST to invite an organisation."""

    @extend_schema_serializer(component_name="PartnershipInviteInput")
    class Input(serializers.Serializer):
        organisation_id = serializers.IntegerField()
        role = serializers.ChoiceField(
            choices=[MemberRole.MEMBER, MemberRole.OBSERVER], default=MemberRole.MEMBER
        )
        signatory_emails = serializers.ListField(
            child=serializers.CharField(), required=False, default=list
        )
        message = serializers.CharField(required=False, allow_blank=True, default="")

    @documented(
        "invitations_sent_list",
        "Invitations the lead sent",
        ok={200: InvitationSerializer(many=True)},
        refusals=(403, 404),
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        if partnership.lead_organisation_id != request.organisation.pk:
            raise PermissionDenied("Only the lead organisation sees the invitations it sent.")
        return Response([invitation_output(i) for i in invitations_of(partnership=partnership)])

    @documented(
        "invitations_create",
        "Invite an organisation",
        request=Input,
        ok={201: InvitationSerializer},
        refusals=(400, 403, 404, 409),
    )
    def post(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        data = _valid(self.Input, request)
        [invitee] = _organisations([data.pop("organisation_id")], "organisation_id")
        invitation = services.partnership_invite(
            partnership=partnership,
            organisation=request.organisation,
            actor=request.user,
            invitee=invitee,
            **data,
        )
        return Response(invitation_output(invitation), status=status.HTTP_201_CREATED)


class InvitationsToUsApi(OrganisationApi):
    """GET the invitations addressed to this organisation that await its answer."""

    @documented(
        "invitations_received_list",
        "Invitations awaiting your answer",
        ok={200: InvitationSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(
            [invitation_output(i) for i in invitations_for(organisation=request.organisation)]
        )


class InvitationActionApi(OrganisationApi):
    """POST accept {"signatory_emails": [...]} | decline {"reason": …} | withdraw."""

    @extend_schema_serializer(component_name="PartnershipInvitationAnswerInput")
    class Input(serializers.Serializer):
        signatory_emails = serializers.ListField(child=serializers.CharField(), required=False)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @documented(
        "invitations_answer",
        "Accept, decline or withdraw an invitation",
        parameters=[INVITATION_ACTION_PARAMETER],
        request=Input,
        ok={200: InvitationSerializer},
        refusals=(400, 403, 404, 409),
    )
    def post(self, request: Request, invitation_id: int, action: str) -> Response:
        if action not in ("accept", "decline", "withdraw"):
            raise NotFound(f"Unknown action '{action}'; use accept, decline or withdraw.")
        invitation = invitation_get(organisation=request.organisation, invitation_id=invitation_id)
        data = _valid(self.Input, request)
        common = {
            "invitation": invitation,
            "organisation": request.organisation,
            "actor": request.user,
        }
        if action == "accept":
            services.invitation_accept(**common, signatory_emails=data.get("signatory_emails"))
        elif action == "decline":
            services.invitation_decline(**common, reason=data["reason"])
        else:
            services.invitation_withdraw(**common)
        invitation.refresh_from_db()
        return Response(invitation_output(invitation))


@extend_schema_serializer(component_name="AgreementTermsInput")
class AgreementTermsInput(serializers.Serializer):
    party_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    indicator_codes = serializers.ListField(child=serializers.CharField(), min_length=1)
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=SharedField.choices), min_length=1
    )
    purpose = serializers.CharField()
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    retention_months = serializers.IntegerField(min_value=1, max_value=1200)
    delete_on_end = serializers.BooleanField(required=False, default=False)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class AgreementCollectionApi(AgreementListApi):
    """GET the agreement versions this organisation may see; POST to draft a new agreement
    (its version 1), then POST agreements/<id>/send/ to ask every party to accept it."""

    @extend_schema_serializer(component_name="AgreementDraftInput")
    class Input(AgreementTermsInput):
        title = serializers.CharField(max_length=200)

    @documented(
        "agreements_list",
        "Agreements you may see",
        ok={200: AgreementVersionOutput(many=True)},
        refusals=(404,),
    )
    def get(self, request: Request, pk: int) -> Response:
        return super().get(request, pk)

    @documented(
        "agreements_create",
        "Draft an agreement",
        request=Input,
        ok={201: AgreementVersionOutput},
        refusals=(400, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        data = _valid(self.Input, request)
        parties = _organisations(data.pop("party_ids"), "party_ids")
        version = services.agreement_create(
            partnership=partnership,
            organisation=request.organisation,
            actor=request.user,
            parties=parties,
            **data,
        )
        version = agreement_version_get(organisation=request.organisation, version_id=version.pk)
        return Response(AgreementVersionOutput(version).data, status=status.HTTP_201_CREATED)


class AgreementDraftApi(OrganisationApi):
    """GET one version; PATCH a draft's parties and terms (fixed once sent)."""

    @documented(
        "agreements_retrieve",
        "An agreement version",
        ok={200: AgreementVersionOutput},
        refusals=(404,),
    )
    def get(self, request: Request, version_id: int) -> Response:
        version = agreement_version_get(organisation=request.organisation, version_id=version_id)
        return Response(AgreementVersionOutput(version).data)

    @documented(
        "agreements_update",
        "Change a draft",
        request=AgreementTermsInput,
        ok={200: AgreementVersionOutput},
        refusals=(400, 403, 404, 409),
    )
    def patch(self, request: Request, version_id: int) -> Response:
        version = agreement_version_get(organisation=request.organisation, version_id=version_id)
        serializer = AgreementTermsInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        terms = dict(serializer.validated_data)
        parties = None
        if "party_ids" in terms:
            parties = _organisations(terms.pop("party_ids"), "party_ids")
        services.agreement_version_update(
            version=version,
            organisation=request.organisation,
            actor=request.user,
            parties=parties,
            **terms,
        )
        version = agreement_version_get(organisation=request.organisation, version_id=version.pk)
        return Response(AgreementVersionOutput(version).data)


def indicator_output(indicator: PartnershipIndicator) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "title": indicator.title,
        "catalogue_based": indicator.is_catalogue_based,
        "polarity": indicator.polarity,
        "frequency": indicator.frequency,
        "decimal_places": indicator.decimal_places,
        "aggregation": indicator.aggregation,
        "factor": _number(indicator.factor),
    }


class IndicatorCollectionApi(OrganisationApi):
    """GET the shared indicators; POST a catalogue code, or a partnership-defined one."""

    @extend_schema_serializer(component_name="PartnershipIndicatorInput")
    class Input(serializers.Serializer):
        aggregation = serializers.ChoiceField(choices=Aggregation.choices)
        catalogue_code = serializers.CharField(required=False, allow_blank=True, default="")
        code = serializers.CharField(required=False, allow_blank=True, default="")
        title = serializers.CharField(required=False, allow_blank=True, default="")
        definition = serializers.CharField(required=False, allow_blank=True, default="")
        unit_label = serializers.CharField(required=False, allow_blank=True, default="")
        polarity = serializers.CharField(required=False, allow_blank=True, default="")
        frequency = serializers.CharField(required=False, default="quarterly")
        decimal_places = serializers.IntegerField(required=False, min_value=0, max_value=6)
        factor = serializers.DecimalField(max_digits=20, decimal_places=6, required=False)

    @documented(
        "indicators_list",
        "Shared indicators",
        ok={200: SharedIndicatorDefinitionSerializer(many=True)},
        refusals=(404,),
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        return Response(
            [indicator_output(i) for i in shared_indicator_list(partnership=partnership)]
        )

    @documented(
        "indicators_create",
        "Add a shared indicator",
        request=Input,
        ok={201: SharedIndicatorDefinitionSerializer},
        refusals=(400, 403, 404),
    )
    def post(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        data = _valid(self.Input, request)
        indicator = services.partnership_indicator_create(
            partnership=partnership, organisation=request.organisation, actor=request.user, **data
        )
        return Response(indicator_output(indicator), status=status.HTTP_201_CREATED)


class TargetSetApi(OrganisationApi):
    """POST {"period_code", "value"} the partnership target; with "organisation_id", that
    member's share of it (a cascaded target)."""

    @extend_schema_serializer(component_name="PartnershipTargetInput")
    class Input(serializers.Serializer):
        period_code = serializers.CharField()
        # Read by the service's one number parser, as everywhere: "12.5" or 12.5; a decimal
        # comma or an ambiguous "1,234" is refused with what to type.
        value = serializers.CharField(
            help_text="A number with a decimal point, as a string or a JSON number."
        )
        organisation_id = serializers.IntegerField(required=False)

    @documented(
        "targets_set",
        "Set a partnership or cascaded target",
        request=Input,
        ok={201: TargetSerializer},
        refusals=(400, 403, 404),
    )
    def post(self, request: Request, indicator_id: int) -> Response:
        indicator = shared_indicator_get_for(reader=request.organisation, indicator_id=indicator_id)
        data = _valid(self.Input, request)
        common = {
            "indicator": indicator,
            "organisation": request.organisation,
            "actor": request.user,
            "period_code": data["period_code"],
            "value": data["value"],
        }
        if "organisation_id" in data:
            [member] = _organisations([data["organisation_id"]], "organisation_id")
            target = services.cascaded_target_set(**common, member=member)
        else:
            target = services.partnership_target_set(**common)
        return Response(
            {
                "indicator": indicator.code,
                "period_code": target.period_code,
                "value": _number(target.value),
                "organisation_id": getattr(target, "organisation_id", None),
            },
            status=status.HTTP_201_CREATED,
        )
