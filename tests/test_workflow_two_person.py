"""The two-person rule: whoever wrote a verdict cannot be the one who approves it."""

import pytest
from django.test import override_settings

from claims import services
from claims.errors import NotPermitted, TransitionNotAllowed
from claims.models import Claim
from tests.factories import ClaimantFactory, EditorFactory, RatingFactory, ReviewerFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def claim_proposed_by(author, editor):
    claim = services.claim_create(
        actor=editor, text="Crime fell by half.", status="open", claimant=ClaimantFactory()
    )
    claim = services.claim_assign(claim=claim, actor=editor, assignee=author)
    services.verdict_propose(claim=claim, actor=author, rating=RatingFactory(), summary="It rose.")
    return Claim.objects.get(pk=claim.pk)


def test_the_rule_is_on_by_default():
    from django.conf import settings

    assert settings.CLAIMS_TWO_PERSON_RULE is True


@pytest.mark.parametrize("author_factory", [EditorFactory, SuperuserFactory])
def test_an_editor_cannot_approve_a_verdict_they_wrote(author_factory):
    author = author_factory()
    claim = claim_proposed_by(author, editor=author)
    with pytest.raises(NotPermitted) as refused:
        services.verdict_approve(claim=claim, actor=author)
    assert refused.value.details["rule"] == "two_person"
    assert Claim.objects.get(pk=claim.pk).status == "in_review"


def test_another_editor_approves_the_same_verdict():
    author, other = EditorFactory(), EditorFactory()
    claim = claim_proposed_by(author, editor=author)
    verdict = services.verdict_approve(claim=claim, actor=other)
    assert (verdict.author, verdict.approver, verdict.state) == (author, other, "published")


@override_settings(CLAIMS_TWO_PERSON_RULE=False)
def test_a_small_desk_can_turn_the_rule_off():
    author = EditorFactory()
    claim = claim_proposed_by(author, editor=author)
    assert services.verdict_approve(claim=claim, actor=author).approver == author


def test_a_correction_credited_to_another_author_is_checked_against_the_rule():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_proposed_by(reviewer, editor=editor)
    services.verdict_approve(claim=claim, actor=editor)
    kwargs = dict(rating=RatingFactory(slug="false"), summary="S.", explanation="", correction_note="Fixed.")
    with pytest.raises(NotPermitted):
        services.verdict_correct(claim=claim, actor=editor, author=editor, **kwargs)
    correction = services.verdict_correct(claim=claim, actor=editor, author=reviewer, **kwargs)
    assert (correction.author, correction.approver) == (reviewer, editor)


def _published_by(editor):
    claim = claim_proposed_by(ReviewerFactory(), editor=EditorFactory())
    services.verdict_approve(claim=claim, actor=editor)
    return Claim.objects.get(pk=claim.pk)


RERATING = dict(summary="It fell by a tenth.", explanation="Police figures.", correction_note="Re-rated.")


def test_one_editor_cannot_publish_a_re_rating_alone():
    editor = EditorFactory()
    claim = _published_by(editor)
    public = claim.verdicts.get(state="published")

    pending = services.verdict_correct(
        claim=claim, actor=editor, rating=RatingFactory(slug="half-true"), **RERATING
    )

    assert pending.state == "proposed" and pending.supersedes == public
    assert claim.verdicts.get(state="published") == public  # still the public one
    assert Claim.objects.get(pk=claim.pk).status == "published"
    with pytest.raises(NotPermitted) as refused:
        services.verdict_approve(claim=claim, actor=editor)
    assert refused.value.details["rule"] == "two_person"
    assert claim.verdicts.get(state="published") == public


def test_a_second_editor_publishes_the_re_rating():
    editor, second = EditorFactory(), EditorFactory()
    claim = _published_by(editor)
    previous = claim.verdicts.get(state="published")
    pending = services.verdict_correct(
        claim=claim, actor=editor, rating=RatingFactory(slug="half-true"), **RERATING
    )

    published = services.verdict_approve(claim=claim, actor=second)

    assert published.pk == pending.pk and published.state == "published"
    assert (published.author, published.approver, published.rating.slug) == (editor, second, "half-true")
    previous.refresh_from_db()
    assert previous.state == "corrected"
    assert claim.events.filter(action="approve_rerating", actor=second).exists()


def test_the_editor_credited_as_author_cannot_approve_the_re_rating_either():
    editor, author = EditorFactory(), EditorFactory()
    claim = _published_by(editor)
    services.verdict_correct(
        claim=claim, actor=editor, author=author, rating=RatingFactory(slug="half-true"), **RERATING
    )

    for actor in (editor, author):
        with pytest.raises(NotPermitted):
            services.verdict_approve(claim=claim, actor=actor)
    assert services.verdict_approve(claim=claim, actor=EditorFactory()).state == "published"


def test_a_wording_only_correction_stays_a_single_editors_act():
    editor = EditorFactory()
    claim = _published_by(editor)
    rating = claim.verdicts.get(state="published").rating

    correction = services.verdict_correct(claim=claim, actor=editor, rating=rating, **RERATING)

    assert correction.state == "published" and correction.approver == editor


@override_settings(CLAIMS_TWO_PERSON_RULE=False)
def test_without_the_rule_a_re_rating_is_published_at_once():
    editor = EditorFactory()
    claim = _published_by(editor)

    correction = services.verdict_correct(
        claim=claim, actor=editor, rating=RatingFactory(slug="half-true"), **RERATING
    )

    assert correction.state == "published"


def test_the_public_verdict_keeps_the_old_rating_while_a_re_rating_waits(client):
    editor = EditorFactory()
    claim = _published_by(editor)
    public = claim.verdicts.get(state="published")
    services.verdict_correct(claim=claim, actor=editor, rating=RatingFactory(slug="half-true"), **RERATING)

    detail = client.get(f"/api/v1/verdicts/{public.pk}/").json()
    listed = client.get("/api/v1/verdicts/").json()["results"]
    page = client.get(f"/checks/{public.pk}/").content.decode()

    assert detail["rating"]["slug"] == public.rating.slug and len(detail["corrections"]) == 1
    assert [v["id"] for v in listed] == [public.pk]
    assert public.summary in page and "Re-rated." not in page


def test_reopening_discards_a_waiting_re_rating_so_the_claim_can_be_proposed_again():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = _published_by(editor)
    pending = services.verdict_correct(
        claim=claim, actor=editor, rating=RatingFactory(slug="half-true"), **RERATING
    )

    services.claim_reopen(claim=claim, actor=editor)
    services.claim_assign(claim=claim, actor=editor, assignee=reviewer)
    services.verdict_propose(claim=claim, actor=reviewer, rating=RatingFactory(slug="true"), summary="Yes.")

    pending.refresh_from_db()
    assert pending.state == "withdrawn" and pending.supersedes is None


def test_a_wording_correction_is_refused_while_a_re_rating_waits():
    editor = EditorFactory()
    claim = _published_by(editor)
    public = claim.verdicts.get(state="published")
    services.verdict_correct(claim=claim, actor=editor, rating=RatingFactory(slug="half-true"), **RERATING)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.verdict_correct(
            claim=claim,
            actor=editor,
            rating=public.rating,
            summary="Typo fixed.",
            explanation="Police figures.",
            correction_note="Typo.",
        )

    assert "waiting for a second editor" in refused.value.message
    assert claim.verdicts.get(state="published") == public


def test_withdrawing_discards_a_waiting_re_rating():
    editor = EditorFactory()
    claim = _published_by(editor)
    pending = services.verdict_correct(
        claim=claim, actor=editor, rating=RatingFactory(slug="half-true"), **RERATING
    )

    services.verdict_withdraw(claim=claim, actor=editor, reason="Wrong claimant.")

    pending.refresh_from_db()
    assert pending.state == "withdrawn" and not claim.verdicts.filter(state__in=["published", "proposed"])
