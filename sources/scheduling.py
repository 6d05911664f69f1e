"""When to pull a source again, and how long to wait before retrying a transient failure."""

import random
from datetime import datetime, timedelta

from django.conf import settings


def _jitter(seconds: float, spread: float = 0.1) -> float:
    # Spread re-pulls so that sources added together do not come due in the same second forever.
    return seconds * random.uniform(1 - spread, 1 + spread)


def next_pull_after_success(*, now: datetime, unchanged_pulls: int, watch_until: datetime | None) -> datetime:
    """Interval doubles with every pull that found nothing new; watched sources stay on a short leash."""
    interval = min(
        settings.SOURCES_PULL_INTERVAL * 2 ** min(unchanged_pulls, 20), settings.SOURCES_MAX_PULL_INTERVAL
    )
    if watch_until and watch_until > now:
        interval = min(interval, settings.SOURCES_WATCH_INTERVAL)
    return now + timedelta(seconds=_jitter(interval))


def next_pull_after_failure(*, now: datetime, failures: int) -> datetime:
    """After the retries are spent: back off from the base interval, capped at the maximum."""
    interval = min(
        settings.SOURCES_PULL_INTERVAL * 2 ** min(failures, 20), settings.SOURCES_MAX_PULL_INTERVAL
    )
    return now + timedelta(seconds=_jitter(interval))


def bounded_countdown(seconds: float) -> float:
    """Clamp a task countdown below the broker's visibility timeout (else Redis redelivers it early)."""
    return max(0.0, min(seconds, settings.BROKER_VISIBILITY_TIMEOUT * 0.9))


def retry_countdown(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, at least the server's Retry-After, within the bounds."""
    ceiling = min(settings.SOURCES_RETRY_BASE_DELAY * 2**attempt, settings.SOURCES_RETRY_MAX_DELAY)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after:
        delay = max(delay, min(retry_after, settings.SOURCES_RETRY_MAX_DELAY))
    return bounded_countdown(delay)
