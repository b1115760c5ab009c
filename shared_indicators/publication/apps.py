from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "goldenthread.shared_indicators.publication"
    label = "publication"
    verbose_name = "Published values"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the Celery tasks with the app (the worker autodiscovers them too).
        from . import tasks  # noqa: F401
