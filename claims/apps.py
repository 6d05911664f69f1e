from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # Connect the signal receivers: the domain's follow-ups, and the email notifications (whose tasks
        # this also registers, in the web process and the worker alike).
        from claims import notifications, receivers  # noqa: F401
