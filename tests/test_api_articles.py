"""Submitting articles through the API: 202 with the URL to poll, who may submit, bad input."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Article
from tests.factories import EditorFactory, ReviewerFactory, UserFactory, claim_in_status

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


def _published_claim_on_submitted_article(editor):
    """A claim with a public verdict on an article an editor submitted as HTML from its URL."""
    body = {
        "url": "https://news.example.com/jobs",
        "html": "<html><head><title>Jobs</title></head><body><p>Unemployment fell to 3.9 per cent in "
        "March, the minister said.</p></body></html>",
        "title": "Minister hails record jobs figures",
    }
    response = client_for(editor).post(ARTICLES, body, format="json")
    assert response.status_code == 202
    article = Article.objects.get(pk=response.json()["id"])
    claim = claim_in_status("published", article=article, editor=editor)
    return article, claim, claim.verdicts.get(state="published")


def test_a_partner_cannot_replace_the_content_of_an_article_with_a_published_verdict(partner):
    editor = EditorFactory()
    article, claim, verdict = _published_claim_on_submitted_article(editor)
    snapshots_before = list(article.source.snapshots.values_list("pk", flat=True))

    response = client_for(partner).post(
        ARTICLES,
        {
            "url": "https://news.example.com/jobs?utm_source=partner",
            "html": "<html><body><p>Minister resigns in disgrace.</p></body></html>",
            "title": "Minister resigns in disgrace",
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "content_conflict"
    assert "only an editor may replace it" in response.json()["message"]
    article.refresh_from_db()
    claim.refresh_from_db()
    assert article.title == "Minister hails record jobs figures"
    assert list(article.source.snapshots.values_list("pk", flat=True)) == snapshots_before
    assert claim.status == "published"
    public = APIClient().get(f"/api/v1/verdicts/{verdict.pk}/").json()
    assert public["article"]["title"] == "Minister hails record jobs figures"


def test_a_partner_cannot_put_content_on_a_url_another_caller_submitted_for_fetching(partner):
    first = client_for(EditorFactory()).post(ARTICLES, {"url": "https://news.example.com/q"}, format="json")

    response = client_for(partner).post(
        ARTICLES, {"url": "https://news.example.com/q", "html": "<p>Made up.</p>"}, format="json"
    )

    assert response.status_code == 409 and response.json()["code"] == "content_conflict"
    assert not Article.objects.get(pk=first.json()["id"]).source.snapshots.exists()


def test_a_partner_may_still_ask_for_a_url_to_be_fetched_again(partner):
    article, claim, _ = _published_claim_on_submitted_article(EditorFactory())

    response = client_for(partner).post(ARTICLES, {"url": "https://news.example.com/jobs"}, format="json")

    assert response.status_code == 202 and response.json()["id"] == article.pk
    assert response.json()["title"] == "Minister hails record jobs figures"


def test_an_editor_may_replace_the_stored_content_of_an_article():
    editor = EditorFactory()
    article, _, _ = _published_claim_on_submitted_article(editor)

    response = client_for(editor).post(
        ARTICLES,
        {"url": "https://news.example.com/jobs", "html": "<p>Corrected copy.</p>", "title": "Corrected"},
        format="json",
    )

    assert response.status_code == 202
    article.refresh_from_db()
    assert article.title == "Corrected" and article.source.snapshots.count() == 2


def test_a_partner_resending_the_same_text_does_not_change_its_title(partner):
    text = "The mayor said bus fares fell by a third."
    first = client_for(EditorFactory()).post(ARTICLES, {"text": text, "title": "Fares"}, format="json")

    again = client_for(partner).post(ARTICLES, {"text": text, "title": "Mayor lies"}, format="json")

    assert again.status_code == 202 and again.json()["id"] == first.json()["id"]
    assert Article.objects.get(pk=first.json()["id"]).title == "Fares"


def test_a_partner_sees_only_the_articles_it_submitted(partner):
    other = UserFactory(username="other-newsroom")
    other.user_permissions.add(Permission.objects.get(codename="add_article"))
    theirs = client_for(other).post(ARTICLES, {"text": "A secret lead.", "title": "LEAD-X"}, format="json")
    mine = client_for(partner).post(ARTICLES, {"url": "https://e.example/mine"}, format="json")

    listed = client_for(partner).get(ARTICLES).json()["results"]

    assert [a["id"] for a in listed] == [mine.json()["id"]]
    assert client_for(partner).get(f"{ARTICLES}{theirs.json()['id']}/").status_code == 404
    assert {a["id"] for a in client_for(EditorFactory()).get(ARTICLES).json()["results"]} == {
        mine.json()["id"],
        theirs.json()["id"],
    }


def test_a_partner_submitting_a_url_another_caller_submitted_may_follow_it(partner):
    first = client_for(EditorFactory()).post(ARTICLES, {"url": "https://e.example/shared"}, format="json")

    again = client_for(partner).post(ARTICLES, {"url": "https://e.example/shared"}, format="json")

    assert again.status_code == 202 and again.json()["id"] == first.json()["id"]
    assert client_for(partner).get(again.json()["url"]).status_code == 200
