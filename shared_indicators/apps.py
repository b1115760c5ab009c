from django.apps import AppConfig


class SharedIndicatorsConfig(AppConfig):
    name = "goldenthread.shared_indicators"
    label = "shared_indicators"
    verbose_name = "National indicator catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the `catalogue_code` path converter before any URLconf is loaded.
        from .pages import converters  # noqa: F401
