from django.apps import AppConfig


class FactcheckConfig(AppConfig):
    """Project-level app: holds no models, only management commands and templates."""

    name = "factcheck"
    verbose_name = "Factcheck"
