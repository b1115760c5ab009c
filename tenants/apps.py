from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "goldenthread.tenants"
    label = "tenants"
    verbose_name = "Organisations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from .connection_lifetime import retire_after_request

        # Celery's task_postrun receiver is connected with the worker's other ones, in
        # platform/celery_app.py.
        request_finished.connect(retire_after_request, dispatch_uid="gt_retire_connections")
