"""REST for light partner organisations (`services.light_partners`): the lead invites a body
not on the platform and lists or withdraws its invitations. Accepting is a page on the
platform host (`/join/<token>/`): the body has no host, user or key until it accepts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.errors import NotFound, PermissionDenied
from goldenthread.tenants.models import OrganisationType

from ..models import LightPartnerInvitation
from ..permissions import can_manage_membership
from ..selectors import partnership_get_for
from ..services import light_partners as light
from .schema import documented


class LightInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partnership_id = serializers.IntegerField()
    body_name = serializers.CharField()
    body_type = serializers.CharField(help_text="parish or voluntary.")
    body_type_label = serializers.CharField()
    email = serializers.EmailField()
    contact_name = serializers.CharField()
    indicator_codes = serializers.ListField(child=serializers.CharField())
    purpose = serializers.CharField()
    status = serializers.CharField(help_text="pending, accepted or withdrawn.")
    status_label = serializers.CharField()
    invited_by = serializers.CharField()
    invited_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    mailed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the link was e-mailed; null while it is on its way."
    )
    accepted_at = serializers.DateTimeField(allow_null=True)
    organisation = serializers.CharField(
        allow_null=True, help_text="The organisation created by accepting, once accepted."
    )


def output(invitation: LightPartnerInvitation) -> dict:
    return {
        "id": invitation.pk,
        "partnership_id": invitation.partnership_id,
        "body_name": invitation.body_name,
        "body_type": invitation.body_type,
        "body_type_label": dict(OrganisationType.choices).get(invitation.body_type, ""),
        "email": invitation.email,
        "contact_name": invitation.contact_name,
        "indicator_codes": list(invitation.indicator_codes),
        "purpose": invitation.purpose,
        "status": invitation.status,
        "status_label": invitation.get_status_display(),
        "invited_by": invitation.invited_by,
        "invited_at": invitation.invited_at,
        "expires_at": invitation.expires_at,
        "mailed_at": invitation.mailed_at,
        "accepted_at": invitation.accepted_at,
        "organisation": invitation.organisation.name if invitation.organisation else None,
    }


def _require_lead_admin(request: Request, partnership) -> None:
    if partnership.lead_organisation_id != request.organisation.pk or not can_manage_membership(
        request.user
    ):
        raise PermissionDenied(
            "Only the lead organisation's administrators may invite new partner bodies."
        )


class LightInvitationsApi(OrganisationApi):
    """GET the lead's invitations to bodies not on the platform; POST to send one."""

    @extend_schema_serializer(component_name="LightPartnerInviteInput")
    class Input(serializers.Serializer):
        body_name = serializers.CharField(max_length=200)
        body_type = serializers.ChoiceField(choices=[str(t) for t in light.LIGHT_TYPES])
        email = serializers.EmailField()
        contact_name = serializers.CharField(required=False, allow_blank=True, default="")
        indicator_codes = serializers.ListField(
            child=serializers.CharField(max_length=32),
            required=False,
            help_text="The partnership's indicators the agreement covers; all when omitted.",
        )
        purpose = serializers.CharField(required=False, allow_blank=True, default="")
        message = serializers.CharField(required=False, allow_blank=True, default="")

    @documented(
        "light_invitations_list",
        "Invitations to bodies not on the platform",
        ok={200: LightInvitationSerializer(many=True)},
        refusals=(403, 404),
    )
    def get(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        _require_lead_admin(request, partnership)
        rows = LightPartnerInvitation.objects.filter(partnership=partnership).select_related(
            "organisation"
        )
        return Response([output(i) for i in rows])

    @documented(
        "light_invitations_create",
        "Invite a body not on the platform",
        request=Input,
        ok={201: LightInvitationSerializer},
        refusals=(400, 403, 404, 409),
    )
    def post(self, request: Request, pk: int) -> Response:
        partnership = partnership_get_for(reader=request.organisation, partnership_id=pk)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        from django.conf import settings

        invitation = light.light_partner_invite(
            partnership=partnership,
            organisation=request.organisation,
            actor=request.user,
            base_url=f"{request.scheme}://{settings.PLATFORM_DOMAIN}"
            + (f":{request.get_port()}" if request.get_port() not in ("80", "443") else ""),
            **serializer.validated_data,
        )
        return Response(output(invitation), status=status.HTTP_201_CREATED)


class LightInvitationWithdrawApi(OrganisationApi):
    """POST to withdraw an invitation that has not been accepted; its link stops working."""

    @extend_schema_serializer(component_name="LightPartnerWithdrawInput")
    class Input(serializers.Serializer):
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="Why, for the record."
        )

    @documented(
        "light_invitations_withdraw",
        "Withdraw an invitation to a body not on the platform",
        request=Input,
        ok={200: LightInvitationSerializer},
        refusals=(400, 403, 404, 409),
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        given = self.Input(data=request.data)
        given.is_valid(raise_exception=True)
        invitation = LightPartnerInvitation.objects.filter(pk=invitation_id).first()
        if invitation is None:
            raise NotFound("There is no such invitation.")
        partnership_get_for(reader=request.organisation, partnership_id=invitation.partnership_id)
        invitation = light.light_invitation_withdraw(
            invitation=invitation,
            organisation=request.organisation,
            actor=request.user,
            reason=given.validated_data["reason"],
        )
        return Response(output(invitation))
