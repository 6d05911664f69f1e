"""The only writers of webhook deliveries and of a subscription's failure count and active flag.

Delivery life: pending -> (claimed by a worker, sent) -> succeeded | retrying -> ... | failed. A failed
delivery (retries exhausted, or a refusal not worth retrying) counts one failure for its subscription;
``WEBHOOK_DISABLE_AFTER_FAILURES`` in a row disable it. A success resets the count.
"""

import logging
import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models_api import WebhookDelivery, WebhookSubscription
from claims.webhooks.delivery import Outcome
from factcheck.queueing import send

logger = logging.getLogger(__name__)


def queue_delivery(delivery_id: int, *, countdown: float = 0) -> bool:
    """Send the delivery task (queue WEBHOOK_QUEUE); False when the broker is down (the sweeper resends)."""
    from claims.webhooks.tasks import deliver_webhook

    return send(deliver_webhook, args=[delivery_id], countdown=countdown, queue=settings.WEBHOOK_QUEUE)


def queue_on_commit(delivery_id: int) -> None:
    transaction.on_commit(lambda: queue_delivery(delivery_id))


def webhook_emit(*, event: str, data: dict) -> list[int]:
    """Create one delivery per active subscription to ``event`` and queue each after commit; return ids."""
    if event not in WebhookSubscription.Event.values:
        raise ValueError(f"unknown webhook event {event!r}")
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = {"id": str(event_id), "event": event, "created_at": now.isoformat(), "data": data}
    with transaction.atomic():
        subscriptions = [s for s in WebhookSubscription.objects.filter(is_active=True) if s.wants(event)]
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                subscription=s, event=event, event_id=event_id, payload=payload, next_attempt_at=now
            )
            for s in subscriptions
        )
        for delivery in deliveries:
            queue_on_commit(delivery.pk)
    return [d.pk for d in deliveries]


def delivery_claim(*, delivery_id: int) -> WebhookDelivery | None:
    """Reserve a due delivery for one send; None when it is done, not due, or another worker has it."""
    now = timezone.now()
    lease = timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT + 30)
    claimed = WebhookDelivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
        next_attempt_at__lte=now,
        subscription__is_active=True,
    ).update(claimed_until=now + lease)
    if not claimed:
        _cancel_if_subscription_disabled(delivery_id)
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)


def _cancel_if_subscription_disabled(delivery_id: int) -> None:
    WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
        subscription__is_active=False,
    ).update(status=WebhookDelivery.Status.CANCELLED, claimed_until=None, updated_at=timezone.now())


def retry_delay(attempts: int) -> float | None:
    """Seconds before the next try after ``attempts`` tries (with up to 25% jitter), or None: give up."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    if attempts > len(delays):
        return None
    base = delays[attempts - 1]
    return base + random.uniform(0, base / 4)


def delivery_record(*, delivery_id: int, outcome: Outcome) -> WebhookDelivery:
    """Record one attempt's outcome; schedule the next try, or settle the delivery and its subscription."""
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error[:2000]
        delivery.last_attempt_at = now
        delivery.claimed_until = None
        delay = retry_delay(delivery.attempts) if outcome.retryable else None
        if outcome.ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            subscription.consecutive_failures = 0
        elif delay is not None:
            delivery.status = WebhookDelivery.Status.RETRYING
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        else:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            subscription.consecutive_failures += 1
            if subscription.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
                subscription.is_active = False
                subscription.disabled_at = now
                count, last = subscription.consecutive_failures, delivery.last_error
                subscription.disabled_reason = f"{count} failed deliveries in a row; last: {last}"
        delivery.save()
        subscription.save()
    return delivery


def subscription_enable(*, subscription: WebhookSubscription) -> None:
    """Re-activate a subscription and forget its failures (its cancelled deliveries are not resent)."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=True,
        consecutive_failures=0,
        disabled_at=None,
        disabled_reason="",
        updated_at=timezone.now(),
    )


def delivery_retry_now(*, delivery: WebhookDelivery) -> bool:
    """Queue a failed or cancelled delivery for one more round of attempts; False if it succeeded."""
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(
            status=WebhookDelivery.Status.SUCCEEDED
        )
        if not updated.update(
            status=WebhookDelivery.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_until=None,
            updated_at=timezone.now(),
        ):
            return False
        queue_on_commit(delivery.pk)
    return True


def due_delivery_ids(*, grace_seconds: int = 60, limit: int = 500) -> list[int]:
    """Ids of deliveries whose task was lost (broker down, worker killed): overdue and unclaimed."""
    now = timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING],
            next_attempt_at__lte=now - timedelta(seconds=grace_seconds),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
