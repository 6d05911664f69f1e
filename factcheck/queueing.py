"""Queueing tasks so that a broker outage never loses work nor fails the request that queued it.

Every task queued from a write is backed by state in the database (an article "queued", a source whose
next pull is due, a webhook delivery "pending"): the beat sweepers re-queue whatever is still pending, so
when Redis is down the write is accepted, recorded as pending, and its task sent when Redis is back.
Publishing is therefore best-effort here: a broker error is logged, not raised.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def send(task, *, args=(), kwargs=None, **options) -> bool:
    """``task.apply_async`` with ``options`` (queue, countdown, ...); False (and a log line) when the
    broker cannot be reached: the caller's pending state in the database lets a sweeper send it later."""
    try:
        task.apply_async(args=args, kwargs=kwargs or {}, **options)
    except (OperationalError, ConnectionError, OSError) as exc:
        logger.warning("broker unavailable, %s(%s) left for the sweeper: %s", task.name, args, exc)
        return False
    return True


def enqueue(task, *args, **kwargs) -> bool:
    """Send ``task`` now with these arguments; return False (and log) when the broker cannot be reached."""
    return send(task, args=args, kwargs=kwargs)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` after the current transaction commits (never for a rolled-back write)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
