"""Failures in the admin: a failed article or source says so in plain words and offers a retry."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.ingestion import Submission, submit_article
from claims.models import Article
from sources import failures
from sources.models import Source
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SourceFactory,
    claim_in_status,
)

pytestmark = pytest.mark.django_db

PAGE = "<html><head><title>Bridge</title></head><body><article><p>{}</p></article></body></html>"
STORY = "The council approved a budget of 48 million euros for the harbour bridge on Thursday evening."


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def failed_article(web) -> Article:
    web.expect_request("/story").respond_with_data("", status=503)
    article = submit_article(submission=Submission(url=web.url_for("/story")), run_now=True)
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.FAILED
    return article


def test_a_failed_article_shows_the_plain_reason_a_retry_button_and_the_detail_apart(editor_client, web):
    article = failed_article(web)
    body = editor_client.get(reverse("admin:claims_article_change", args=[article.pk])).content.decode()
    panel = body[body.index('id="fc-analysis"') :]
    assert "Analysis: Failed" in panel and "The site had an internal error (HTTP 503)." in panel
    assert f'action="{reverse("admin:claims_article_retry", args=[article.pk])}"' in panel
    assert "<summary>Technical detail</summary><code>HTTP 503 for http://127.0.0.1" in panel
    assert "Failed (retrying at" in panel  # its source


def test_a_reviewer_sees_the_failure_but_no_retry_and_may_not_post_one(client, web):
    article = failed_article(web)
    client.force_login(ReviewerFactory())
    body = client.get(reverse("admin:claims_article_change", args=[article.pk])).content.decode()
    assert "The site had an internal error" in body and "fc-retry-article" not in body
    assert client.post(reverse("admin:claims_article_retry", args=[article.pk])).status_code == 403
    assert Article.objects.get(pk=article.pk).analysis_state == Article.AnalysisState.FAILED


def test_retry_fetches_the_page_again_and_the_article_is_analysed(
    editor_client, web, django_capture_on_commit_callbacks
):
    article = failed_article(web)
    web.clear()
    web.expect_request("/story").respond_with_data(PAGE.format(STORY), content_type="text/html")
    retry = reverse("admin:claims_article_retry", args=[article.pk])
    assert editor_client.get(retry).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(retry)
    page = editor_client.get(response["Location"]).content.decode()
    assert "Retried: the analysis is" in page and 'id="fc-analysis"' not in page
    article.refresh_from_db()
    assert article.analysis_state == Article.AnalysisState.DONE and article.claims.exists()


def test_a_running_analysis_shows_its_steps_and_answers_its_state_as_json(editor_client):
    source = SourceFactory(state=Source.State.PENDING)
    article = ArticleFactory(source=source, snapshot=None, analysis_state=Article.AnalysisState.FETCHING)
    body = editor_client.get(reverse("admin:claims_article_change", args=[article.pk])).content.decode()
    poll = reverse("admin:claims_article_analysis", args=[article.pk])
    assert f'data-fc-poll="{poll}" data-fc-state="fetching"' in body
    steps = body[body.index('<ol class="fc-steps">') :]
    assert steps.index('"fc-step-done">Queued') < steps.index('"fc-step-current">Fetching the page')
    assert '"fc-step-todo">Finding claims' in steps and "fc-retry-article" not in body
    assert editor_client.get(poll).json() == {"state": "fetching", "label": "Fetching"}


def test_a_retrying_source_shows_when_and_why_with_retry_now_and_the_worker_note(client, web):
    web.expect_request("/page").respond_with_data("", status=503)
    source = SourceFactory(url=web.url_for("/page"), domain="127.0.0.1")
    Source.objects.filter(pk=source.pk).update(
        state=Source.State.RETRYING,
        failure=Source.Failure.DNS,
        last_error="cannot resolve host 'x': [Errno -2] Name or service not known",
        next_pull_at=timezone.now() + timedelta(minutes=3),
    )
    source.refresh_from_db()
    client.force_login(EditorFactory())
    change = client.get(reverse("admin:sources_source_change", args=[source.pk])).content.decode()
    box = change[change.index('id="fc-source-failure"') :]
    assert box.startswith(f'id="fc-source-failure">\n  <p><strong>{failures.state_text(source)}</strong>')
    assert "The site&#x27;s name could not be found" in box and 'id="fc-retry-source"' in box
    assert "celery -A factcheck worker -B" in change  # tests run without a worker, as `make run` does
    listing = client.get(reverse("admin:sources_source_changelist")).content.decode()
    assert failures.state_text(source) in listing and 'title="cannot resolve host' in listing


@pytest.mark.django_db(transaction=True)  # committed, the pull runs in the request as with `make run`
def test_retry_now_pulls_the_source_and_says_how_it_went(client, web):
    web.expect_request("/page").respond_with_data("", status=403)
    source = SourceFactory(url=web.url_for("/page"), domain="127.0.0.1", state=Source.State.FAILED)
    retry = reverse("admin:sources_source_retry", args=[source.pk])
    client.force_login(ReviewerFactory())
    assert client.post(retry).status_code == 403
    client.force_login(EditorFactory())
    response = client.post(retry, follow=True)
    assert (
        "Still failing: Failed. The site refused to serve the page (HTTP 403)." in response.content.decode()
    )
    assert [r.path for r, _ in web.log].count("/page") == 1


def test_evidence_whose_source_failed_says_why_and_leads_to_the_retry(client):
    reviewer = ReviewerFactory()
    claim = claim_in_status("researching", reviewer=reviewer)
    source = SourceFactory(
        state=Source.State.FAILED,
        failure=Source.Failure.REDIRECTS,
        last_error="more than 5 redirects starting at https://news.example.org/loop",
    )
    EvidenceFactory(claim=claim, source=source, snapshot=None)
    client.force_login(reviewer)
    body = client.get(reverse("admin:claims_claim_research", args=[claim.pk])).content.decode()
    item = body[body.index('class="fc-evidence"') :]
    item = item[: item.index("</li>")]
    assert '<span class="fc-pull-state">source Failed</span>' in item
    assert "The page redirects in a loop or too many times." in item and "not archived<" in item
    assert reverse("admin:sources_source_change", args=[source.pk]) in item
    assert 'title="more than 5 redirects' in item and "being archived" not in item
