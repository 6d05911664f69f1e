from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimEvent
from tests.factories import EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db
URL = reverse("admin:claims_claim_changelist")


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _run(client, action, claims, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in claims], **data}
    return client.post(URL, payload, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_accept_reports_successes_and_claims_refused_for_their_status(editor_client, editor):
    candidates = [claim_in_status("candidate", editor=editor) for _ in range(2)]
    others = [claim_in_status("open", editor=editor), claim_in_status("dismissed", editor=editor)]
    response = _run(editor_client, "accept", candidates + others)
    assert {c.status for c in Claim.objects.filter(pk__in=[c.pk for c in candidates])} == {"open"}
    (message,) = _messages(response)
    assert message.startswith("Accepted: 2 claims.")
    assert "1 claim already had that status" in message
    assert "1 claim were not in status candidate (dismissed: 1)" in message


def test_dismiss_asks_for_a_reason_then_dismisses_with_it(editor_client, editor):
    claim = claim_in_status("candidate", editor=editor)
    form_page = _run(editor_client, "dismiss", [claim])
    assert b'name="reason"' in form_page.content
    assert Claim.objects.get(pk=claim.pk).status == "candidate"
    without = _run(editor_client, "dismiss", [claim], apply="Dismiss", reason="")
    assert b"This field is required" in without.content
    done = _run(editor_client, "dismiss", [claim], apply="Dismiss", reason="An opinion, not a fact.")
    assert Claim.objects.get(pk=claim.pk).status == "dismissed"
    assert ClaimEvent.objects.filter(claim=claim, to_status="dismissed", comment__contains="opinion").exists()
    assert "Dismissed: 1 claim." in _messages(done)[0]


def test_assign_sets_reviewer_and_due_date_through_the_intermediate_form(editor_client, editor):
    reviewer = ReviewerFactory()
    claims = [claim_in_status("open", editor=editor) for _ in range(3)]
    due = timezone.localdate() + timedelta(days=5)
    response = _run(
        editor_client, "assign", claims, apply="Assign", assignee=reviewer.pk, due_date=due.isoformat()
    )
    assert "Assigned to" in _messages(response)[0] and "3 claims" in _messages(response)[0]
    for claim in Claim.objects.filter(pk__in=[c.pk for c in claims]):
        assert (claim.status, claim.assignee_id, claim.due_date) == ("researching", reviewer.pk, due)


def test_assign_refuses_claims_that_are_not_open_and_says_why(editor_client, editor):
    reviewer = ReviewerFactory()
    claims = [claim_in_status("candidate", editor=editor) for _ in range(3)]
    response = _run(editor_client, "assign", claims, apply="Assign", assignee=reviewer.pk)
    assert "3 claims were not in status open or researching (candidate: 3)" in _messages(response)[0]
    assert not Claim.objects.filter(assignee=reviewer).exists()


def test_merge_keeps_the_chosen_claim_and_marks_the_others_duplicates(editor_client, editor):
    keep, dup = claim_in_status("open", editor=editor), claim_in_status("open", editor=editor)
    form_page = _run(editor_client, "merge", [keep, dup])
    assert b'name="keep"' in form_page.content
    _run(editor_client, "merge", [keep, dup], apply="Merge", keep=keep.pk)
    dup.refresh_from_db()
    assert (dup.status, dup.duplicate_of_id) == ("duplicate", keep.pk)
    assert Claim.objects.get(pk=keep.pk).status == "open"


def test_reopen_brings_dismissed_claims_back_to_open(editor_client, editor):
    claim = claim_in_status("dismissed", editor=editor)
    _run(editor_client, "reopen", [claim], apply="Reopen", comment="Turns out it is checkable.")
    assert Claim.objects.get(pk=claim.pk).status == "open"


def test_reviewers_get_no_bulk_actions(client):
    reviewer = ReviewerFactory()
    claim = claim_in_status("researching", reviewer=reviewer)
    client.force_login(reviewer)
    response = client.get(URL)
    assert 'name="action"' not in response.content.decode()
    _run(client, "accept", [claim])
    assert Claim.objects.get(pk=claim.pk).status == "researching"
