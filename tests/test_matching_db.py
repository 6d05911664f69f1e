"""Claim matching in the database: suggestions for new claims, merge / link / reject, recurrence, admin."""

import pytest
from django.urls import reverse

from claims import services, similar
from claims.errors import NotPermitted, TransitionNotAllowed
from claims.models import Claim, ClaimAppearance, ClaimMatch
from tests.factories import ArticleFactory, ClaimantFactory, EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db

WIND = "Offshore wind supplied 40 percent of Britain's electricity in October."
WIND_AGAIN = "Offshore wind supplied 40 per cent of Britain's electricity in October, the minister said."
MEALS = "All primary school pupils in the county now get free school meals."


def detect(text: str, *, claimant=None) -> Claim:
    """A claim found by detection in a new article (the bulk path), with its after-commit work run."""
    article = ArticleFactory()
    item = {"text": text, "span": None, "kind": "numeric", "checkworthiness": 0.9, "claimant": claimant}
    (claim,) = services.claims_create_detected(article=article, snapshot=article.snapshot, detected=[item])
    return claim


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def test_the_same_claim_from_another_article_is_suggested_as_the_published_one(editor, run_on_commit):
    published = claim_in_status("published", editor=editor, text=WIND)
    claim_in_status("open", editor=editor, text=MEALS)

    new = run_on_commit(detect, WIND_AGAIN)

    (match,) = ClaimMatch.objects.filter(claim=new)
    assert match.candidate == published and match.state == ClaimMatch.State.SUGGESTED
    assert match.score >= similar.thresholds()[0] and match.ranker == "lexical"
    assert match.propose_merge is (match.score >= similar.thresholds()[1])


def test_a_near_verbatim_repeat_is_proposed_for_a_merge(editor, run_on_commit):
    claim_in_status("open", editor=editor, text=WIND)
    new = run_on_commit(detect, WIND)
    assert new.matches.get().propose_merge


def test_published_verdicts_come_before_claims_in_progress(editor):
    in_progress = claim_in_status("researching", editor=editor, text=WIND)
    published = claim_in_status("published", editor=editor, text=WIND_AGAIN)

    ranked = [claim for claim, _ in similar.ranked_claims(WIND, limit=5, threshold=0.1)]

    # The in-progress claim is word for word the query and scores higher; the verdict still comes first.
    assert ranked == [published, in_progress]


def test_candidates_dismissed_and_duplicate_claims_are_never_suggested(editor, run_on_commit):
    for status in ("candidate", "dismissed", "duplicate"):
        claim_in_status(status, editor=editor, text=WIND)
    kept = Claim.objects.get(text=WIND + " (kept)")  # the open claim the duplicate was merged into

    new = run_on_commit(detect, WIND)

    assert [m.candidate for m in new.matches.all()] == [kept]


def test_the_index_follows_edits_status_changes_and_deletions(editor):
    claim = claim_in_status("open", editor=editor, text=MEALS)
    assert similar.ranked_claims(WIND, limit=5, threshold=0.1) == []
    claim.text = WIND
    claim.save(update_fields=["text", "updated_at"])
    assert [c for c, _ in similar.ranked_claims(WIND, limit=5, threshold=0.1)] == [claim]
    services.claim_merge(
        duplicate=claim, keep=claim_in_status("open", editor=editor, text=MEALS), actor=editor
    )
    assert similar.ranked_claims(WIND, limit=5, threshold=0.1) == []
    other = claim_in_status("open", editor=editor, text=WIND)
    other.delete()
    assert similar.ranked_claims(WIND, limit=5, threshold=0.1) == []
    assert (
        len(similar.claim_index().keys) == Claim.objects.filter(status__in=similar.MATCHABLE_STATUSES).count()
    )


def test_an_editor_merges_a_suggestion_and_the_new_claim_becomes_a_duplicate(editor, run_on_commit):
    existing = claim_in_status("open", editor=editor, text=WIND)
    new = run_on_commit(detect, WIND_AGAIN)

    match = services.match_confirm_merge(match=new.matches.get(), actor=editor)

    new.refresh_from_db()
    assert match.state == ClaimMatch.State.MERGED and match.decided_by == editor
    assert new.status == Claim.Status.DUPLICATE and new.duplicate_of == existing
    assert new.events.filter(action="match_merged").exists()
    assert services.match_confirm_merge(match=match, actor=editor).state == ClaimMatch.State.MERGED


def test_linking_an_appearance_records_who_repeated_the_checked_claim(editor, run_on_commit):
    checked = claim_in_status("published", editor=editor, text=WIND)
    repeater = ClaimantFactory(name="Another Outlet")
    new = run_on_commit(detect, WIND_AGAIN, claimant=repeater)

    services.match_link_appearance(match=new.matches.get(), actor=editor)

    appearance = ClaimAppearance.objects.get()
    assert (appearance.checked_claim, appearance.claim, appearance.claimant) == (checked, new, repeater)
    assert appearance.article == new.article
    new.refresh_from_db()
    assert new.duplicate_of == checked
    checked.refresh_from_db()
    assert checked.status == Claim.Status.PUBLISHED  # the verdict stands


def test_a_rejected_suggestion_is_never_suggested_again(editor, run_on_commit):
    claim_in_status("open", editor=editor, text=WIND)
    new = run_on_commit(detect, WIND_AGAIN)
    match = services.match_reject(match=new.matches.get(), actor=editor)

    assert similar.match_claim(claim_id=new.pk) == []
    assert list(new.matches.values_list("state", flat=True)) == [ClaimMatch.State.REJECTED]
    with pytest.raises(TransitionNotAllowed):
        services.match_confirm_merge(match=match, actor=editor)


def test_only_editors_decide_on_suggestions(editor, run_on_commit):
    claim_in_status("open", editor=editor, text=WIND)
    new = run_on_commit(detect, WIND_AGAIN)
    with pytest.raises(NotPermitted):
        services.match_reject(match=new.matches.get(), actor=ReviewerFactory())
    assert new.matches.get().state == ClaimMatch.State.SUGGESTED


def test_a_claimant_repeating_a_rated_claim_shows_on_the_claimant_page(editor, run_on_commit, client):
    claim_in_status("published", editor=editor, text=WIND)
    repeater = ClaimantFactory(name="Repeat Speaker")
    new = run_on_commit(detect, WIND_AGAIN, claimant=repeater)

    (row,) = similar.claimant_recurrences(repeater)
    assert row["claim"] == new and row["rating"] == "False"
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claimant_change", args=[repeater.pk])).content.decode()
    assert f"#{new.pk}" in page and "published: False" in page


def test_the_claim_page_offers_the_suggestion_and_its_buttons_work(editor, run_on_commit, client):
    published = claim_in_status("published", editor=editor, text=WIND)
    new = run_on_commit(detect, WIND_AGAIN)
    match = new.matches.get()
    client.force_login(editor)
    url = reverse("admin:claims_claim_change", args=[new.pk])

    page = client.get(url).content.decode()
    assert "Possibly the same claim as" in page and "published: False" in page
    assert f">#{published.pk}<" in page and "Link appearance" in page

    decide = reverse("admin:claims_claim_match_decide", args=[new.pk, match.pk, "reject"])
    assert client.get(decide).status_code == 405
    response = client.post(decide, follow=True)
    assert "will not be suggested again" in response.content.decode()
    match.refresh_from_db()
    assert match.state == ClaimMatch.State.REJECTED
    response = client.post(
        reverse("admin:claims_claim_match_decide", args=[new.pk, match.pk, "merge"]), follow=True
    )
    assert "already decided" in response.content.decode()
