from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from tests import admin_fixtures as fx

pytestmark = pytest.mark.django_db


def test_my_queue_lists_only_my_active_claims_by_due_date_with_counts(client):
    me, other = fx.user("me", role="reviewer"), fx.user("other", role="reviewer")
    today = timezone.localdate()
    later = fx.claim(
        "later", assignee=me, status=Claim.Status.RESEARCHING, due_date=today + timedelta(days=20)
    )
    late = fx.claim("late", assignee=me, status=Claim.Status.RESEARCHING, due_date=today - timedelta(days=2))
    soon = fx.claim("soon", assignee=me, status=Claim.Status.IN_REVIEW, due_date=today + timedelta(days=2))
    fx.claim("theirs", assignee=other, status=Claim.Status.RESEARCHING, due_date=today)
    fx.claim("done", assignee=me, status=Claim.Status.PUBLISHED, due_date=today)
    client.force_login(me)
    response = client.get(reverse("admin:claims_my_queue"))
    assert [c.pk for c, _, _ in response.context["rows"]] == [late.pk, soon.pk, later.pk]
    assert response.context["counts"] == {
        "total": 3,
        "overdue": 1,
        "due_this_week": 1,
        "researching": 2,
        "in_review": 1,
    }
    page = response.content.decode()
    assert "theirs" not in page and "fc-overdue" in page


def test_the_admin_index_links_to_my_queue_and_the_dashboard(client):
    client.force_login(fx.user("ed", role="editor"))
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:claims_my_queue") in page and reverse("admin:claims_dashboard") in page
