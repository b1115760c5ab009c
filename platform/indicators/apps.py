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

        # The REST PI list is cached while these tables are unchanged (every process must
        # watch them: a worker's write has to move the token the web process reads).
        from goldenthread.tenants.database.changes import watch_models

        from .selectors.indicators import indicator_list_models

        watch_models(*indicator_list_models())
