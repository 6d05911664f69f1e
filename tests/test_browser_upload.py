"""An article pasted into the admin without a URL, seen in headless Chromium on its public check page: it is
named by the URL and site its page declares, never by the ``urn:sha256:`` identity it is stored under."""

import pytest
from django.test import override_settings

from claims.models import Article, Claim, Verdict
from tests import admin_fixtures as fx
from tests import browser
from tests.browser import log_in
from tests.factories import EditorFactory

chromium, new_page, shots = browser.chromium, browser.new_page, browser.shots  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PAGE = (
    "<html lang='en'><head><title>Jobs report</title>"
    '<link rel="canonical" href="https://daily.example/economy/jobs-report">'
    '<meta property="og:site_name" content="The Daily Example"></head>'
    "<body><article><h1>Jobs report</h1>"
    "<p>Unemployment fell to 3.5% in May, the ministry said on Tuesday.</p>"
    "<p>The number of jobless people dropped by 120,000 compared with April, according to the office.</p>"
    "<p>Wages rose by 4.2% over the year, the fastest pace since 2008.</p>"
    "</article></body></html>"
)


@override_settings(FACTCHECK_ORG_NAME="Desk", FACTCHECK_ORG_URL="https://desk.example/")
def test_a_pasted_page_is_published_under_the_url_and_site_it_declares(new_page, shots):
    editor = EditorFactory(username="ed", password=PASSWORD)
    page = new_page()
    log_in(page, "ed", PASSWORD)
    page.goto("/admin/claims/article/add/")
    page.fill("#id_html", PAGE)
    shots(page, "paste-html")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/claims/article/*/change/")
    shots(page, "article-analysed")

    article = Article.objects.get()
    assert article.source.url.startswith("urn:sha256:")  # stored under its content's identity
    claim = article.claims.order_by("span_start").first()
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.PUBLISHED)
    verdict = Verdict.objects.create(
        claim=claim,
        rating=fx.rating("False"),  # a transactional test may run after the migrated scale was flushed
        summary="It fell to 3.9%.",
        author=editor,
        approver=EditorFactory(username="ed2"),
        state=Verdict.State.PUBLISHED,
        published_at=article.created_at,
    )

    page.goto(f"/checks/{verdict.pk}/")
    link = page.locator("a[rel~=nofollow]", has_text="Jobs report")
    assert link.get_attribute("href") == "https://daily.example/economy/jobs-report"
    assert "(The Daily Example)" in page.inner_text("main")
    assert "urn:" not in page.content()
    shots(page, "public-check")
