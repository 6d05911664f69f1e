"""Celery autodiscovery imports ``claims.tasks``: this module only imports the task modules of claims."""

from claims.feeds import tasks as feeds_tasks  # noqa: F401
