"""Where feeds meet the sources pipeline: a feed item's page pulled (new content) -> process the item."""

import logging

from factcheck.queueing import enqueue_on_commit

logger = logging.getLogger(__name__)


def on_snapshot_changed(*, source_id: int, new_snapshot_id: int | None = None) -> None:
    """Queue processing of the feed items whose page is this source (no-op for other sources)."""
    from claims.feeds.tasks import process_feed_item
    from claims.models_feeds import FeedItem

    item_ids = list(FeedItem.objects.filter(source_id=source_id).values_list("pk", flat=True))
    for item_id in item_ids:
        enqueue_on_commit(process_feed_item, item_id, new_snapshot_id)


def _receiver(sender, **kwargs) -> None:
    # The sources app names the arguments; accept the spellings it may use (source or source_id, ...).
    source = kwargs.get("source")
    source_id = kwargs.get("source_id") or getattr(source, "pk", None)
    snapshot = kwargs.get("new_snapshot") or kwargs.get("snapshot")
    snapshot_id = kwargs.get("new_snapshot_id") or kwargs.get("snapshot_id") or getattr(snapshot, "pk", None)
    if source_id:
        on_snapshot_changed(source_id=source_id, new_snapshot_id=snapshot_id)


def connect() -> None:
    """Listen to ``sources.signals.snapshot_changed`` when the sources app provides it."""
    try:
        from sources.signals import snapshot_changed
    except ImportError:
        logger.debug("sources.signals.snapshot_changed not available: feed pages processed by the fallback")
        return
    snapshot_changed.connect(_receiver, dispatch_uid="claims.feeds.snapshot_changed")
