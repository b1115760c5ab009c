from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "goldenthread.platform.reporting"
    label = "reporting"
    verbose_name = "Reports and packs"
    default_auto_field = "django.db.models.BigAutoField"
