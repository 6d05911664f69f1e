"""Submitting articles through the API: 202 with the URL to poll, who may submit, bad input."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Article
from tests.factories import EditorFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db
ARTICLES = "/api/v1/articles/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


@pytest.fixture
def partner():
    user = UserFactory(username="partner-newsroom")
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    return user


def test_submitting_a_url_answers_202_with_the_article_to_poll(partner):
    client = client_for(partner)

    response = client.post(ARTICLES, {"url": "https://news.example.com/story?utm_source=x"}, format="json")

    assert response.status_code == 202
    data = response.json()
    assert response["Location"] == data["url"] == f"http://testserver{ARTICLES}{data['id']}/"
    assert data["analysis_state"] == "queued" and data["input_kind"] == "url"
    assert data["source_url"] == "https://news.example.com/story"  # normalized: tracking removed
    polled = client.get(data["url"])
    assert polled.status_code == 200 and polled.json()["analysis_state"] == "queued"


def test_submitting_the_same_url_twice_gives_the_same_article(partner):
    client = client_for(partner)
    first = client.post(ARTICLES, {"url": "https://news.example.com/a"}, format="json").json()
    second = client.post(ARTICLES, {"url": "https://news.example.com/a#top"}, format="json").json()
    assert first["id"] == second["id"] and Article.objects.count() == 1


def test_submitting_text_stores_it_for_analysis(partner):
    response = client_for(partner).post(
        ARTICLES, {"text": "The minister said unemployment fell by half.", "title": "Jobs"}, format="json"
    )

    assert response.status_code == 202
    article = Article.objects.get(pk=response.json()["id"])
    assert article.input_kind == "text" and article.title == "Jobs"
    assert "unemployment fell by half" in article.source.snapshots.get().text


@pytest.mark.parametrize(
    "body",
    [{}, {"html": "<p>x</p>", "text": "x"}, {"url": "ftp://example.org/a"}, {"url": "not a url"}],
)
def test_bad_submissions_are_refused_with_a_reason(partner, body):
    response = client_for(partner).post(ARTICLES, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["message"]
    assert not Article.objects.exists()


def test_editors_may_submit_reviewers_and_plain_users_may_not():
    assert (
        client_for(EditorFactory()).post(ARTICLES, {"url": "https://e.example/1"}, format="json").status_code
        == 202
    )
    for user in (ReviewerFactory(), UserFactory()):
        response = client_for(user).post(ARTICLES, {"url": "https://e.example/2"}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_reviewer_sees_only_articles_of_claims_assigned_to_them(partner):
    article_id = (
        client_for(partner).post(ARTICLES, {"url": "https://e.example/3"}, format="json").json()["id"]
    )

    assert client_for(ReviewerFactory()).get(f"{ARTICLES}{article_id}/").status_code == 404
    assert client_for(EditorFactory()).get(f"{ARTICLES}{article_id}/").status_code == 200
