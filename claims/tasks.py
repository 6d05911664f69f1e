"""Celery tasks of the claims app: thin wrappers that take ids and call a service."""

from celery import shared_task

from claims import ingestion
from claims.feeds import tasks as feeds_tasks  # noqa: F401 - registers the feeds tasks (autodiscovery)


@shared_task(name="claims.analyse_article", ignore_result=True)
def analyse_article(article_id: int, pull: bool = True) -> str:
    """Fetch (for a URL, unless ``pull`` is off) and analyse an article; failures are recorded on it."""
    return ingestion.run_analysis(article_id=article_id, pull=pull).analysis_state


@shared_task(name="claims.requeue_stale_articles", ignore_result=True)
def requeue_stale_articles() -> int:
    """Queue the analysis of articles stuck in a pending state (run by beat); return how many."""
    article_ids = ingestion.stale_article_ids()
    for article_id in article_ids:
        analyse_article.delay(article_id)
    return len(article_ids)


@shared_task(name="claims.match_claim", ignore_result=True)
def match_claim(claim_id: int) -> int:
    """Store the suggested matches of a new claim against the claims in the system; return how many."""
    from claims import similar

    return len(similar.match_claim(claim_id=claim_id))


@shared_task(name="claims.match_claims", ignore_result=True)
def match_claims(claim_ids: list[int]) -> int:
    """``match_claim`` for the claims detected in one article: one message rather than one per claim."""
    from claims import similar

    return sum(len(similar.match_claim(claim_id=claim_id)) for claim_id in claim_ids)


@shared_task(name="claims.suggest_evidence", ignore_result=True)
def suggest_evidence(source_id: int) -> int:
    """Attach the best passages of a pulled source to the claims citing it; return how many were added."""
    from claims import evidence_suggestions

    return evidence_suggestions.suggest_for_source(source_id=source_id)
