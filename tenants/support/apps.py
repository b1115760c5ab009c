from django.apps import AppConfig


class SupportConfig(AppConfig):
    """Support access (consented grants and break-glass), announcements and support requests.

    Every table is in the public schema: they are what the organisation and the vendor share
    (who may look in, what was looked at, what was asked), never the organisation's own data.
    """

    name = "goldenthread.tenants.support"
    label = "support"
    verbose_name = "Support"
    default_auto_field = "django.db.models.BigAutoField"
