from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "goldenthread.platform.indicators"
    label = "indicators"
    verbose_name = "Performance indicators"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Publication (public schema) must not import our models; it asks this source for
        # the snapshots of approved values instead.
        from goldenthread.shared_indicators.publication.domain.snapshots import (
            register_snapshot_source,
        )

        from .selectors import publication

        register_snapshot_source(publication)
