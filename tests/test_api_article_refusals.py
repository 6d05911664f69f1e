"""What an address-guard refusal tells the caller: a generic reason to partners, the detail to staff."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Article
from sources.models import Source
from tests.factories import EditorFactory, UserFactory

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
def refused_article(django_capture_on_commit_callbacks):
    """A partner (not staff) submitted http://localhost/, which the address guard refused."""
    partner = UserFactory(username="partner-newsroom")
    partner.user_permissions.add(Permission.objects.get(codename="add_article"))
    with override_settings(FETCH_ALLOW_LOOPBACK=False), django_capture_on_commit_callbacks(execute=True):
        response = client_for(partner).post(ARTICLES, {"url": "http://localhost/internal"}, format="json")
    assert response.status_code == 202, response.content
    return partner, response.json()["id"]


def test_a_partner_is_told_the_url_was_refused_without_what_internal_hosts_resolve_to(refused_article):
    partner, article_id = refused_article
    error = client_for(partner).get(f"{ARTICLES}{article_id}/").json()["analysis_error"]
    assert error == "The address leads to a private or forbidden network address, which is never fetched."
    assert "127.0.0.1" not in error and "resolves" not in error and "loopback" not in error


def test_staff_see_what_the_refused_host_resolves_to(refused_article):
    _, article_id = refused_article
    error = client_for(EditorFactory()).get(f"{ARTICLES}{article_id}/").json()["analysis_error"]
    assert "localhost resolves to 127.0.0.1, a loopback address" in error
    assert error.startswith(Article.objects.get(pk=article_id).analysis_error + " (detail: ")


def test_the_refusal_is_recorded_on_the_source_in_full(refused_article):
    source = Source.objects.get(url__startswith="http://localhost")
    assert source.state == Source.State.BLOCKED
    assert "127.0.0.1" in source.last_error
