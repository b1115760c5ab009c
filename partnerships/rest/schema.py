"""OpenAPI descriptions of the partnership figures and agreement actions: the shapes the
views answer with and their parameters. Documentation only: `apis._figure` and
`apis._contribution` build the answers, and `tests/partnerships/test_openapi.py` keeps the
two in step by comparing the documented fields with a real answer."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers

from goldenthread.platform.core.openapi import errors, nullable_number, number

from ..domain.choices import Aggregation
from ..domain.periods import MAX_DASHBOARD_PERIODS

TAG = "partnerships"
AGREEMENT_ACTIONS = ("accept", "send", "suspend", "resume", "revoke")


class ProvenanceSerializer(serializers.Serializer):
    """Where a partner's published value came from: shown with every shared figure."""

    organisation = serializers.CharField()
    approved_by = serializers.CharField(help_text="Who approved the value in its own organisation.")
    approved_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField()
    revision = serializers.IntegerField(help_text="1, then one more for each restatement.")
    agreement_version_id = serializers.IntegerField()
    agreement_label = serializers.CharField(help_text="The agreement version it was shared under.")


class ContributionSerializer(serializers.Serializer):
    """One member's part of a shared figure, as far as the agreement lets the reader see it."""

    organisation = serializers.CharField()
    state = serializers.CharField(
        help_text="entered, or why there is no value: missing (nothing published), "
        "not_collected, not_applicable."
    )
    value = nullable_number(help_text="The member's approved value; null when none is shared.")
    target = nullable_number(
        help_text="The member's own target, when the agreement shares targets."
    )
    cascaded_target = nullable_number(help_text="The member's share of the partnership's target.")
    status = serializers.CharField(allow_null=True, help_text="Status against the target.")
    commentary = serializers.CharField(help_text="Empty unless the agreement shares commentary.")
    restated = serializers.BooleanField(help_text="The value was changed after publication.")
    provenance = ProvenanceSerializer(allow_null=True)


class FigureSerializer(serializers.Serializer):
    """A shared indicator's figure for one period, with status and trends."""

    period = serializers.CharField(help_text='A period code, e.g. "2024/25 Q4".')
    value = nullable_number(help_text="The aggregate; null unless every member's value is in.")
    complete = serializers.BooleanField(help_text="Every member's value is in.")
    partial_value = nullable_number(help_text="The aggregate of the values that are in.")
    target = nullable_number(help_text="The partnership's target for the period.")
    status = serializers.CharField(help_text="Status against target: on_target, warning, …")
    previous_value = nullable_number(help_text="The previous period's aggregate.")
    short_trend = serializers.CharField(help_text="Against the previous period.")
    last_year_value = nullable_number(help_text="The same period last year.")
    long_trend = serializers.CharField(help_text="Against the same period last year.")
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Members whose value is due and not in."
    )
    contributions = ContributionSerializer(many=True)


class SharedIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    aggregation = serializers.ChoiceField(choices=Aggregation.choices)
    figures = FigureSerializer(many=True)


def dashboard_serializer(partnership_output: type[serializers.Serializer]):
    """The dashboard's answer: the partnership and its shared indicators' figures."""
    return type(
        "PartnershipDashboard",
        (serializers.Serializer,),
        {
            "partnership": partnership_output(),
            "indicators": SharedIndicatorSerializer(many=True),
        },
    )


DASHBOARD_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        description='The newest period shown, by code (e.g. "2024/25 Q4"); default: the latest.',
    ),
    OpenApiParameter(
        "periods",
        OpenApiTypes.INT,
        description=f"How many periods back (1 to {MAX_DASHBOARD_PERIODS}; default 8).",
    ),
]

INVITATION_ACTIONS = ("accept", "decline", "withdraw")
INVITATION_ACTION_PARAMETER = OpenApiParameter(
    "action",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=list(INVITATION_ACTIONS),
    description="accept or decline (the invited organisation's administrator), withdraw (the "
    "lead).",
)

ACTION_PARAMETER = OpenApiParameter(
    "action",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=list(AGREEMENT_ACTIONS),
    description="send (for acceptance, the lead), accept (a named signatory), suspend and "
    "revoke (with a reason), resume.",
)


# What the error codes mean for partnerships' objects (the body is the platform's one).
ERROR_MEANINGS = {
    403: "Your organisation or role may not do this.",
    404: "No such partnership or agreement visible to your organisation.",
    409: "The agreement is in the wrong state for this action.",
}


class MemberSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField()
    role = serializers.CharField(help_text="lead, member or observer.")
    signatory_emails = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Who signs for the organisation: shown to that organisation only, else null.",
    )


class InvitedPartnershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    lead_organisation = serializers.CharField()


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partnership = InvitedPartnershipSerializer()
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField(help_text="The invited organisation.")
    role = serializers.CharField()
    status = serializers.CharField(help_text="pending, accepted, declined or withdrawn.")
    proposed_signatory_emails = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
    invited_by = serializers.CharField()
    invited_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    response_note = serializers.CharField()


class OrganisationNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SharedIndicatorDefinitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    catalogue_based = serializers.BooleanField(help_text="Adopted from the national catalogue.")
    polarity = serializers.CharField()
    frequency = serializers.CharField()
    decimal_places = serializers.IntegerField()
    aggregation = serializers.ChoiceField(choices=Aggregation.choices)
    factor = nullable_number(
        help_text="For ratio aggregation: the factor, e.g. 100 for a percentage."
    )


@extend_schema_serializer(component_name="PartnershipTarget")
class TargetSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="The shared indicator's code.")
    period_code = serializers.CharField()
    value = number()
    organisation_id = serializers.IntegerField(
        allow_null=True,
        help_text="The member whose cascaded target this is; null for the "
        "partnership's own target.",
    )


def documented(
    operation: str,
    summary: str,
    *,
    ok: dict,
    refusals: tuple[int, ...] = (),
    **details,
):
    """The partnerships API's annotation: a stable operation id, the tag, the answer and the
    error body for each refusal (401 always)."""
    return extend_schema(
        operation_id=f"partnerships_{operation}",
        tags=[TAG],
        summary=summary,
        responses={**ok, **errors(*refusals, meanings=ERROR_MEANINGS)},
        **details,
    )
