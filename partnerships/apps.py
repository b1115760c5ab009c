from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "goldenthread.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from goldenthread.shared_indicators.publication.domain.bases import register_basis_provider

        from . import tasks  # noqa: F401  (registers the Celery tasks)
        from .selectors.bases import agreement_bases

        register_basis_provider(agreement_bases)
