"""The two-person rule: whoever wrote a verdict cannot be the one who approves it."""

import pytest
from django.test import override_settings

from claims import services
from claims.errors import NotPermitted
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
    kwargs = dict(
        rating=RatingFactory(slug="half-true"), summary="S.", explanation="", correction_note="Fixed."
    )
    with pytest.raises(NotPermitted):
        services.verdict_correct(claim=claim, actor=editor, author=editor, **kwargs)
    correction = services.verdict_correct(claim=claim, actor=editor, author=reviewer, **kwargs)
    assert (correction.author, correction.approver) == (reviewer, editor)
