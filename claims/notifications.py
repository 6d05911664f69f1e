"""Email notifications: to a reviewer on assignment and when a verdict is sent back, and a daily digest of
overdue claims (Celery beat, ``CELERY_BEAT_SCHEDULE["claims-overdue-digest"]``).

The receivers listen to the domain signals, which the services send after commit, and only queue a task
taking ids: sending mail is slow network I/O that a request should not wait for. Queueing is best-effort
(``factcheck.queueing``): with the broker down a notification is logged and dropped, never the write.
"""

import logging
from urllib.parse import urljoin

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from claims import signals
from claims.models import Claim
from factcheck.queueing import enqueue

logger = logging.getLogger(__name__)
ACTIVE_STATUSES = (Claim.Status.OPEN, Claim.Status.RESEARCHING, Claim.Status.IN_REVIEW)


def claim_link(claim_id: int, view: str = "claims_claim_research") -> str:
    return urljoin(settings.FACTCHECK_ADMIN_SITE_URL, reverse(f"admin:{view}", args=[claim_id]))


@receiver(signals.claim_assigned, dispatch_uid="notify_assignment")
def on_claim_assigned(sender, claim_id, assignee_id, **kwargs):
    enqueue(notify_assignment, claim_id, assignee_id)


@receiver(signals.claim_sent_back, dispatch_uid="notify_sent_back")
def on_claim_sent_back(sender, claim_id, comment="", **kwargs):
    enqueue(notify_sent_back, claim_id, comment)


@shared_task(name="claims.notify_assignment")
def notify_assignment(claim_id: int, assignee_id: int) -> bool:
    """Email the assignee that a claim is theirs; False when the claim, user or address is missing."""
    claim = Claim.objects.filter(pk=claim_id).first()
    assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
    if claim is None or assignee is None or not assignee.email:
        return False
    due = f"Due: {claim.due_date:%Y-%m-%d}\n" if claim.due_date else ""
    send_mail(
        subject=f"[factcheck] Claim #{claim.pk} assigned to you",
        message=f"You have been assigned a claim to check:\n\n{claim.text}\n\n{due}{claim_link(claim.pk)}\n",
        from_email=None,
        recipient_list=[assignee.email],
    )
    return True


@shared_task(name="claims.notify_sent_back")
def notify_sent_back(claim_id: int, comment: str = "") -> bool:
    """Email the assignee that the verdict was sent back, with the editor's comment."""
    claim = Claim.objects.select_related("assignee").filter(pk=claim_id).first()
    if claim is None or claim.assignee is None or not claim.assignee.email:
        return False
    send_mail(
        subject=f"[factcheck] Verdict on claim #{claim.pk} sent back",
        message=(
            f"An editor sent your proposed verdict back for more work.\n\nClaim: {claim.text}\n\n"
            f"Comment: {comment}\n\n{claim_link(claim.pk)}\n"
        ),
        from_email=None,
        recipient_list=[claim.assignee.email],
    )
    return True


@shared_task(name="claims.send_overdue_digest")
def send_overdue_digest() -> int:
    """Email each assignee their overdue claims and each editor the full list; return emails sent."""
    today = timezone.localdate()
    overdue = list(
        Claim.objects.filter(due_date__lt=today, status__in=ACTIVE_STATUSES)
        .select_related("assignee")
        .order_by("due_date", "id")
    )
    if not overdue:
        return 0
    sent = 0
    by_assignee: dict = {}
    for claim in overdue:
        if claim.assignee is not None:
            by_assignee.setdefault(claim.assignee, []).append(claim)
    for assignee, claims in by_assignee.items():
        if assignee.email and assignee.is_active:
            sent += _send_digest(assignee.email, claims, today, "Your overdue claims")
    editors = get_user_model().objects.filter(
        Q(groups__name="Editor") | Q(is_superuser=True), is_active=True, is_staff=True
    )
    for email in sorted({e.email for e in editors if e.email}):
        sent += _send_digest(email, overdue, today, "All overdue claims")
    return sent


def _send_digest(email: str, claims: list[Claim], today, heading: str) -> int:
    lines = [
        f"- #{c.pk} due {c.due_date:%Y-%m-%d} ({(today - c.due_date).days} days late)"
        f"{', ' + c.assignee.get_username() if c.assignee else ', unassigned'}: {c.text[:100]}\n"
        f"  {claim_link(c.pk, 'claims_claim_change')}"
        for c in claims
    ]
    send_mail(
        subject=f"[factcheck] {len(claims)} overdue claim(s) on {today:%Y-%m-%d}",
        message=f"{heading}:\n\n" + "\n".join(lines) + "\n",
        from_email=None,
        recipient_list=[email],
    )
    return 1
