"""Celery tasks for feeds: thin, taking ids, calling the services in ``claims.feeds``.

Tasks are queued with ``factcheck.queueing.enqueue`` outside transactions (the services commit before
returning): a broker outage leaves the work pending in the database (``matched_at``/``processed_at``
empty, ``next_poll_at`` due) and the beat task re-queues it.
"""

import logging
import random

from celery import shared_task
from django.conf import settings

from claims.feeds import interim, matching, polling, reviews
from claims.feeds.interim import FetchFailed
from factcheck.queueing import enqueue, send

logger = logging.getLogger(__name__)


def retry_countdown(retries: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, kept below the broker's visibility timeout."""
    ceiling = settings.BROKER_VISIBILITY_TIMEOUT - 60
    base = min(settings.FEEDS_RETRY_BASE_SECONDS * (2**retries), ceiling)
    return min(max(retry_after or 0, random.uniform(base / 2, base)), ceiling)


def enqueue_poll(feed_id: int) -> bool:
    """Queue a poll on FEEDS_POLL_QUEUE; a broker outage is logged and left to the lease (see polling)."""
    return send(poll_feed, args=(feed_id,), queue=settings.FEEDS_POLL_QUEUE)


@shared_task(name="claims.poll_due_feeds")
def poll_due_feeds() -> int:
    """Queue a poll of every due feed and re-queue work whose task was lost (Celery beat); return polls."""
    feed_ids = polling.due_feed_ids()
    polling.feeds_lease(feed_ids=feed_ids)
    for feed_id in feed_ids:
        enqueue_poll(feed_id)
    pending = polling.pending_work()
    for item_id in pending.items_to_match:
        enqueue(match_feed_item, item_id)
    for review_id in pending.reviews_to_match:
        enqueue(match_external_review, review_id)
    for item_id in pending.items_to_process:
        enqueue(process_feed_item, item_id)
    return len(feed_ids)


@shared_task(name="claims.poll_feed", bind=True, queue="io", max_retries=None)
def poll_feed(self, feed_id: int) -> None:
    """Poll one feed; retry transient fetch errors a bounded number of times, then record the failure."""
    try:
        outcome = polling.feed_poll(feed_id=feed_id)
    except FetchFailed as exc:
        if self.request.retries >= settings.FEEDS_POLL_RETRIES:
            polling.feed_record_failure(
                feed_id=feed_id, error=f"{exc} (after {self.request.retries} retries)"
            )
            return
        raise self.retry(countdown=retry_countdown(self.request.retries, exc.retry_after), exc=exc) from exc
    for item_id in outcome.follow_ups:
        enqueue(match_feed_item, item_id)
    for review_id in outcome.reviews:
        enqueue(match_external_review, review_id)
    if outcome.pull_sources:
        interim.request_pull(outcome.pull_sources)


@shared_task(name="claims.process_feed_item")
def process_feed_item(item_id: int, snapshot_id: int | None = None) -> None:
    """Store the ClaimReviews of a feed item's newly pulled page and match them."""
    for review_id in reviews.feed_item_process(item_id=item_id, snapshot_id=snapshot_id):
        enqueue(match_external_review, review_id)


@shared_task(name="claims.match_feed_item")
def match_feed_item(item_id: int) -> None:
    matching.match_feed_item(item_id=item_id)


@shared_task(name="claims.match_external_review")
def match_external_review(review_id: int) -> None:
    matching.match_external_review(review_id=review_id)
