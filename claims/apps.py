from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        # Webhooks: signal receivers, Celery tasks and admin pages register on import.
        from claims.webhooks import admin, receivers  # noqa: F401
