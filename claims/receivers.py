"""How claims react to what the sources pipeline and the workflow announce (connected in ClaimsConfig.ready).

Receivers are thin: they find the affected rows and queue a task or call a service, each in its own
transaction (the signals are sent after the sender's commit).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, Q
from django.dispatch import receiver
from django.utils import timezone

from claims import services, signals
from claims.errors import DomainError
from claims.models import Article, Claim, Evidence
from factcheck.queueing import enqueue_on_commit
from sources.models import Source
from sources.services import watch_sources
from sources.signals import snapshot_changed, source_gone

logger = logging.getLogger(__name__)


def _published_claims_citing(source_id: int):
    return Claim.objects.filter(
        Q(cited_sources=source_id) | Q(evidence__source=source_id), status=Claim.Status.PUBLISHED
    ).distinct()


def _flag(claims, reason: str, data: dict) -> None:
    for claim in claims:
        try:
            services.claim_flag_needs_update(claim=claim, reason=reason, data=data)
        except DomainError as exc:  # raced with another change of status: nothing to flag any more
            logger.info("claim %s not flagged: %s", claim.pk, exc.message)


@receiver(snapshot_changed, dispatch_uid="claims.snapshot_changed")
def react_to_new_snapshot(sender, source_id, old_snapshot_id, new_snapshot_id, **kwargs):
    """A source has new content: tell whatever refers to it (articles, feed items, claims).

    One query first finds which of them refer to the source at all: most pulled pages are cited links
    that nothing but a claim's citation watches, and a query per kind of watcher cost every pull (and
    every ingestion) about 2 ms of CPU for nothing.
    """
    from claims.models_feeds import FeedItem

    watchers = (
        Source.objects.filter(pk=source_id)
        .values_list(
            Exists(_articles_to_reanalyse(source_id, new_snapshot_id)),
            Exists(FeedItem.objects.filter(source_id=source_id)),
            Exists(Claim.cited_sources.through.objects.filter(source_id=source_id)),
            Exists(Evidence.objects.filter(source_id=source_id)),
        )
        .first()
    )
    if watchers is None:
        return
    articles, feed_items, cited, evidence = watchers
    if articles:
        reanalyse_changed_article(sender, source_id=source_id, new_snapshot_id=new_snapshot_id)
    if feed_items:
        from claims.feeds.pipeline import on_snapshot_changed

        on_snapshot_changed(source_id=source_id, new_snapshot_id=new_snapshot_id)
    if cited or evidence:
        flag_claims_whose_cited_source_changed(
            sender, source_id=source_id, old_snapshot_id=old_snapshot_id, new_snapshot_id=new_snapshot_id
        )
        suggest_evidence_from_new_snapshot(sender, source_id=source_id, new_snapshot_id=new_snapshot_id)


def _articles_to_reanalyse(source_id: int, new_snapshot_id: int):
    # An article already queued analyses the source's latest snapshot when its task runs: queueing it
    # again (as a submitted document's own new snapshot did) only ran the analysis twice.
    return (
        Article.objects.filter(source_id=source_id)
        .exclude(snapshot_id=new_snapshot_id)
        .exclude(analysis_state=Article.AnalysisState.QUEUED)
    )


def reanalyse_changed_article(sender, source_id, new_snapshot_id, **kwargs):
    """A new version of an article's page: analyse it (claims of edited sentences get marked)."""
    from claims.tasks import analyse_article

    for article_id in _articles_to_reanalyse(source_id, new_snapshot_id).values_list("pk", flat=True):
        enqueue_on_commit(analyse_article, article_id, pull=False)


def flag_claims_whose_cited_source_changed(sender, source_id, old_snapshot_id, new_snapshot_id, **kwargs):
    if old_snapshot_id is None:
        return  # the first snapshot of a source is not a change
    url = Source.objects.filter(pk=source_id).values_list("url", flat=True).first()
    reason = f"A cited source changed since it was archived: {url}"
    data = {"source_id": source_id, "old_snapshot_id": old_snapshot_id, "new_snapshot_id": new_snapshot_id}
    _flag(_published_claims_citing(source_id), reason, data)


@receiver(source_gone, dispatch_uid="claims.cited_source_gone")
def flag_claims_whose_cited_source_is_gone(sender, source_id, reason, **kwargs):
    url = Source.objects.filter(pk=source_id).values_list("url", flat=True).first()
    _flag(
        _published_claims_citing(source_id),
        f"A cited source is gone ({reason}): {url}",
        {"source_id": source_id},
    )


@receiver(signals.claim_assigned, dispatch_uid="claims.watch_sources_under_review")
def watch_sources_of_claim_under_review(sender, claim_id, **kwargs):
    """Sources of a claim being researched are re-pulled more often, until a while after its due date."""
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return
    ids = set(claim.cited_sources.values_list("pk", flat=True)) | set(
        claim.evidence.values_list("source", flat=True)
    )
    if ids:
        until = timezone.now() + timedelta(days=settings.CLAIMS_WATCH_DAYS)
        watch_sources(ids, until=until)


@receiver(signals.claims_created, dispatch_uid="claims.match_new_claims")
def match_new_claims(sender, claim_ids, **kwargs):
    """Compare every new claim with the claims already in the system (one task per batch of new claims:
    queueing a message per claim cost ingestion more than the rest of its database writes)."""
    from claims.tasks import match_claims

    if claim_ids:
        enqueue_on_commit(match_claims, list(claim_ids))


def suggest_evidence_from_new_snapshot(sender, source_id, new_snapshot_id, **kwargs):
    """A cited source or an evidence URL was pulled: suggest its passages that match the claims."""
    from claims.evidence_suggestions import claims_for_source
    from claims.tasks import suggest_evidence

    # Most pulled pages are cited by no claim whose evidence may change: one query here saves a task
    # (publish, broker round trips, a worker's time) per pull. A claim citing the source later gets its
    # suggestions at the next pull, as it would have if it had started citing it a moment later.
    if claims_for_source(source_id).exists():
        enqueue_on_commit(suggest_evidence, source_id)
