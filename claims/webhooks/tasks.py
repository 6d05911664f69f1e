"""Celery tasks of the webhook subsystem (queue WEBHOOK_QUEUE, ``io`` by default: they wait on other
people's servers)."""

from celery import shared_task

from claims.webhooks import services
from claims.webhooks.delivery import send


@shared_task(name="claims.webhooks.deliver", queue="io")
def deliver_webhook(delivery_id: int) -> str:
    """Send one delivery if it is due and unclaimed; schedule its next try after a transient failure."""
    delivery = services.delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    outcome = send(
        url=delivery.subscription.url,
        secret=delivery.subscription.secret,
        payload=delivery.payload,
        event=delivery.event,
        delivery_id=delivery.pk,
        attempt=delivery.attempts + 1,
    )
    delivery = services.delivery_record(delivery_id=delivery_id, outcome=outcome)
    if delivery.status == delivery.Status.RETRYING:
        countdown = max(0.0, (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
        services.queue_delivery(delivery_id, countdown=countdown)
    return delivery.status


@shared_task(name="claims.webhooks.sweep", queue="io")
def sweep_webhook_deliveries() -> int:
    """Re-queue deliveries whose task was lost (beat runs this every minute); return how many."""
    ids = services.due_delivery_ids()
    for delivery_id in ids:
        services.queue_delivery(delivery_id)
    return len(ids)
