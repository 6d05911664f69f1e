"""How claims react to what the sources pipeline and the workflow announce (connected in ClaimsConfig.ready).

Receivers are thin: they find the affected rows and queue a task or call a service, each in its own
transaction (the signals are sent after the sender's commit).
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from claims import ingestion, services, signals, workflow
from claims.errors import DomainError
from claims.models import Article, Claim, Evidence
from factcheck.prepared import prepared_cursor
from factcheck.queueing import enqueue_on_commit
from sources.models import Source
from sources.services import watch_sources
from sources.signals import snapshot_changed, source_failed, source_gone

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

    One query first finds which of them refer to the source at all (a query per kind of watcher, built
    by the ORM, cost every pull and every ingestion about 3 ms of CPU, mostly for nothing); it is
    prepared, since planning its eight EXISTS took PostgreSQL 0.9 ms each time (0.1 ms prepared). Evidence
    suggestions are queued only for a source that claims still under work cite: a claim citing it later
    gets its suggestions at the next pull, as it would have if it had started citing it a moment later.
    """
    editable, published = workflow.EVIDENCE_EDITABLE_STATUSES, [Claim.Status.PUBLISHED]
    params = [source_id, new_snapshot_id, Article.AnalysisState.QUEUED, source_id]
    for statuses in (editable, published):
        params += [source_id, *statuses] * 2
    with prepared_cursor() as cursor:
        cursor.execute(_watchers_sql(len(editable)), params)
        articles, feed_items, open_claims, published_claims = cursor.fetchone()
    if articles:
        reanalyse_changed_article(sender, source_id=source_id, new_snapshot_id=new_snapshot_id)
    if feed_items:
        from claims.feeds.pipeline import on_snapshot_changed

        on_snapshot_changed(source_id=source_id, new_snapshot_id=new_snapshot_id)
    if published_claims:
        flag_claims_whose_cited_source_changed(
            sender, source_id=source_id, old_snapshot_id=old_snapshot_id, new_snapshot_id=new_snapshot_id
        )
    if open_claims:
        from claims.tasks import suggest_evidence

        # Only claims whose evidence may still change get suggestions (see claims_for_source).
        enqueue_on_commit(suggest_evidence, source_id)


@functools.cache
def _watchers_sql(editable_statuses: int) -> str:
    """Which kinds of rows refer to a source, as SQL written once (the ORM spent ~2 ms building it):
    articles to re-analyse (``_articles_to_reanalyse``'s test), feed items, claims whose evidence may
    change (``claims_for_source``'s test) and published claims, citing it or holding it as evidence."""
    from claims.models_feeds import FeedItem

    quote = connection.ops.quote_name

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    def refers(model, where: str = "", join: str = "") -> str:
        table = quote(model._meta.db_table)
        source = f"{table}.{column(model, 'source')}"
        return f"EXISTS (SELECT 1 FROM {table}{join} WHERE {source} = %s{where})"  # noqa: S608

    def claims_citing(statuses: int) -> str:
        claim_table, marks = quote(Claim._meta.db_table), ", ".join(["%s"] * statuses)
        claim_pk = f"{claim_table}.{quote(Claim._meta.pk.column)}"
        status = f" AND {claim_table}.{column(Claim, 'status')} IN ({marks})"
        links = []
        for model in (Claim.cited_sources.through, Evidence):
            on = f"{claim_pk} = {quote(model._meta.db_table)}.{column(model, 'claim')}"
            links.append(refers(model, status, f" JOIN {claim_table} ON {on}"))
        return f"({' OR '.join(links)})"

    snapshot, state = column(Article, "snapshot"), column(Article, "analysis_state")
    parts = [
        refers(Article, f" AND ({snapshot} IS NULL OR {snapshot} <> %s) AND {state} <> %s"),
        refers(FeedItem),
        claims_citing(editable_statuses),
        claims_citing(1),
    ]
    # Only quoted names from the models go into the text; every value is a bound parameter.
    return "SELECT " + ", ".join(parts)


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


@receiver(source_failed, dispatch_uid="claims.fail_articles_waiting_for_source")
def fail_articles_waiting_for_source(sender, source_id, **kwargs):
    """A page's pull failed for good: the articles waiting for it end as failed, with the reason."""
    ingestion.articles_fail_fetch(source_id=source_id)


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
