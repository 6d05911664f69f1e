"""A claim without a claimant, on a page that cannot be archived, taken to publication in headless Chromium.

The editor is warned at assignment; the reviewer sets the claimant on the research page, adds evidence with
a typed excerpt and a note, proposes; the editor sees the note and the unarchived-evidence warning on the
adjudicate page, must tick the confirmation, and publishes. No page on the way speaks schema.org.
"""

import pytest

from claims.models import Claim, Verdict
from tests import browser
from tests.browser import log_in
from tests.factories import EditorFactory, RatingFactory, ReviewerFactory, claim_in_status

chromium, new_page, shots = browser.chromium, browser.new_page, browser.shots  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
SCHEMA_WORDS = ("itemReviewed", "reviewRating", "claimReviewed", "schema.org")
NOTE = "Paywalled report; typed from the printed edition, page 3."
EXCERPT = "Unemployment stood at 4.2 per cent in March."


def _plain(page) -> str:
    """The page's visible text, checked for schema.org vocabulary an editor should never have to read."""
    page.wait_for_load_state()
    text = page.inner_text("body")
    assert not [word for word in SCHEMA_WORDS if word in text], text
    return text


def _messages(page) -> str:
    """The messages after a form was sent (waiting for the next page), on a page without schema.org words."""
    messages = page.inner_text(".messagelist")
    _plain(page)
    return messages


def test_reviewer_sets_the_claimant_types_an_excerpt_and_the_editor_publishes_knowingly(
    new_page, shots, settings, httpserver
):
    settings.FETCH_ALLOWED_PORTS = ["*"]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/paywalled").respond_with_data("Subscribers only", status=403)
    false = RatingFactory(slug="false")  # a transactional test may have flushed the migrated scale
    editor = EditorFactory(username="ed", password=PASSWORD)
    reviewer = ReviewerFactory(username="rev", password=PASSWORD)
    claim = claim_in_status("open", editor=editor, claimant=None)

    # Assigning a claim without a claimant is allowed, with a warning.
    ed = new_page()
    log_in(ed, "ed", PASSWORD)
    ed.goto("/admin/claims/claim/?status__exact=open")
    ed.check(f"input.action-select[value='{claim.pk}']")
    ed.select_option("select[name=action]", "assign")
    ed.click("button[name=index]")
    ed.select_option("#id_assignee", label="rev")
    ed.click("input[name=apply]")
    messages = _messages(ed)
    assert "Assigned to rev: 1 claim." in messages
    assert f"This claim has no claimant: set one before it can be published (#{claim.pk})." in messages
    shots(ed, "editor-warned-at-assignment")

    # The reviewer sets the claimant (a new one) on the research page.
    rv = new_page()
    log_in(rv, "rev", PASSWORD)
    rv.goto(f"/admin/claims/claim/{claim.pk}/research/")
    assert rv.is_visible("#fc-no-claimant")
    shots(rv, "reviewer-claim-without-claimant")
    rv.fill("#id_claimant-name", "Ana López")
    rv.select_option("#id_claimant-kind", "organization")
    rv.fill("#id_claimant-description", "Lugo city council")
    rv.click("button[name=set_claimant]")
    assert "Claimant set: Ana López." in _messages(rv)
    assert not rv.is_visible("#fc-no-claimant")
    assert "Claimant: Ana López" in rv.inner_text("#fc-claim")

    # Evidence from a page that cannot be archived, with the excerpt typed in and a note.
    rv.fill("#id_url", httpserver.url_for("/paywalled"))
    rv.select_option("#id_stance", "refutes")
    rv.fill("#id_note", NOTE)
    rv.fill("#id_excerpt", EXCERPT)
    rv.click("button[name=add_evidence]")
    assert "Evidence added" in _messages(rv)
    evidence = claim.evidence.get(origin="added")
    item = rv.inner_text(f"#fc-evidence-{evidence.pk}")
    assert "Excerpt typed by the reviewer, not quoted from an archived copy:" in item and EXCERPT in item
    assert (evidence.excerpt, evidence.excerpt_typed) == (EXCERPT, True)
    shots(rv, "reviewer-typed-excerpt")

    rv.select_option("#id_rating", str(false.pk))
    rv.fill("#id_summary", "Unemployment was 4.2 per cent, not 3.9.")
    rv.fill("#id_explanation", "The printed March report gives 4.2 per cent.")
    rv.click("button[name=propose]")
    messages = _messages(rv)
    assert "Verdict proposed for review." in messages and "no claimant" not in messages
    shots(rv, "reviewer-proposed")

    # The editor sees the note and the warning, and publishes only once the confirmation is ticked.
    ed.goto(f"/admin/claims/claim/{claim.pk}/adjudicate/")
    _plain(ed)
    assert f"Reviewer's note: {NOTE}" in ed.inner_text("#fc-evidence")
    assert "The printed March report gives 4.2 per cent." in ed.inner_text("#fc-explanation")
    warning = ed.inner_text("#fc-unarchived-warning")
    assert "1 piece of evidence was never archived." in warning
    assert httpserver.url_for("/paywalled") in warning and "excerpt typed by the reviewer" in warning
    shots(ed, "editor-adjudicate-warning")
    ed.click("input[name=approve]")
    assert "Not published: 1 piece(s) of evidence were never archived" in _messages(ed)
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.IN_REVIEW
    ed.check("#id_confirm_unarchived")
    ed.click("input[name=approve]")
    assert "Verdict approved and published." in _messages(ed)
    shots(ed, "editor-published")

    verdict = Verdict.objects.get(claim=claim, state=Verdict.State.PUBLISHED)
    assert (verdict.author, verdict.approver, verdict.claim.claimant.name) == (reviewer, editor, "Ana López")
