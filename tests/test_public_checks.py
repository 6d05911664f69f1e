"""The public list of checks at ``/`` and ``/checks/``, where the admin's "View site" leads."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from claims.public_views import CHECKS_PER_PAGE
from tests import api_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def test_the_site_root_lists_published_checks_newest_first_and_links_each(client):
    older = fx.published_verdict(text="Crime doubled in 2024.")
    newer = fx.published_verdict(text="Exports rose by 467,000 barrels.")
    draft = fx.published_verdict(text="A draft nobody should see.", state="draft")

    page = client.get("/").content.decode()

    assert page.index("Exports rose by 467,000 barrels.") < page.index("Crime doubled in 2024.")
    assert f'href="/checks/{newer.pk}/"' in page and f'href="/checks/{older.pk}/"' in page
    assert "A draft nobody should see." not in page and f"/checks/{draft.pk}/" not in page


def test_the_list_pages_past_its_size_and_a_bad_page_number_is_not_an_error(client):
    for n in range(CHECKS_PER_PAGE + 1):
        fx.published_verdict(text=f"Numbered claim {n} checked.")

    first = client.get("/checks/").content.decode()
    second = client.get("/checks/", {"page": "2"}).content.decode()
    nonsense = client.get("/checks/", {"page": "abc"})

    assert first.count('<li><a href="/checks/') == CHECKS_PER_PAGE and "Older" in first
    assert second.count('<li><a href="/checks/') == 1 and "Newer" in second
    assert nonsense.status_code == 200


def test_the_admins_view_site_link_leads_to_the_public_list(client):
    staff = get_user_model().objects.create_user("viewer", password="x", is_staff=True, is_superuser=True)
    client.force_login(staff)

    index = client.get("/admin/").content.decode()

    assert 'href="/checks/"' in index
    assert client.get("/checks/").status_code == 200
