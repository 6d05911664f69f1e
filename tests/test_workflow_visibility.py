"""Who sees which claims: editors and superusers all, reviewers only their assigned ones, others none."""

import pytest
from django.contrib.auth.models import AnonymousUser

from claims.permissions import (
    allowed_transitions,
    can_view_claim,
    is_editor,
    is_reviewer,
    visible_claims,
    visible_evidence,
    visible_verdicts,
)
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    EvidenceFactory,
    ReviewerFactory,
    SuperuserFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims():
    me, colleague = ReviewerFactory(), ReviewerFactory()
    mine = ClaimFactory(status="researching", assignee=me)
    theirs = ClaimFactory(status="researching", assignee=colleague)
    unassigned = ClaimFactory(status="open")
    for claim in (mine, theirs, unassigned):
        EvidenceFactory(claim=claim)
        VerdictFactory(claim=claim, author=colleague)
    return me, mine, theirs, unassigned


@pytest.mark.parametrize("factory", [EditorFactory, SuperuserFactory])
def test_editors_and_superusers_see_every_claim_its_evidence_and_verdicts(claims, factory):
    _, mine, theirs, unassigned = claims
    user = factory()
    assert set(visible_claims(user)) == {mine, theirs, unassigned}
    assert visible_evidence(user).count() == 3
    assert visible_verdicts(user).count() == 3
    assert all(can_view_claim(user, c) for c in (mine, theirs, unassigned))


def test_a_reviewer_sees_only_the_claims_assigned_to_them_and_their_evidence(claims):
    me, mine, theirs, unassigned = claims
    assert list(visible_claims(me)) == [mine]
    assert {e.claim for e in visible_evidence(me)} == {mine}
    assert {v.claim for v in visible_verdicts(me)} == {mine}
    assert can_view_claim(me, mine)
    assert not can_view_claim(me, theirs)
    assert not can_view_claim(me, unassigned)


@pytest.mark.parametrize(
    "make_user",
    [
        UserFactory,
        AnonymousUser,
        lambda: EditorFactory(is_active=False),
        lambda: ReviewerFactory(is_active=False),
    ],
)
def test_users_without_an_active_role_see_nothing(claims, make_user):
    user = make_user()
    assert not visible_claims(user).exists()
    assert not visible_evidence(user).exists()
    assert not visible_verdicts(user).exists()
    assert not is_editor(user) and not is_reviewer(user)


def test_a_reviewer_removed_from_the_group_loses_access_to_their_assigned_claims(claims):
    me, mine, _, _ = claims
    me.groups.clear()
    me = type(me).objects.get(pk=me.pk)  # role checks are cached per user object
    assert not can_view_claim(me, mine)
    assert not visible_claims(me).exists()


def test_visible_claims_narrows_a_given_queryset(claims):
    me, mine, _, _ = claims
    from claims.models import Claim

    assert not visible_claims(me, Claim.objects.filter(status="open")).exists()
    assert list(visible_claims(me, Claim.objects.filter(status="researching"))) == [mine]


def test_allowed_transitions_lists_what_the_user_may_do_now(claims):
    me, mine, _, _ = claims
    assert allowed_transitions(me, mine) == ["save_draft", "propose"]
    assert allowed_transitions(EditorFactory(), mine) == ["assign", "save_draft", "propose", "merge"]
    assert allowed_transitions(UserFactory(), mine) == []
