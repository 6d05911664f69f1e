from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from claims.claimreview import claimreview_for, claimreview_problems
from claims.models import Article, Claim, Claimant, Rating, Verdict
from sources.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale():
    Rating.objects.all().delete()
    return {
        "true": Rating.objects.create(label="True", slug="t", value=5, order=1),
        "false": Rating.objects.create(label="False", slug="f", value=1, order=5),
        "misleading": Rating.objects.create(label="Misleading", slug="m", value=None, order=6),
    }


@pytest.fixture
def verdict(scale):
    author = get_user_model().objects.create_user("author")
    source = Source.objects.create(url="https://news.example/xi-moscow", domain="news.example")
    article = Article.objects.create(
        source=source, title="Xi lands in Moscow", published_at=datetime(2025, 5, 7, 9, 30, tzinfo=UTC)
    )
    claimant = Claimant.objects.create(
        name="Pierre Andrieu", normalized_name="pierre andrieu", description="former diplomat"
    )
    claim = Claim.objects.create(
        article=article, text="Xi and Putin met more than 40 times.", claimant=claimant, status="published"
    )
    return Verdict.objects.create(
        claim=claim,
        rating=scale["true"],
        summary="They met 42 times.",
        author=author,
        state="published",
        published_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
    )


@override_settings(FACTCHECK_ORG_NAME="Desk", FACTCHECK_ORG_URL="https://desk.example/")
def test_claimreview_carries_every_field_search_engines_read(verdict):
    review = claimreview_for(verdict, url="https://desk.example/checks/1/")
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://desk.example/checks/1/",
        "claimReviewed": "Xi and Putin met more than 40 times.",
        "author": {"@type": "Organization", "name": "Desk", "url": "https://desk.example/"},
        "datePublished": "2025-06-01",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Pierre Andrieu", "description": "former diplomat"},
            "datePublished": "2025-05-07",
            "appearance": [
                {
                    "@type": "CreativeWork",
                    "url": "https://news.example/xi-moscow",
                    "headline": "Xi lands in Moscow",
                }
            ],
        },
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "True",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
        },
        "reviewBody": "They met 42 times.",
    }


def test_claim_date_is_the_article_date_not_the_check_date(verdict):
    review = claimreview_for(verdict, url="https://desk.example/checks/1/")
    assert review["itemReviewed"]["datePublished"] == "2025-05-07"
    assert review["datePublished"] == "2025-06-01"


def test_restatement_is_the_claim_reviewed_when_the_editor_wrote_one(verdict):
    verdict.claim.restatement = "Xi Jinping and Vladimir Putin have met over 40 times as leaders."
    review = claimreview_for(verdict, url="https://desk.example/checks/1/")
    assert review["claimReviewed"] == verdict.claim.restatement


def test_non_numeric_rating_has_only_its_label(verdict, scale):
    verdict.rating = scale["misleading"]
    assert claimreview_for(verdict, url="u")["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Misleading",
    }


def test_organisation_claimant_is_an_organization(verdict):
    verdict.claim.claimant.kind = Claimant.Kind.ORGANIZATION
    author = claimreview_for(verdict, url="u")["itemReviewed"]["author"]
    assert author["@type"] == "Organization"


def test_complete_verdict_has_no_problems(verdict):
    assert claimreview_problems(verdict) == []


def test_problems_name_each_missing_field(verdict):
    verdict.rating = None
    verdict.claim.claimant = None
    problems = claimreview_problems(verdict)
    assert problems == ["rating", "claimant"]
