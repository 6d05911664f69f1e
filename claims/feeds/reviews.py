"""Services writing external reviews: upsert by review URL, and extraction from a feed item's pulled page."""

import logging
import zlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.feeds.claimreview_extract import ReviewData, extract
from claims.feeds.errors import FeedParseError
from claims.models_feeds import ExternalReview, FeedItem

logger = logging.getLogger(__name__)


@dataclass
class Upserted:
    review: ExternalReview
    created: bool
    changed: bool


def external_review_upsert(*, data: ReviewData, origin: str, feed_item=None, source=None) -> Upserted:
    """Create or update the ExternalReview with ``data.url``; repeats with the same data change nothing."""
    fields = data.as_fields()
    fields["origin"] = origin
    if feed_item is not None:
        fields["feed_item"] = feed_item
    if source is not None:
        fields["source"] = source
    for _attempt in range(2):
        try:
            with transaction.atomic():
                review = ExternalReview.objects.select_for_update().filter(url=data.url).first()
                if review is None:
                    return Upserted(ExternalReview.objects.create(url=data.url, **fields), True, True)
                # A review found again through another route keeps its first origin and links.
                for keep in ("origin", "feed_item", "source"):
                    if getattr(review, f"{keep}_id" if keep != "origin" else keep):
                        fields.pop(keep, None)
                changed = [name for name, value in fields.items() if getattr(review, name) != value]
                for name in changed:
                    setattr(review, name, fields[name])
                if changed:
                    review.matched_at = None  # a changed review (e.g. its rating) is matched again
                    review.save(update_fields=[*changed, "matched_at", "updated_at"])
                return Upserted(review, False, bool(changed))
        except IntegrityError:
            # Two workers inserted the same URL at once; the second pass finds the winner's row.
            continue
    raise RuntimeError(f"could not upsert external review {data.url}")


def _page_body(snapshot) -> bytes:
    raw = bytes(snapshot.raw_body or b"")
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return raw


def feed_item_process(*, item_id: int, snapshot_id: int | None = None) -> list[int]:
    """Store the ClaimReviews of the item's pulled page; return the ids of new or changed reviews.

    Idempotent: a page processed again updates the same rows. An unreadable page is logged and skipped
    (the item's source keeps its state; the page is not ours to fix).
    """
    item = FeedItem.objects.select_related("source").get(pk=item_id)
    if item.source is None:
        return []
    snapshots = item.source.snapshots.all()
    snapshot = snapshots.filter(pk=snapshot_id).first() if snapshot_id else item.source.latest_snapshot
    if snapshot is None:
        return []
    try:
        found = extract(
            _page_body(snapshot),
            base_url=snapshot.final_url or item.source.url,
            content_type=snapshot.content_type,
        )
    except FeedParseError as exc:
        logger.info("feed item %s: no ClaimReview read from snapshot %s: %s", item_id, snapshot.pk, exc)
        found = []
    touched = []
    for data in found:
        result = external_review_upsert(data=data, origin="feed", feed_item=item, source=item.source)
        if result.changed:
            touched.append(result.review.pk)
    FeedItem.objects.filter(pk=item_id).update(processed_at=timezone.now())
    return touched
