"""Celery tasks of the sources app: thin wrappers taking ids (routed to the "io" queue)."""

from celery import shared_task
from django.conf import settings

from sources import pulling, services


@shared_task(name="sources.pull_source", ignore_result=True)
def pull_source(source_id: int, attempt: int = 0) -> str:
    """Pull one source (a no-op when it is not due); transient failures come back with backoff."""
    try:
        return pulling.source_pull(source_id=source_id, attempt=attempt)
    except pulling.RetryLater as retry:
        # A fresh message rather than self.retry(): the service owns the attempt count and the bound.
        pull_source.apply_async(
            (source_id,),
            {"attempt": retry.attempt},
            countdown=retry.countdown,
            queue=settings.SOURCES_PULL_QUEUE,
        )
        return "retry"


@shared_task(name="sources.refresh_due_sources", ignore_result=True)
def refresh_due_sources() -> int:
    """Queue a pull for every due source (run by beat); returns how many were queued."""
    return services.enqueue_due_sources()
