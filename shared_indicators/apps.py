from django.apps import AppConfig


class SharedIndicatorsConfig(AppConfig):
    name = "goldenthread.shared_indicators"
    label = "shared_indicators"
    verbose_name = "National indicator catalogue"
    default_auto_field = "django.db.models.BigAutoField"
