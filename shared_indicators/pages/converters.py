"""The `catalogue_code` path converter: codes contain spaces ("NI 14"), never a slash.

Registered once, by SharedIndicatorsConfig.ready().
"""

from django.urls import register_converter


class CatalogueCodeConverter:
    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CatalogueCodeConverter, "catalogue_code")
