from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from claims import receivers  # noqa: F401 - connects the signal receivers
        from claims.webhooks import admin  # noqa: F401 - webhooks, tasks, admin
