from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "goldenthread.platform.core"
    label = "core"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from goldenthread.platform import logs, metrics, telemetry

        telemetry.configure()
        metrics.configure()
        logs.keep_django_logging_in_celery()
