"""The whole editorial flow in headless Chromium, on the demo article, with a screenshot per step."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from claims import services
from claims.models import Claim, Verdict
from tests import browser
from tests.browser import log_in, select_text
from tests.factories import (
    ClaimantFactory,
    EditorFactory,
    RatingFactory,
    ReviewerFactory,
    SnapshotFactory,
    SourceFactory,
)

chromium, new_page, shots = browser.chromium, browser.new_page, browser.shots  # fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_TEXT = (Path(__file__).resolve().parent.parent / "claims" / "demo" / "seed-article.txt").read_text()
PASSWORD = "correct horse battery staple"
SENTENCES = (
    "While both met more than 40 times",
    "The Friday parade will be made after three days",
    "Putin would have a list of requests from Mr. XI.",
)


def _demo_claims(editor):
    from claims.models import Article

    src = SourceFactory(url="https://news.example/world/2025/05/07/xi-putin-red-square")
    snap = SnapshotFactory(source=src, text=DEMO_TEXT)
    article = Article.objects.create(source=src, snapshot=snap, title="Xi and Putin on Red Square")
    claims = []
    for sentence in SENTENCES:
        start = DEMO_TEXT.index(sentence)
        end = DEMO_TEXT.index(".", start + len(sentence) - 1) + 1
        claims.append(
            services.claim_create(
                actor=None,
                text=DEMO_TEXT[start:end],
                article=article,
                snapshot=snap,
                span=(start, end),
                claimant=ClaimantFactory(),
                kind="numeric",
            )
        )
    return article, claims


def _select_and_run(page, claim_ids, action):
    for pk in claim_ids:
        page.check(f"input.action-select[value='{pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_editor_and_reviewer_take_a_claim_from_candidate_to_published(new_page, shots, settings, httpserver):
    settings.FETCH_ALLOWED_PORTS = ["*"]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/stats").respond_with_data(
        "<html><head><title>Meetings</title></head><body><article><p>Official records list 42 meetings "
        "between the two leaders since 2013, according to the archive.</p></article></body></html>",
        content_type="text/html",
    )
    false = RatingFactory(slug="false")  # a transactional test may have flushed the migrated scale
    editor = EditorFactory(username="ed", password=PASSWORD)
    reviewer = ReviewerFactory(username="rev", password=PASSWORD)
    article, (first, second, third) = _demo_claims(editor)

    # The editor accepts two candidates and assigns one of them to the reviewer.
    ed = new_page()
    log_in(ed, "ed", PASSWORD)
    ed.goto(f"/admin/claims/article/{article.pk}/change/")
    assert ed.locator("#fc-article-text a.fc-claim").count() == 3
    shots(ed, "editor-article-page")
    sentence = "The Kremlin said that talks would focus on the continuation"
    select_text(ed, "#fc-article-text", sentence)
    assert ed.inner_text("#fc-span-form [data-fc-preview]") == sentence
    shots(ed, "editor-selected-a-span")
    ed.click("#fc-span-form button[name=create]")
    assert "Claim created from characters" in ed.inner_text(".messagelist")
    created = Claim.objects.get(text=sentence)
    assert DEMO_TEXT[created.span_start : created.span_end] == sentence
    ed.goto("/admin/claims/claim/?status__exact=candidate")
    _select_and_run(ed, [first.pk, second.pk], "accept")
    assert "Accepted: 2 claims." in ed.inner_text(".messagelist")
    shots(ed, "editor-accepted-two")
    ed.goto("/admin/claims/claim/?status__exact=open")
    _select_and_run(ed, [first.pk], "assign")
    ed.select_option("#id_assignee", label="rev")
    ed.fill("#id_due_date", (timezone.localdate() + timedelta(days=3)).isoformat())
    shots(ed, "editor-assign-form")
    ed.click("input[name=apply]")
    assert "Assigned to rev: 1 claim." in ed.inner_text(".messagelist")
    shots(ed, "editor-assigned")

    # The reviewer sees only that claim, adds evidence with a stance and proposes a verdict.
    rv = new_page()
    log_in(rv, "rev", PASSWORD)
    rv.goto("/admin/claims/claim/my-queue/")
    assert rv.locator("#fc-queue tbody tr").count() == 1
    shots(rv, "reviewer-queue")
    rv.goto("/admin/claims/claim/")
    assert rv.locator("#result_list tbody tr").count() == 1
    assert first.text[:40] in rv.inner_text("#result_list")
    rv.goto(f"/admin/claims/claim/{first.pk}/research/")
    rv.fill("#id_url", httpserver.url_for("/stats"))
    rv.select_option("#id_stance", "refutes")
    rv.click("button[name=add_evidence]")
    assert "Evidence added" in rv.inner_text(".messagelist")
    assert "Refutes" in rv.inner_text(f"#fc-evidence-{first.evidence.get().pk}")
    shots(rv, "reviewer-evidence-added")
    evidence = first.evidence.get()
    rv.click(f"#fc-evidence-{evidence.pk} details summary")
    select_text(rv, f"#fc-ev-text-{evidence.pk}", "Official records list 42 meetings")
    rv.click(f"#fc-ev-form-{evidence.pk} button[name=update_evidence]")
    assert "Evidence updated." in rv.inner_text(".messagelist")
    evidence.refresh_from_db()
    assert evidence.excerpt == "Official records list 42 meetings"
    shots(rv, "reviewer-excerpt-selected")
    rv.select_option("#id_rating", str(false.pk))
    rv.fill(
        "#id_summary", "They met about 42 times, not 'more than 40': roughly right but the record differs."
    )
    rv.fill("#id_explanation", "Official records list 42 meetings since 2013.")
    rv.click("button[name=propose]")
    assert "Verdict proposed" in rv.inner_text(".messagelist")
    shots(rv, "reviewer-proposed")

    # The same reviewer cannot approve it.
    response = rv.goto(f"/admin/claims/claim/{first.pk}/adjudicate/")
    assert response.status == 403
    shots(rv, "reviewer-cannot-adjudicate")
    assert Claim.objects.get(pk=first.pk).status == Claim.Status.IN_REVIEW

    # The editor approves and publishes.
    ed.goto(f"/admin/claims/claim/{first.pk}/adjudicate/")
    assert "Official records list 42 meetings" in ed.inner_text("#fc-verdict")
    shots(ed, "editor-adjudication-page")
    ed.click("input[name=approve]")
    assert "Verdict approved and published." in ed.inner_text(".messagelist")
    shots(ed, "editor-published")

    verdict = Verdict.objects.get(claim=first, state=Verdict.State.PUBLISHED)
    assert verdict.author == reviewer and verdict.approver == editor
    assert Claim.objects.get(pk=first.pk).status == Claim.Status.PUBLISHED
    api = ed.request.get("/api/v1/verdicts/")
    # Until the public API is merged the published state above is what is checked (see docs/admin.md).
    if api.status != 404:
        assert api.ok and str(verdict.pk) in api.text()
