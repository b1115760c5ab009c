from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goldenthread.platform.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .rest import openapi  # noqa: F401 - registers the API key scheme with drf-spectacular
        from .services import session_lifetime  # noqa: F401 - stamps each session's clock at sign-in
