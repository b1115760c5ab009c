from django.apps import AppConfig


class DeletionConfig(AppConfig):
    name = "goldenthread.tenants.deletion"
    label = "deletion"
    verbose_name = "Deleting organisations"
    default_auto_field = "django.db.models.BigAutoField"
