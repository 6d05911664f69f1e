from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self):
        # Connects the email notification receivers and registers their tasks (web and worker alike).
        from claims import notifications  # noqa: F401
