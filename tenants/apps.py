from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "goldenthread.tenants"
    label = "tenants"
    verbose_name = "Organisations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from .connection_lifetime import retire_connections_past_schema_limit

        request_finished.connect(
            retire_connections_past_schema_limit, dispatch_uid="gt_retire_connections"
        )
