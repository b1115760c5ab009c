from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "goldenthread.platform.planning"
    label = "planning"
    verbose_name = "Strategy, actions and risks"
    default_auto_field = "django.db.models.BigAutoField"
