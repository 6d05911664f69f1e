import csv
import html
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import dashboard
from claims.models import Claim, ClaimEvent, Verdict
from tests import admin_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(fx.user("ed", role="editor"))
    return client


def _csv(client, name) -> list[list[str]]:
    response = client.get(reverse("admin:claims_dashboard_csv", args=[name]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _event(cl, frm, to, at):
    event = ClaimEvent.objects.create(claim=cl, action="x", from_status=frm, to_status=to)
    ClaimEvent.objects.filter(pk=event.pk).update(created_at=at)


def test_claims_by_status_chart_and_csv_give_the_counts(editor_client):
    for _ in range(3):
        fx.claim(status=Claim.Status.OPEN)
    fx.claim(status=Claim.Status.PUBLISHED)
    page = editor_client.get(reverse("admin:claims_dashboard")).content.decode()
    assert 'id="fc-chart-status"' in page and "<svg" in page
    rows = dict(map(tuple, _csv(editor_client, "status")[1:]))
    assert rows["Open"] == "3" and rows["Published"] == "1" and rows["Candidate"] == "0"


def test_published_verdicts_are_counted_by_rating(editor_client):
    author = fx.user("au", role="reviewer")
    false, true = fx.rating("False", order=0), fx.rating("True", order=5)
    now = timezone.now()
    for rating in (false, false, true):
        fx.verdict(
            fx.claim(), author, rating=rating, summary="s", state=Verdict.State.PUBLISHED, published_at=now
        )
    fx.verdict(fx.claim(), author, rating=true, state=Verdict.State.DRAFT)
    assert dict(map(tuple, _csv(editor_client, "rating")[1:])) == {"False": "2", "True": "1"}


def test_median_time_from_triage_to_publication_uses_the_audit_events(editor_client):
    start = timezone.now() - timedelta(days=30)
    for days in (1, 3, 10):
        cl = fx.claim()
        _event(cl, "candidate", "open", start)
        _event(cl, "in_review", "published", start + timedelta(days=days))
    _event(fx.claim(), "candidate", "open", start)  # never published: not counted
    assert dashboard.median_triage_to_publication_days() == pytest.approx(3)
    assert "3.0 days" in editor_client.get(reverse("admin:claims_dashboard")).content.decode()


def test_overdue_claims_are_counted_per_reviewer(editor_client):
    late = timezone.localdate() - timedelta(days=1)
    alice, bob = fx.user("alice", role="reviewer"), fx.user("bob", role="reviewer")
    for who in (alice, alice, bob):
        fx.claim(assignee=who, status=Claim.Status.RESEARCHING, due_date=late)
    fx.claim(assignee=bob, status=Claim.Status.PUBLISHED, due_date=late)
    assert _csv(editor_client, "overdue")[1:] == [["alice", "2"], ["bob", "1"]]


def test_claims_per_week_lists_twelve_weeks_including_empty_ones(editor_client):
    fx.claim()
    Claim.objects.filter(pk=fx.claim().pk).update(created_at=timezone.now() - timedelta(weeks=3))
    rows = _csv(editor_client, "weekly")[1:]
    assert len(rows) == 12
    assert [int(n) for _, n in rows].count(0) == 10
    assert rows[-1][1] == "1" and rows[-4][1] == "1"


def test_chart_labels_are_escaped_and_csv_cells_cannot_start_a_formula(editor_client):
    evil = fx.user("=cmd<script>", role="reviewer")
    fx.claim(assignee=evil, status=Claim.Status.OPEN, due_date=timezone.localdate() - timedelta(days=1))
    page = editor_client.get(reverse("admin:claims_dashboard")).content.decode()
    assert "<script>" not in page.split('id="fc-chart-overdue"')[1]
    assert _csv(editor_client, "overdue")[1][0] == "'=cmd<script>"


def test_reviewers_cannot_open_the_dashboard(client):
    client.force_login(fx.user("rv", role="reviewer"))
    assert client.get(reverse("admin:claims_dashboard")).status_code == 403


def test_unknown_chart_csv_is_not_found(editor_client):
    assert editor_client.get(reverse("admin:claims_dashboard_csv", args=["nope"])).status_code == 404


def _bar_links(page: str, chart: str) -> dict[str, str]:
    """Each linked bar of one chart: its aria-label ("Open: 3") → the claims-list URL it leads to."""
    section = page.split(f'id="fc-chart-{chart}"')[1].split("</svg>")[0]
    return {
        label: html.unescape(href)
        for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', section)
    }


def _listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return len(response.context_data["cl"].result_list)


def test_each_bar_leads_to_the_list_of_the_claims_it_counts(editor_client):
    late = timezone.localdate() - timedelta(days=1)
    alice = fx.user("alice", role="reviewer")
    false = fx.rating("False", order=0)
    for _ in range(2):
        fx.claim(status=Claim.Status.OPEN)
    fx.claim(assignee=alice, status=Claim.Status.RESEARCHING, due_date=late)
    fx.claim(assignee=alice, status=Claim.Status.RESEARCHING)  # not overdue
    published = fx.claim(status=Claim.Status.PUBLISHED)
    fx.verdict(
        published,
        alice,
        rating=false,
        summary="s",
        state=Verdict.State.PUBLISHED,
        published_at=timezone.now(),
    )
    fx.verdict(fx.claim(status=Claim.Status.RESEARCHING), alice, rating=false, state=Verdict.State.DRAFT)
    Claim.objects.filter(pk=fx.claim().pk).update(created_at=timezone.now() - timedelta(weeks=3))
    page = editor_client.get(reverse("admin:claims_dashboard")).content.decode()

    status = _bar_links(page, "status")
    assert _listed(editor_client, status["Open: 2"]) == 2
    assert _listed(editor_client, status["Researching: 3"]) == 3
    assert _listed(editor_client, status["Duplicate: 0"]) == 0
    # The rating bar counts published verdicts only: the draft rated False is not in its list.
    assert _listed(editor_client, _bar_links(page, "rating")["False: 1"]) == 1
    assert _listed(editor_client, _bar_links(page, "overdue")["alice: 1"]) == 1
    weekly = list(_bar_links(page, "weekly").items())
    assert len(weekly) == 12
    assert _listed(editor_client, weekly[-4][1]) == 1 and weekly[-4][0].endswith(": 1")
    assert _listed(editor_client, weekly[-1][1]) == 6 and weekly[-1][0].endswith(": 6")
