from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "goldenthread.tenants.archive"
    label = "archive"
    verbose_name = "Organisation export, import, backup and restore"
    default_auto_field = "django.db.models.BigAutoField"
