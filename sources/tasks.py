"""Celery tasks of the sources app: thin wrappers taking ids (routed to the "io" queue)."""

import logging

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from sources import pulling, services

logger = logging.getLogger(__name__)

_WARM_UP_PAGE = (
    b'<html lang="en"><head><title>Warm-up</title>'
    b'<meta property="article:published_time" content="2025-01-01T00:00:00+00:00"></head><body><article>'
    b"<h1>Warm-up</h1><p>A paragraph long enough to be kept as the main text of the page, with "
    b'<a href="/ref">a link</a> in it, so that every step of the extraction runs once.</p>'
    b"</article></body></html>"
)


@worker_init.connect(dispatch_uid="sources.warm_up_extraction")
def warm_up_extraction(**kwargs) -> None:
    """Load what extraction loads lazily before the first task, not in every thread at once.

    trafilatura's first call in a process reads the public suffix list (about 45 ms of CPU, through
    courlan and tld) and compiles its patterns; a threads-pool worker starting with dozens of pulls
    would otherwise do that in each of them concurrently before the first one finished. Its justext
    fallback loads the stop words of every language (about half a second) the first time a page needs it.
    """
    from tld.utils import get_tld_names
    from trafilatura import external

    try:
        get_tld_names(fail_silently=True)
        if getattr(external, "JT_STOPLIST", ()) is None and hasattr(external, "jt_stoplist_init"):
            external.jt_stoplist_init()  # internal to trafilatura, hence the guards
        services.extract_body(_WARM_UP_PAGE, "text/html; charset=utf-8", url="http://127.0.0.1/warm-up")
    except Exception:  # noqa: BLE001 - a failed warm-up only costs time, the first pull will show the error
        logger.exception("extraction warm-up failed")


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


@shared_task(name="sources.pull_sources", ignore_result=True)
def pull_sources(source_ids: list[int]) -> dict[str, int]:
    """Pull several sources one after the other: one message for the cited links of an article.

    Each pull is ``pull_source``'s own (its lease, politeness slot, retry message on a transient error),
    so a source already pulled or being pulled elsewhere is skipped. A pull that crashes is logged and
    the others still run; its source stays due and ``refresh_due_sources`` queues it again.
    """
    outcomes: dict[str, int] = {}
    for source_id in source_ids:
        try:
            outcome = pull_source.run(source_id)
        except (OperationalError, InterfaceError):
            raise  # a lost database connection: the whole batch is retried (ReliableTask), pulled ones skip
        except Exception:  # noqa: BLE001 - one bad source must not cost the rest of the batch its pull
            logger.exception("pull of source %s failed", source_id)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(name="sources.refresh_due_sources", ignore_result=True)
def refresh_due_sources() -> int:
    """Queue a pull for every due source (run by beat); returns how many were queued."""
    return services.enqueue_due_sources()
