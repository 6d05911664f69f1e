"""Failures seen in headless Chromium: an article whose page cannot be fetched, its failed source, and
an analysis followed while it runs. A screenshot per step."""

import re

import pytest

from claims.models import Article
from sources.models import Source
from tests import browser
from tests.browser import log_in
from tests.factories import ArticleFactory, EditorFactory, SourceFactory

chromium, new_page, shots = browser.chromium, browser.new_page, browser.shots  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
DNS_REASON = "The site's name could not be found: check the address for a typo; the site may no longer exist."


def test_an_article_whose_host_cannot_be_resolved_fails_plainly_and_its_source_says_when_it_retries(
    new_page, shots
):
    EditorFactory(username="ed", password=PASSWORD)
    page = new_page()
    log_in(page, "ed", PASSWORD)
    page.goto("/admin/claims/article/add/")
    page.wait_for_selector("#id_published_at_0 + .datetimeshortcuts")  # the admin's date picker
    page.fill("#id_url", "http://nonexistent.invalid/story")
    shots(page, "add-article-by-url")
    page.click("input[type=submit]")

    page.wait_for_selector("#fc-analysis")
    panel = page.inner_text("#fc-analysis")
    assert "Analysis: Failed" in panel and DNS_REASON in panel
    assert "Errno" not in panel  # the raw error is folded away under "Technical detail"
    assert page.is_visible("#fc-retry-article") and not page.is_visible("#fc-analysis details code")
    page.click("#fc-analysis details summary")
    assert "Name or service not known" in page.inner_text("#fc-analysis details code")
    shots(page, "article-failed-with-retry")

    page.click("#fc-retry-article")
    assert "Retried, and it failed again: " + DNS_REASON in page.inner_text(".messagelist")
    shots(page, "article-retried")

    page.click("#fc-analysis a[href*='/admin/sources/source/']")
    box = page.inner_text("#fc-source-failure")
    assert re.match(r"Failed \(retrying at \d\d:\d\d\): The site's name could not be found", box), box
    assert page.is_visible("#fc-retry-source")
    assert "celery -A factcheck worker -B" in page.inner_text(".fc-worker-note")
    shots(page, "source-failed-retrying")

    page.goto("/admin/sources/source/")
    row = page.inner_text("#result_list tbody tr")
    assert "nonexistent.invalid" in row and "Failed (retrying at" in row
    shots(page, "sources-list")


def test_the_article_page_follows_a_running_analysis_until_it_ends(new_page, shots):
    EditorFactory(username="ed", password=PASSWORD)
    source = SourceFactory(url="https://news.example/slow", state=Source.State.PENDING)
    article = ArticleFactory(source=source, snapshot=None, analysis_state=Article.AnalysisState.FETCHING)
    page = new_page()
    log_in(page, "ed", PASSWORD)
    page.goto(f"/admin/claims/article/{article.pk}/change/")
    assert page.inner_text("#fc-analysis .fc-step-current") == "Fetching the page"
    shots(page, "analysis-fetching")
    Article.objects.filter(pk=article.pk).update(
        analysis_state=Article.AnalysisState.FAILED, analysis_error="The site did not answer in time."
    )
    page.wait_for_function(
        "() => document.querySelector('#fc-analysis h2').textContent === 'Analysis: Failed'", timeout=15_000
    )
    assert "The site did not answer in time." in page.inner_text("#fc-analysis")
    shots(page, "analysis-ended-failed")
