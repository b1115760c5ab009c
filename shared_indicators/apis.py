from rest_framework import serializers
from rest_framework.generics import ListAPIView

from .selectors import catalogue_indicator_list


class CatalogueIndicatorListApi(ListAPIView):
    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        title = serializers.CharField()
        unit = serializers.CharField()
        polarity = serializers.CharField()
        frequency = serializers.CharField()
        decimal_places = serializers.IntegerField()
        version = serializers.IntegerField()

    serializer_class = OutputSerializer

    def get_queryset(self):
        return catalogue_indicator_list(search=self.request.query_params.get("q", ""))
