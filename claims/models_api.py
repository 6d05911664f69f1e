"""Rows that serve API consumers: idempotency keys of API writes, webhook subscriptions and deliveries.

Kept apart from ``claims.models`` (which imports this module) because none of these is editorial state:
they record what was answered to, or sent to, a machine client.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from sources.models import TimestampedModel


class IdempotencyKey(models.Model):
    """The first response to a write sent with an ``Idempotency-Key`` header, replayed on a repeat.

    A row is inserted (response empty) before the write runs, so a concurrent repeat sees it and is told
    to wait; the response is stored once the write answers. A server error deletes the row, so the client
    may retry with the same key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=1024)
    request_sha256 = models.CharField(max_length=64, help_text="Hash of the request body first sent.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while running.")
    response_body = models.JSONField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The lookup of every write that carries a key: WHERE user, key, method, path
            models.UniqueConstraint(fields=["user", "key", "method", "path"], name="idempotency_key_scope"),
        ]
        indexes = [
            # Purging expired keys: WHERE created_at < now - ttl
            models.Index(fields=["created_at"], name="idempotency_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class WebhookSubscription(TimestampedModel):
    """A consumer endpoint that receives signed JSON for the events it chose (managed in the admin)."""

    class Event(models.TextChoices):
        VERDICT_PUBLISHED = "verdict.published", "Verdict published"
        VERDICT_CORRECTED = "verdict.corrected", "Verdict corrected"
        VERDICT_WITHDRAWN = "verdict.withdrawn", "Verdict withdrawn"
        CLAIM_NEEDS_UPDATE = "claim.needs_update", "Claim needs an update"

    name = models.CharField(max_length=128)
    url = models.URLField(
        max_length=2000, help_text="http(s) URL; must pass the same address guard as fetching."
    )
    secret = models.CharField(
        max_length=128, help_text="Shared secret for the HMAC-SHA256 signature; give it to the consumer."
    )
    events = models.JSONField(default=list, help_text="Event names this endpoint receives.")
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Deliveries failed in a row (after their retries); reset by a success."
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.is_active and event in (self.events or [])


class WebhookDelivery(TimestampedModel):
    """One event sent to one subscription, with the outcome of its attempts (the delivery log)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled (subscription disabled)"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32)
    event_id = models.UUIDField(default=uuid.uuid4, help_text="Same for every subscription of one event.")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When the next try is due.")
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is sending it until then (no second concurrent send)."
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | Q(delivered_at__isnull=False),
                name="webhook_delivery_succeeded_has_date",
            ),
        ]
        indexes = [
            # The admin's delivery log of one subscription, newest first
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log_idx"),
            # Failed/retrying deliveries across subscriptions (admin filter)
            models.Index(fields=["status", "-created_at"], name="webhook_delivery_status_idx"),
            # The sweeper: WHERE status IN (pending, retrying) AND next_attempt_at <= now
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.subscription} ({self.status})"
