"""Where feeds meet the sources pipeline: a feed item's page pulled (new content) -> process the item.

Called by the ``snapshot_changed`` receiver of ``claims/receivers.py`` when a feed item refers to the
source (one query there decides which kinds of rows refer to it).
"""

from factcheck.queueing import enqueue_on_commit


def on_snapshot_changed(*, source_id: int, new_snapshot_id: int | None = None) -> None:
    """Queue processing of the feed items whose page is this source (no-op for other sources)."""
    from claims.feeds.tasks import process_feed_item
    from claims.models_feeds import FeedItem

    item_ids = list(FeedItem.objects.filter(source_id=source_id).values_list("pk", flat=True))
    for item_id in item_ids:
        enqueue_on_commit(process_feed_item, item_id, new_snapshot_id)
