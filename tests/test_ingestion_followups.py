from datetime import timedelta

import pytest
from django.utils import timezone

from claims.ingestion import Submission, stale_article_ids, submit_article
from claims.models import Article, Claim
from claims.tasks import requeue_stale_articles
from sources import pulling
from sources.models import Source
from sources.services import source_for_url
from tests.factories import EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db

PAGE = (
    "<html><head><title>Report</title></head><body><article><h1>Report</h1><p>{}</p></article></body></html>"
)


def pull(source: Source) -> str:
    Source.objects.filter(pk=source.pk).update(next_pull_at=timezone.now(), lease_until=None)
    return pulling.source_pull(source_id=source.pk)


def test_a_published_claim_is_flagged_when_its_cited_source_changes(web, django_capture_on_commit_callbacks):
    web.expect_request("/report").respond_with_data(
        PAGE.format("Exports rose 5 percent in 2024."), content_type="text/html"
    )
    source = source_for_url(web.url_for("/report"))
    pull(source)
    claim = claim_in_status(Claim.Status.PUBLISHED, cited_sources=[source])
    web.clear()
    web.expect_request("/report").respond_with_data(
        PAGE.format("Exports fell 2 percent in 2024."), content_type="text/html"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(source) == "changed"
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEEDS_UPDATE
    assert source.url in claim.events.last().comment


def test_a_published_claim_is_flagged_when_its_cited_source_is_gone(web, django_capture_on_commit_callbacks):
    web.expect_request("/report").respond_with_data("gone", status=410)
    source = source_for_url(web.url_for("/report"))
    claim = claim_in_status(Claim.Status.PUBLISHED, cited_sources=[source])
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(source) == "gone"
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEEDS_UPDATE


def test_claims_in_progress_are_not_flagged_when_a_cited_source_changes(
    web, django_capture_on_commit_callbacks
):
    web.expect_request("/report").respond_with_data(
        PAGE.format("Exports rose 5 percent."), content_type="text/html"
    )
    source = source_for_url(web.url_for("/report"))
    pull(source)
    claim = claim_in_status(Claim.Status.OPEN, cited_sources=[source])
    web.clear()
    web.expect_request("/report").respond_with_data(
        PAGE.format("Exports fell 2 percent."), content_type="text/html"
    )
    with django_capture_on_commit_callbacks(execute=True):
        pull(source)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


def test_a_stealth_edit_of_an_article_page_is_found_when_the_page_is_pulled_again(
    web, django_capture_on_commit_callbacks
):
    web.expect_request("/story").respond_with_data(
        PAGE.format("The ministry said unemployment fell to 3.9 percent in March."), content_type="text/html"
    )
    with django_capture_on_commit_callbacks(execute=True):
        article = submit_article(submission=Submission(url=web.url_for("/story")), run_now=True)
    claim = article.claims.get()
    web.clear()
    web.expect_request("/story").respond_with_data(
        PAGE.format("The ministry said unemployment fell to 4.9 percent in March."), content_type="text/html"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(article.source) == "changed"
    claim.refresh_from_db()
    assert claim.in_article == Claim.InArticle.CHANGED
    assert article.claims.filter(text__contains="4.9 percent").exists()


def test_assigning_a_claim_watches_its_cited_sources(django_capture_on_commit_callbacks):
    source = source_for_url("https://stats.example/report")
    with django_capture_on_commit_callbacks(execute=True):
        claim_in_status(
            Claim.Status.RESEARCHING,
            cited_sources=[source],
            editor=EditorFactory(),
            reviewer=ReviewerFactory(),
        )
    source.refresh_from_db()
    assert source.watch_until > timezone.now() + timedelta(days=7)


def test_an_analysis_stuck_in_a_pending_state_is_queued_again():
    article = submit_article(submission=Submission(text="Exports rose 5 percent in 2024, the ministry said."))
    assert article.analysis_state == Article.AnalysisState.QUEUED  # its task never ran (no commit here)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert stale_article_ids() == [article.pk]
    assert stale_article_ids() == []  # the lease was renewed: not queued twice
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert requeue_stale_articles() == 1
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.DONE
    assert article.claims.exists()
