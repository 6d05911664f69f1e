"""Setting who made a claim by name: matched to a known claimant or created, by whom, and when refused."""

import pytest

from claims import services
from claims.errors import InvalidInput, NotPermitted, StaleVersion, TransitionNotAllowed
from claims.models import Claim, Claimant, ClaimEvent
from tests.factories import ClaimantFactory, EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("researching", editor=editor, reviewer=reviewer, claimant=None)
    return editor, reviewer, claim


def test_the_assigned_reviewer_creates_a_new_claimant_and_the_event_says_so(desk):
    _, reviewer, claim = desk
    updated = services.claim_set_claimant(
        claim=claim, actor=reviewer, name="  Ana Lopez ", kind="person", description="Mayor of Lugo"
    )
    claimant = Claimant.objects.get()
    assert (claimant.name, claimant.normalized_name, claimant.description) == (
        "Ana Lopez",
        "ana lopez",
        "Mayor of Lugo",
    )
    assert updated.claimant == claimant and updated.version == claim.version + 1
    event = ClaimEvent.objects.filter(claim=claim).last()
    assert (event.action, event.actor, event.action_label) == ("set_claimant", reviewer, "Claimant set")
    assert event.data == {"claimant_id": claimant.pk, "previous_claimant_id": None, "created": True}


def test_a_known_claimant_is_reused_by_spelling_title_or_alias(desk):
    editor, _, claim = desk
    known = ClaimantFactory(
        name="Matthew Sussex", normalized_name="matthew sussex", aliases=["Mr. M. Sussex"]
    )
    for spelling in ("Dr. Matthew Sussex", "MATTHEW SUSSEX", "Mr. M. Sussex"):
        Claim.objects.filter(pk=claim.pk).update(claimant=None)
        assert services.claim_set_claimant(claim=claim, actor=editor, name=spelling).claimant == known
    assert Claimant.objects.count() == 1


def test_setting_the_same_claimant_again_changes_nothing(desk):
    editor, _, claim = desk
    first = services.claim_set_claimant(claim=claim, actor=editor, name="Ana Lopez")
    again = services.claim_set_claimant(claim=claim, actor=editor, name="ana lopez", expected_version=1)
    assert again.version == first.version
    assert ClaimEvent.objects.filter(claim=claim, action="set_claimant").count() == 1


def test_a_reviewer_not_assigned_may_not_set_the_claimant_and_nothing_is_created(desk):
    _, _, claim = desk
    with pytest.raises(NotPermitted):
        services.claim_set_claimant(claim=claim, actor=ReviewerFactory(), name="Ana Lopez")
    assert not Claimant.objects.exists()
    assert Claim.objects.get(pk=claim.pk).claimant is None


def test_a_stale_version_is_refused_and_the_new_claimant_is_not_kept(desk):
    editor, _, claim = desk
    with pytest.raises(StaleVersion):
        services.claim_set_claimant(claim=claim, actor=editor, name="Ana Lopez", expected_version=1)
    assert not Claimant.objects.exists()


def test_a_published_claims_claimant_changes_only_through_a_correction():
    claim = claim_in_status("published")
    before = claim.claimant
    with pytest.raises(TransitionNotAllowed) as refused:
        services.claim_set_claimant(claim=claim, actor=EditorFactory(), name="Someone Else")
    assert refused.value.details["fields"] == ["claimant"]
    assert Claim.objects.get(pk=claim.pk).claimant == before
    assert not Claimant.objects.filter(name="Someone Else").exists()


@pytest.mark.parametrize(
    "name, kind, field",
    [
        ("   ", "person", "claimant"),
        ("x" * 256, "person", "claimant"),
        ("...", "person", "claimant"),
        ("Ana Lopez", "robot", "kind"),
    ],
)
def test_bad_names_and_kinds_are_refused_with_the_field_named(desk, name, kind, field):
    editor, _, claim = desk
    with pytest.raises(InvalidInput) as refused:
        services.claim_set_claimant(claim=claim, actor=editor, name=name, kind=kind)
    assert refused.value.details["field"] == field
    assert not Claimant.objects.exists()
