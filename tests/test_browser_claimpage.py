"""The claim page's workflow buttons in headless Chromium: accept and assign, propose, withdraw the proposal,
adjudicate from the in-review list and follow the link to the public page; a screenshot per step."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims import services
from claims.models import Claim, ClaimMatch, Verdict
from tests import browser
from tests.browser import log_in
from tests.factories import ClaimantFactory, EditorFactory, RatingFactory, ReviewerFactory

chromium, new_page, shots = browser.chromium, browser.new_page, browser.shots  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
SUMMARY = "It fell to 4.2 per cent, not 3.9: the statistics office's March release."


def _buttons(page) -> list[str]:
    return page.locator("#fc-claim-actions button").all_inner_texts()


def _refused_links(page) -> list[str]:
    """The admin links in the page's content that answer 403 to the signed-in user."""
    hrefs = page.eval_on_selector_all("#content a[href^='/admin/']", "links => links.map(a => a.href)")
    return [href for href in set(hrefs) if page.request.get(href).status == 403]


def test_a_claim_goes_from_candidate_to_public_through_the_claim_page_buttons(new_page, shots):
    false = RatingFactory(slug="false")  # a transactional test may have flushed the migrated scale
    EditorFactory(username="ed", password=PASSWORD)
    reviewer = ReviewerFactory(username="rev", password=PASSWORD)
    claim = services.claim_create(
        actor=None, text="Unemployment fell to 3.9 per cent in March.", claimant=ClaimantFactory()
    )
    change_url = f"/admin/claims/claim/{claim.pk}/change/"

    # The editor accepts the candidate, then assigns it, from the claim page.
    ed = new_page()
    log_in(ed, "ed", PASSWORD)
    ed.goto(change_url)
    assert _buttons(ed) == ["Accept", "Dismiss"]
    shots(ed, "editor-candidate-claim-page")
    ed.click("#fc-action-accept button")
    assert "Accepted: the claim is open for research." in ed.inner_text(".messagelist")
    assert _buttons(ed) == ["Dismiss", "Assign"]
    ed.select_option("#id_assign-assignee", label="rev")
    due = timezone.localdate() + timedelta(days=3)
    ed.fill("#id_assign-due_date", due.isoformat())
    shots(ed, "editor-assign-form")
    ed.click("#fc-action-assign button")
    assert "Assigned to rev." in ed.inner_text(".messagelist")
    assert _buttons(ed) == ["Reassign"]
    shots(ed, "editor-assigned")
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.assignee, stored.due_date) == ("researching", reviewer, due)

    # The reviewer's home offers no editor-only link; the queue leads to the research page.
    rv = new_page()
    log_in(rv, "rev", PASSWORD)
    workspace = rv.inner_text("#fc-workspace")
    assert "My queue" in workspace
    assert all(link not in workspace for link in ("Dashboard", "Claims to triage", "Verdicts to adjudicate"))
    shots(rv, "reviewer-home")
    assert _refused_links(rv) == []
    rv.click("#fc-workspace a:has-text('My queue')")
    rv.click(f"#fc-queue a[href$='/{claim.pk}/research/']")
    rv.select_option("#id_rating", str(false.pk))
    rv.fill("#id_summary", SUMMARY)
    rv.click("button[name=propose]")
    assert "Verdict proposed for review." in rv.inner_text(".messagelist")
    shots(rv, "reviewer-proposed")

    # After proposing: no button that can only be refused, and a way to take the proposal back.
    assert rv.locator("button[name=save_draft], button[name=propose]").count() == 0
    assert SUMMARY in rv.inner_text("#fc-verdict-text")
    assert rv.is_visible("#fc-action-withdraw_proposal button:has-text('Withdraw my proposal')")
    rv.goto(change_url)
    assert _buttons(rv) == ["Withdraw my proposal"]
    assert _refused_links(rv) == []
    shots(rv, "reviewer-claim-page-in-review")
    rv.goto(f"/admin/claims/claim/{claim.pk}/research/")
    assert _refused_links(rv) == []
    rv.click("#fc-action-withdraw_proposal button")
    assert "Proposal withdrawn: the verdict is a draft again." in rv.inner_text(".messagelist")
    assert rv.input_value("#id_summary") == SUMMARY
    assert rv.input_value("#id_rating") == str(false.pk)
    assert "(Draft)" in rv.inner_text("#fc-verdict h2")
    shots(rv, "reviewer-draft-back")
    assert Claim.objects.get(pk=claim.pk).status == "researching"
    rv.click("button[name=propose]")
    assert "Verdict proposed for review." in rv.inner_text(".messagelist")

    # The editor goes from "Verdicts to adjudicate" straight to the adjudicate page and publishes.
    ed.goto("/admin/")
    ed.click("#fc-workspace a:has-text('Verdicts to adjudicate')")
    shots(ed, "editor-verdicts-to-adjudicate")
    adjudicate = ed.locator(f"#result_list a[href$='/{claim.pk}/adjudicate/']")
    # Inside the part of the results table on screen, not behind its horizontal scroll bar.
    link, table = adjudicate.bounding_box(), ed.locator("#changelist .results").bounding_box()
    assert link["x"] + link["width"] <= table["x"] + table["width"], "the Adjudicate link is scrolled away"
    adjudicate.click()
    assert SUMMARY in ed.inner_text("#fc-verdict")
    ed.click("input[name=approve]")
    assert "Verdict approved and published." in ed.inner_text(".messagelist")
    assert ed.url.endswith(change_url)
    assert _buttons(ed) == []
    assert _refused_links(ed) == []
    shots(ed, "editor-published-claim-page")

    # The claim page links the public page of the published verdict.
    ed.click("a.fc-workflow-link:has-text('Public page')")
    verdict = Verdict.objects.get(claim=claim, state=Verdict.State.PUBLISHED)
    assert ed.url.endswith(f"/checks/{verdict.pk}/")
    assert SUMMARY in ed.inner_text("body")
    shots(ed, "public-page")


def test_on_the_claim_page_merge_merges_and_save_saves(new_page, shots):
    editor = EditorFactory(username="ed", password=PASSWORD)
    claim = services.claim_create(actor=editor, text="Taxes doubled last year.", status="open")
    earlier = services.claim_create(actor=editor, text="Taxes doubled in 2024.", status="open")
    match = ClaimMatch.objects.create(claim=claim, candidate=earlier, score=0.91, ranker="lexical")

    ed = new_page()
    log_in(ed, "ed", PASSWORD)
    ed.goto(f"/admin/claims/claim/{claim.pk}/change/")
    ed.fill("#id_restatement", "Income tax rates doubled in 2024.")
    ed.click("input[name=_continue]")
    assert "was changed successfully" in ed.inner_text(".messagelist")
    assert Claim.objects.get(pk=claim.pk).restatement == "Income tax rates doubled in 2024."
    shots(ed, "claim-saved-suggestion-still-open")

    # The first suggestion's Merge once sat in a form nested in the claim's form, which the browser drops:
    # the button then saved the claim instead of merging it.
    ed.click(f"#fc-match-{match.pk} button[name=merge]")
    assert f"Merged claim #{claim.pk} into #{earlier.pk}." in ed.inner_text(".messagelist")
    assert ClaimMatch.objects.get(pk=match.pk).state == ClaimMatch.State.MERGED
    assert Claim.objects.get(pk=claim.pk).duplicate_of == earlier
    shots(ed, "claim-merged")
