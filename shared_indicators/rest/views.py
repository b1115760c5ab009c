"""REST: the national catalogue, read-only for every organisation (any other method is 405).

Platform endpoints (`PlatformApi`), served on the public host too: the catalogue is public-schema
reference data, the same for every organisation, and platform staff curate it from the public
host. Who may read it is `permissions.can_read_catalogue` (organisation users; on the public
host, staff only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.door import PlatformApi
from goldenthread.platform.core.openapi import errors
from goldenthread.platform.core.pagination import Pagination

from ..permissions import CanReadCatalogue
from ..selectors import catalogue_indicator_get, catalogue_indicator_list


@extend_schema_serializer(component_name="CatalogueIndicator")
class IndicatorOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The indicator's stable national code, e.g. 'NI 14'.")
    title = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField(help_text="What the value counts, e.g. 'percentage'.")
    polarity = serializers.ChoiceField(
        choices=Polarity.choices, help_text="Which direction of change is better."
    )
    frequency = serializers.ChoiceField(
        choices=Frequency.choices, help_text="How often values are collected."
    )
    decimal_places = serializers.IntegerField()
    theme = serializers.CharField()
    source = serializers.CharField()
    version = serializers.IntegerField(help_text="Bumped whenever the definition changes.")
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    retired = serializers.BooleanField()


class CatalogueIndicatorListApi(PlatformApi, ListAPIView):
    """Search and filter the national catalogue, paginated (50 a page, up to 200)."""

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=200,
            help_text="Words or a code; every word must appear in the code, title, "
            "definition or theme. An exact code match comes first.",
        )
        theme = serializers.CharField(required=False, allow_blank=True, max_length=120)
        frequency = serializers.ChoiceField(
            choices=Frequency.choices, required=False, allow_blank=True
        )
        polarity = serializers.ChoiceField(
            choices=Polarity.choices, required=False, allow_blank=True
        )
        include_retired = serializers.BooleanField(required=False, default=False)

    OutputSerializer = IndicatorOutputSerializer
    serializer_class = IndicatorOutputSerializer
    permission_classes = [CanReadCatalogue]
    pagination_class = Pagination
    page_size = 50
    max_page_size = 200

    def get_queryset(self):
        params = self.InputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return catalogue_indicator_list(
            search=data.get("q", ""),
            theme=data.get("theme", ""),
            frequency=data.get("frequency", ""),
            polarity=data.get("polarity", ""),
            include_retired=data.get("include_retired", False),
        )

    @extend_schema(
        operation_id="catalogue_indicators_list",
        summary="List the national indicator catalogue",
        parameters=[InputSerializer],
        tags=["catalogue"],
        responses={200: IndicatorOutputSerializer(many=True), **errors(400, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CatalogueIndicatorDetailApi(PlatformApi, RetrieveAPIView):
    """One catalogue indicator, with its recorded versions (newest first)."""

    @extend_schema_serializer(component_name="CatalogueIndicatorDetail")
    class OutputSerializer(IndicatorOutputSerializer):
        @extend_schema_serializer(component_name="CatalogueIndicatorVersion")
        class VersionSerializer(serializers.Serializer):
            version = serializers.IntegerField()
            recorded_at = serializers.DateTimeField()
            source_file = serializers.CharField()
            definition = serializers.JSONField(
                source="definition_snapshot",
                help_text="The definition as recorded: title, definition, unit, polarity, "
                "frequency and decimal places.",
            )

        versions = VersionSerializer(many=True, source="versions.all")

    serializer_class = OutputSerializer
    permission_classes = [CanReadCatalogue]

    def get_object(self):
        return catalogue_indicator_get(code=self.kwargs["code"])

    @extend_schema(
        operation_id="catalogue_indicators_retrieve",
        summary="Read a catalogue indicator with its recorded versions",
        tags=["catalogue"],
        responses={200: OutputSerializer, **errors(403, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
