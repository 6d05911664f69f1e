import pytest

from claims.models import Evidence
from tests import admin_fixtures as fx
from tests import browser
from tests.browser import log_in
from tests.factories import ReviewerFactory, SnapshotFactory, SourceFactory, claim_in_status

chromium, new_page, shots = browser.chromium, browser.new_page, browser.shots  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = (
    'Officials said <script>alert("script ran")</script> the figure was 12 percent. '
    "<img src=x onerror=\"alert('onerror ran')\"> Another sentence <svg onload=alert(3)>."
)


def test_script_and_event_handlers_in_fetched_text_do_not_run_on_the_article_page(new_page, shots):
    fx.user("ed", role="editor")
    art = fx.article(
        HOSTILE,
        title='<script>alert("title")</script>',
        links=[{"url": "javascript:alert('link')", "text": "x", "start": 0, "end": 9}],
    )
    fx.claim(art=art, span=(0, 80))
    page = new_page()
    log_in(page, "ed", "pw-12345")
    page.goto(f"/admin/claims/article/{art.pk}/change/")
    page.wait_for_selector("#fc-article-text")
    page.wait_for_timeout(300)
    shots(page, "article-with-hostile-text")
    assert page.dialogs == []
    text = page.inner_text("#fc-article-text")
    assert '<script>alert("script ran")</script>' in text and 'onerror="alert' in text
    assert page.locator("#fc-article-text script, #fc-article-text img, #fc-article-text svg").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0


def test_hostile_evidence_snapshot_text_does_not_run_on_the_research_page(new_page, shots):
    reviewer = ReviewerFactory(username="rv", password="pw-12345")
    claim = claim_in_status("researching", reviewer=reviewer)
    src = SourceFactory(url="https://evil.example.org/page")
    snap = SnapshotFactory(source=src, text=HOSTILE)
    Evidence.objects.create(claim=claim, source=src, snapshot=snap, excerpt_start=0, excerpt_end=40)
    page = new_page()
    log_in(page, "rv", "pw-12345")
    page.goto(f"/admin/claims/claim/{claim.pk}/research/")
    page.click("details summary")
    page.wait_for_timeout(300)
    shots(page, "research-page-with-hostile-evidence")
    assert page.dialogs == []
    assert '<script>alert("script ran")</script>' in page.inner_text("#fc-evidence")
    assert page.locator("#fc-evidence script, #fc-evidence img, #fc-evidence svg").count() == 0
