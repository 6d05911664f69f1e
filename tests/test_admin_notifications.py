from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from claims import services
from claims.errors import TransitionNotAllowed
from claims.models import Claim
from claims.notifications import send_overdue_digest
from tests.factories import EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db


def test_the_reviewer_gets_an_email_when_a_claim_is_assigned(django_capture_on_commit_callbacks):
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("open", editor=editor)
    due = timezone.localdate() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_assign(claim=claim, actor=editor, assignee=reviewer, due_date=due)
    (email,) = mail.outbox
    assert email.to == [reviewer.email]
    assert claim.text in email.body and f"Due: {due:%Y-%m-%d}" in email.body
    assert f"/admin/claims/claim/{claim.pk}/research/" in email.body


def test_the_reviewer_gets_the_editors_comment_when_a_verdict_is_sent_back(
    django_capture_on_commit_callbacks,
):
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_send_back(claim=claim, actor=editor, comment="Cite the March release.")
    (email,) = mail.outbox
    assert email.to == [reviewer.email] and "Cite the March release." in email.body


def test_no_email_is_sent_when_the_write_is_rolled_back(django_capture_on_commit_callbacks):
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("candidate", editor=editor)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionNotAllowed):
        services.claim_assign(claim=claim, actor=editor, assignee=reviewer)
    assert mail.outbox == []


def test_daily_digest_sends_each_assignee_their_overdue_claims_and_editors_all():
    editor, alice, bob = EditorFactory(), ReviewerFactory(), ReviewerFactory()
    late = timezone.localdate() - timedelta(days=4)
    a = claim_in_status("researching", editor=editor, reviewer=alice)
    b = claim_in_status("researching", editor=editor, reviewer=bob)
    on_time = claim_in_status("researching", editor=editor, reviewer=bob)
    Claim.objects.filter(pk__in=[a.pk, b.pk]).update(due_date=late)
    Claim.objects.filter(pk=on_time.pk).update(due_date=timezone.localdate() + timedelta(days=4))
    mail.outbox.clear()
    assert send_overdue_digest() == 3
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert f"#{a.pk} due" in by_recipient[alice.email] and f"#{b.pk}" not in by_recipient[alice.email]
    assert f"#{b.pk} due" in by_recipient[bob.email] and f"#{on_time.pk}" not in by_recipient[bob.email]
    assert f"#{a.pk}" in by_recipient[editor.email] and f"#{b.pk}" in by_recipient[editor.email]
    assert "4 days late" in by_recipient[alice.email]


def test_the_digest_is_scheduled_daily_with_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["claims-overdue-digest"]
    assert entry["task"] == "claims.send_overdue_digest"
    assert entry["schedule"].hour == {settings.FACTCHECK_DIGEST_HOUR}
