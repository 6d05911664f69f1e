from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # Connect the signal receivers: the domain's follow-ups, and the email notifications (whose tasks
        # this also registers, in the web process and the worker alike); the webhooks' receivers, tasks
        # and admin pages.
        import claims.webhooks.admin  # noqa: F401
        import claims.webhooks.receivers  # noqa: F401
        from claims import notifications, receivers  # noqa: F401
        from claims.api.public_cache import connect_receivers

        connect_receivers()
