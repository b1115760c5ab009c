from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Developer tooling: the demo seed command. No models."""

    name = "goldenthread.platform.devtools"
    label = "devtools"
    verbose_name = "Developer tools"
