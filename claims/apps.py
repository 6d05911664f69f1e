from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # Signal receivers (claims' own and the webhooks'), the webhook Celery tasks and admin pages.
        import claims.webhooks.admin  # noqa: F401
        import claims.webhooks.receivers  # noqa: F401
        from claims import receivers  # noqa: F401
