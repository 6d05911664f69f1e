"""Turn workflow signals into webhook deliveries (connected in ``ClaimsConfig.ready``).

``claims.services`` sends these signals after its transaction commits, with ids only; each receiver
builds the public payload from the committed rows and emits the event (deliveries are queued after the
receiver's own commit). Failures are logged by ``claims.signals.send_on_commit``, never raised at the
editor who published.
"""

from django.dispatch import receiver

from claims import signals
from claims.webhooks import events, tasks  # noqa: F401 - tasks: registers the Celery tasks everywhere
from claims.webhooks.services import webhook_emit


@receiver(signals.verdict_published, dispatch_uid="claims.webhooks.verdict_published")
def on_verdict_published(sender, verdict_id, **kwargs):
    data = events.verdict_data(verdict_id)
    if data is not None:
        webhook_emit(event="verdict.published", data=data)


@receiver(signals.verdict_corrected, dispatch_uid="claims.webhooks.verdict_corrected")
def on_verdict_corrected(sender, verdict_id, previous_verdict_id, **kwargs):
    data = events.corrected_data(verdict_id, previous_verdict_id)
    if data is not None:
        webhook_emit(event="verdict.corrected", data=data)


@receiver(signals.verdict_withdrawn, dispatch_uid="claims.webhooks.verdict_withdrawn")
def on_verdict_withdrawn(sender, verdict_id, **kwargs):
    data = events.withdrawn_data(verdict_id)
    if data is not None:
        webhook_emit(event="verdict.withdrawn", data=data)


@receiver(signals.claim_needs_update, dispatch_uid="claims.webhooks.claim_needs_update")
def on_claim_needs_update(sender, claim_id, **kwargs):
    webhook_emit(event="claim.needs_update", data=events.needs_update_data(claim_id))
