"""The claims list on a 1366 x 768 laptop screen: every column in view, no sideways scrolling."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Claim, Verdict
from tests import browser
from tests.browser import log_in
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    EditorFactory,
    RatingFactory,
    ReviewerFactory,
)

chromium, shots = browser.chromium, browser.shots  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
WIDTH, HEIGHT = 1366, 768
LONG_CLAIM = (
    "The minister said that unemployment among people under twenty-five fell by more than a third in the "
    "eighteen months since the reform, to its lowest level since records began in 1971, while wages rose."
)


def _newsroom():
    editor = EditorFactory(username="ed", password=PASSWORD)
    reviewer = ReviewerFactory(username="alexandra.konstantinopoulou", first_name="Alexandra")
    rating = RatingFactory(slug="mostly-false")
    article = ArticleFactory(
        title="Youth unemployment at a fifty-year low, ministry says in its quarterly labour market review"
    )
    claimant = ClaimantFactory(name="Dr. Maximilian Oberhausen-Wittgenstein, Minister for Work and Pensions")
    today = timezone.localdate()
    for i, status in enumerate(
        [Claim.Status.RESEARCHING, Claim.Status.IN_REVIEW, Claim.Status.OPEN, Claim.Status.PUBLISHED] * 3
    ):
        claim = ClaimFactory(
            text=f"{LONG_CLAIM} ({i})",
            article=article,
            claimant=claimant,
            status=status,
            assignee=reviewer,
            due_date=today + timedelta(days=i - 4),
            checkworthiness=0.5 + i / 40,
        )
        if status == Claim.Status.PUBLISHED:
            Verdict.objects.create(
                claim=claim,
                rating=rating,
                summary="Not so.",
                author=reviewer,
                state=Verdict.State.PUBLISHED,
                published_at=timezone.now(),
            )
    return editor


def _right_edge(page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box["x"] + box["width"]


def _fits(page, url: str, shots, name: str) -> None:
    page.goto(url)
    shots(page, name)
    for column in ("assignee_name", "due", "rating"):
        assert _right_edge(page, f"#result_list th.column-{column}") <= WIDTH, (name, column)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
    # The table scrolls inside its own box (overflow-x: auto) rather than the page's: that must not either.
    results = page.locator("#changelist-form .results")
    assert results.evaluate("box => box.scrollWidth - box.clientWidth") == 0, name


def test_claims_list_fits_a_1366_pixel_window_with_assignee_due_date_and_rating_in_view(
    chromium, live_server, shots
):
    _newsroom()
    context = chromium.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    log_in(page, "ed", PASSWORD)

    _fits(page, "/admin/claims/claim/", shots, "claims-list")
    first = page.locator("#result_list tbody tr").first.locator("th.field-claim_text [title]")
    assert first.get_attribute("title").startswith(LONG_CLAIM)  # the whole text, clipped in the cell
    statuses = page.locator("#result_list tbody td.field-status_badge").all_inner_texts()
    assert statuses == ["Open"] * 3 + ["Researching"] * 3 + ["In review"] * 3 + ["Published"] * 3
    # The in-review list has one more column, the link to each claim's adjudicate page.
    _fits(page, "/admin/claims/claim/?status__exact=in_review", shots, "in-review-list")
    assert page.locator("#result_list td.field-adjudicate_link a").count() == 3
    context.close()
