"""Services polling feeds: which are due, one conditional fetch per poll, new items recorded once.

A poll fetches first and writes after (never network I/O inside a transaction). A 304 only moves the
schedule. A malformed document or a permanent HTTP error is recorded on that feed alone; transient
errors are raised as :class:`FetchFailed` for the task to retry, then recorded.
"""

import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claims.feeds import interim
from claims.feeds.claimreview_extract import extract
from claims.feeds.errors import FeedParseError
from claims.feeds.interim import FetchFailed, HttpResponse
from claims.feeds.parsing import Entry, parse_feed, parse_sitemap
from claims.feeds.reviews import external_review_upsert
from claims.models_feeds import ExternalReview, Feed, FeedItem

logger = logging.getLogger(__name__)


@dataclass
class PollOutcome:
    """What one poll did: HTTP status, new items (those to match as follow-ups), reviews, pulls, error."""

    status: int | None = None
    new_items: list[int] = field(default_factory=list)
    follow_ups: list[int] = field(default_factory=list)
    reviews: list[int] = field(default_factory=list)
    pull_sources: list[int] = field(default_factory=list)
    error: str = ""


def due_feed_ids(*, now=None) -> list[int]:
    """Ids of enabled feeds whose next poll is due (never polled counts as due)."""
    now = now or timezone.now()
    return list(
        Feed.objects.filter(enabled=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[: settings.FEEDS_MAX_DUE_PER_BEAT]
    )


def feeds_lease(*, feed_ids: list[int], now=None) -> None:
    """Push the next poll of queued feeds a lease ahead, so the next beat does not queue them again.

    A lost broker message (Redis restart) is made good when the lease expires: the feed is due again.
    """
    now = now or timezone.now()
    lease = timedelta(seconds=settings.FEEDS_POLL_LEASE_SECONDS)
    Feed.objects.filter(pk__in=feed_ids).update(next_poll_at=now + lease)


@dataclass
class Pending:
    """Work whose task was lost (broker restart): items and reviews to match, item pages to process."""

    items_to_match: list[int]
    reviews_to_match: list[int]
    items_to_process: list[int]


def pending_work(*, now=None, limit: int = 500) -> Pending:
    """Find work left undone longer than the grace period (its task was lost), for the beat to re-queue."""
    before = (now or timezone.now()) - timedelta(seconds=settings.FEEDS_SWEEP_GRACE_SECONDS)
    items = FeedItem.objects.filter(matched_at__isnull=True, created_at__lt=before)
    reviews = ExternalReview.objects.filter(matched_at__isnull=True, updated_at__lt=before)
    unprocessed = FeedItem.objects.filter(
        processed_at__isnull=True, created_at__lt=before, source__snapshots__isnull=False
    ).distinct()
    return Pending(
        items_to_match=list(items.values_list("pk", flat=True)[:limit]),
        reviews_to_match=list(reviews.values_list("pk", flat=True)[:limit]),
        items_to_process=list(unprocessed.values_list("pk", flat=True)[:limit]),
    )


def _next_poll(feed: Feed, *, failures: int, now) -> timezone.datetime:
    minutes = feed.poll_interval_minutes * (2 ** min(failures, 6))
    # Jitter spreads feeds configured together so that they do not all fall due on the same beat.
    minutes = min(minutes, 24 * 60) * random.uniform(1.0, 1.1)
    return now + timedelta(minutes=minutes)


def feed_record_failure(*, feed_id: int, error: str, status: int | None = None) -> None:
    """Record a failed poll on the feed and back its schedule off (doubling per failure, up to a day)."""
    now = timezone.now()
    with transaction.atomic():
        feed = Feed.objects.select_for_update().get(pk=feed_id)
        feed.consecutive_failures += 1
        feed.last_error = error[:2000]
        feed.last_status = status
        feed.last_polled_at = now
        feed.next_poll_at = _next_poll(feed, failures=feed.consecutive_failures, now=now)
        feed.save(
            update_fields=[
                "consecutive_failures",
                "last_error",
                "last_status",
                "last_polled_at",
                "next_poll_at",
                "updated_at",
            ]
        )
    logger.warning("feed %s poll failed: %s", feed_id, error)


def _entries(feed: Feed, response: HttpResponse) -> tuple[list[Entry], list]:
    base_url = response.final_url or feed.url
    if feed.kind == Feed.Kind.SITEMAP:
        return parse_sitemap(response.body), []
    if feed.kind == Feed.Kind.CLAIMREVIEW_PAGE:
        reviews = extract(response.body, base_url=base_url, content_type=response.content_type)
        entries = [
            Entry(guid=r.url, url=r.url, title=r.title or r.claim_reviewed, published_at=None)
            for r in reviews
        ]
        return entries, reviews
    return parse_feed(response.body, base_url=base_url), []


def _insert_item(feed: Feed, entry: Entry) -> FeedItem | None:
    # A ClaimReview page's items are the reviews themselves: matched as "checked elsewhere", never a
    # second time as follow-up reports, so there is nothing left to match.
    nothing_to_match = timezone.now() if feed.kind == Feed.Kind.CLAIMREVIEW_PAGE else None
    try:
        with transaction.atomic():
            return FeedItem.objects.create(
                feed=feed,
                guid=entry.guid,
                url=entry.url,
                title=entry.title,
                summary=entry.summary,
                published_at=entry.published_at,
                matched_at=nothing_to_match,
            )
    except IntegrityError:
        return None  # Recorded by a concurrent poll of the same feed: detected once all the same.


def _record_items(feed: Feed, entries: list[Entry], *, pull: bool) -> tuple[list[FeedItem], list[int], bool]:
    """Record the entries not seen before (at most a batch); return items, sources to pull, backlog left."""
    known = set(
        FeedItem.objects.filter(feed=feed, guid__in=[e.guid for e in entries]).values_list("guid", flat=True)
    )
    fresh = [e for e in entries if e.guid not in known]
    backlog = len(fresh) > settings.FEEDS_MAX_NEW_ITEMS_PER_POLL
    fresh = fresh[: settings.FEEDS_MAX_NEW_ITEMS_PER_POLL]
    items, sources = [], []
    for entry in fresh:
        item = _insert_item(feed, entry)
        if item is None:
            continue
        source = interim.source_for_url(entry.url) if pull else None
        if source is not None:
            item.source = source
            item.save(update_fields=["source", "updated_at"])
            sources.append(source.pk)
        items.append(item)
    return items, sources, backlog


def feed_poll(*, feed_id: int) -> PollOutcome:
    """Poll one feed: conditional GET, record new items once, store ClaimReviews of a ClaimReview page.

    Raises FetchFailed only for transient errors (the caller retries, then calls feed_record_failure).
    """
    feed = Feed.objects.get(pk=feed_id)
    if not feed.enabled:
        return PollOutcome(error="disabled")
    try:
        response = interim.http_get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FetchFailed as exc:
        if exc.transient:
            raise
        feed_record_failure(feed_id=feed_id, error=str(exc))
        return PollOutcome(error=str(exc))
    outcome = PollOutcome(status=response.status)
    now = timezone.now()
    if response.status == 304:
        Feed.objects.filter(pk=feed_id).update(
            last_polled_at=now,
            last_status=304,
            last_error="",
            consecutive_failures=0,
            next_poll_at=_next_poll(feed, failures=0, now=now),
        )
        return outcome
    try:
        entries, reviews = _entries(feed, response)
    except FeedParseError as exc:
        feed_record_failure(feed_id=feed_id, error=exc.message, status=response.status)
        outcome.error = exc.message
        return outcome
    with transaction.atomic():
        items, outcome.pull_sources, backlog = _record_items(
            feed, entries, pull=feed.kind != Feed.Kind.CLAIMREVIEW_PAGE
        )
        # More new entries than one poll takes (a large sitemap added): keep no validators, so that
        # the next poll reads the document again and takes the next batch instead of getting a 304.
        by_url = {item.url: item for item in items}
        for data in reviews:
            item = by_url.get(data.url) or FeedItem.objects.filter(feed=feed, guid=data.url).first()
            result = external_review_upsert(data=data, origin="feed", feed_item=item)
            if result.changed:
                outcome.reviews.append(result.review.pk)
        Feed.objects.filter(pk=feed_id).update(
            etag="" if backlog else response.etag[:512],
            last_modified="" if backlog else response.last_modified[:128],
            last_polled_at=now,
            last_status=response.status,
            last_error="",
            consecutive_failures=0,
            next_poll_at=_next_poll(feed, failures=0, now=now),
        )
    outcome.new_items = [item.pk for item in items]
    outcome.follow_ups = [item.pk for item in items if item.matched_at is None]
    return outcome
