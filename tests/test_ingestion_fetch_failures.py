"""An article whose page cannot be fetched: it ends "failed" with a plain reason, and can be retried."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from claims.errors import InvalidInput, NotPermitted
from claims.ingestion import Submission, article_retry, run_analysis, submit_article
from claims.models import Article
from factcheck.celery import app as celery_app
from sources import pulling
from sources.models import Source
from tests.factories import ArticleFactory, EditorFactory, ReviewerFactory, SourceFactory
from tests.workers import start_web_worker, stop_worker, wait_until

PAGE = "<html><head><title>Bridge</title></head><body><article><p>{}</p></article></body></html>"
STORY = "The council approved a budget of 48 million euros for the harbour bridge on Thursday evening."


def submit_url(url: str) -> Article:
    article = submit_article(submission=Submission(url=url), run_now=True)
    article.refresh_from_db()
    return article


@pytest.mark.django_db
def test_without_a_worker_an_unresolvable_host_fails_the_article_at_once_with_a_plain_reason(fetch_settings):
    article = submit_url("http://nonexistent.invalid/story")
    assert article.analysis_state == Article.AnalysisState.FAILED
    assert article.analysis_error.startswith("The site's name could not be found")
    assert "Errno" not in article.analysis_error and "celery -A factcheck worker -B" in article.analysis_error
    assert article.source.state == Source.State.RETRYING


@pytest.mark.django_db
def test_a_redirect_loop_fails_the_article(web):
    web.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    web.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    article = submit_url(web.url_for("/a"))
    assert article.analysis_state == Article.AnalysisState.FAILED
    assert article.analysis_error == "The page redirects in a loop or too many times."


@pytest.mark.django_db
def test_the_last_failed_retry_ends_the_waiting_article_as_failed(web, django_capture_on_commit_callbacks):
    web.expect_request("/story").respond_with_data("", status=503)
    source = SourceFactory(url=web.url_for("/story"), domain="127.0.0.1", state=Source.State.RETRYING)
    article = ArticleFactory(source=source, snapshot=None, analysis_state=Article.AnalysisState.FETCHING)
    with override_settings(SOURCES_PULL_MAX_RETRIES=2), django_capture_on_commit_callbacks(execute=True):
        assert pulling.source_pull(source_id=source.pk, attempt=2) == Source.State.FAILED
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.FAILED
    assert article.analysis_error == "The site had an internal error (HTTP 503)."


@pytest.mark.django_db
def test_analysing_again_does_not_restart_a_retry_that_is_scheduled(web):
    web.expect_request("/story").respond_with_data(PAGE.format(STORY), content_type="text/html")
    retry_at = timezone.now() + timedelta(minutes=5)
    source = SourceFactory(
        url=web.url_for("/story"),
        domain="127.0.0.1",
        state=Source.State.RETRYING,
        failure=Source.Failure.TIMEOUT,
        next_pull_at=retry_at,
    )
    article = ArticleFactory(source=source, snapshot=None, analysis_state=Article.AnalysisState.FETCHING)
    celery_app.conf.task_always_eager = False  # as with a worker: the scheduled retry will run
    try:
        run_analysis(article_id=article.pk)  # what the stale-analysis sweeper does
    finally:
        celery_app.conf.task_always_eager = True
    article.refresh_from_db()
    assert web.log == []
    assert article.analysis_state == Article.AnalysisState.FETCHING
    assert article.analysis_error.startswith(
        "The page could not be fetched yet: The site did not answer in time."
    )
    assert "Retrying at" in article.analysis_error


@pytest.mark.django_db
def test_an_editor_retries_a_failed_article_and_it_is_fetched_afresh(web, django_capture_on_commit_callbacks):
    web.expect_request("/story").respond_with_data("", status=503)
    article = submit_url(web.url_for("/story"))
    assert article.analysis_state == Article.AnalysisState.FAILED
    web.clear()
    web.expect_request("/story").respond_with_data(PAGE.format(STORY), content_type="text/html")
    with django_capture_on_commit_callbacks(execute=True):
        article_retry(article_id=article.pk, actor=EditorFactory())
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.DONE, article.analysis_error
    assert article.claims.filter(text__contains="48 million euros").exists()


@pytest.mark.django_db
def test_only_an_editor_may_retry_and_only_a_failed_analysis(web):
    web.expect_request("/story").respond_with_data(PAGE.format(STORY), content_type="text/html")
    article = submit_url(web.url_for("/story"))
    with pytest.raises(NotPermitted):
        article_retry(article_id=article.pk, actor=ReviewerFactory())
    with pytest.raises(InvalidInput, match="Only a failed analysis can be retried; this one is Done"):
        article_retry(article_id=article.pk, actor=EditorFactory())


@pytest.mark.services
def test_with_a_worker_the_article_waits_for_the_retries_then_fails(transactional_db, web, queue, tmp_path):
    worker = start_web_worker(
        queue, web, tmp_path / "worker.log", SOURCES_PULL_MAX_RETRIES="1", SOURCES_RETRY_BASE_DELAY="3"
    )
    log = lambda: (tmp_path / "worker.log").read_text()[-3000:]  # noqa: E731
    try:
        article = submit_article(submission=Submission(url="http://nonexistent.invalid/story"))

        def state():
            return Article.objects.values_list("analysis_state", "analysis_error").get(pk=article.pk)

        wait_until(lambda: state()[0] == Article.AnalysisState.FETCHING and state()[1], 30, log)
        assert state()[1].startswith("The page could not be fetched yet: The site's name could not be found")
        wait_until(lambda: state()[0] == Article.AnalysisState.FAILED, 30, log)
    finally:
        stop_worker(worker)
    assert state()[1].startswith("The site's name could not be found") and "worker" not in state()[1]
    assert Source.objects.get(pk=article.source_id).state == Source.State.FAILED
