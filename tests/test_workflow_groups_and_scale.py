"""What the data migrations install: the Editor and Reviewer groups and the default rating scale."""

import pytest
from django.contrib.auth.models import Group

from claims.models import Rating
from tests.factories import RatingFactory

pytestmark = pytest.mark.django_db


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_editors_manage_claims_verdicts_and_evidence_but_delete_none_of_them():
    perms = codenames("Editor")
    assert {"view_claim", "change_claim", "add_claim", "change_verdict", "change_evidence"} <= perms
    assert {"change_rating", "view_claimevent", "view_snapshot"} <= perms
    assert not {"delete_claim", "delete_verdict", "delete_evidence", "change_claimevent"} & perms


def test_reviewers_work_on_claims_and_evidence_but_cannot_add_claims_or_change_the_scale():
    perms = codenames("Reviewer")
    assert {"view_claim", "change_claim", "add_evidence", "change_evidence", "add_verdict"} <= perms
    assert not {"add_claim", "delete_claim", "change_rating", "add_article", "delete_evidence"} & perms


def test_the_default_scale_orders_five_numeric_ratings_then_misleading_and_unproven():
    scale = list(Rating.objects.values_list("slug", "value"))
    assert scale == [
        ("true", 5.0),
        ("mostly-true", 4.0),
        ("half-true", 3.0),
        ("mostly-false", 2.0),
        ("false", 1.0),
        ("misleading", None),
        ("unproven", None),
    ]
    assert all(
        colour.startswith("#") and len(colour) == 7
        for colour in Rating.objects.values_list("colour", flat=True)
    )


def test_the_rating_factory_returns_the_migrated_rating():
    assert RatingFactory(slug="half-true") == Rating.objects.get(slug="half-true")
    assert Rating.objects.count() == 7
