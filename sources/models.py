"""Web documents as the service has seen them: a Source (one normalized URL) and its Snapshots.

This module never imports ``claims``; changes are announced with signals (see ``sources.signals``).
"""

from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Source(TimestampedModel):
    """One web document, identified by its normalized URL, pulled again on a schedule."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        OK = "ok", "OK"
        FAILED = "failed", "Failed (will retry)"
        GONE = "gone", "Gone (404/410)"
        BLOCKED = "blocked", "Blocked (forbidden address or robots.txt)"
        UNSUPPORTED = "unsupported", "Unsupported content"

    url = models.URLField(max_length=2000, unique=True, help_text="Normalized URL (the identity).")
    domain = models.CharField(max_length=255, db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_pull_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    etag = models.CharField(max_length=512, blank=True)
    last_modified = models.CharField(max_length=128, blank=True)

    class Meta:
        indexes = [
            # refresh_due_sources: WHERE next_pull_at <= now ORDER BY next_pull_at
            models.Index(fields=["next_pull_at"], name="source_next_pull_idx"),
            models.Index(fields=["state"], name="source_state_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def latest_snapshot(self) -> "Snapshot | None":
        return self.snapshots.order_by("-fetched_at", "-id").first()


class Snapshot(models.Model):
    """One distinct content of a source (a new row only when the content hash changes)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField()
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=128, blank=True)
    sha256 = models.CharField(max_length=64)
    raw_body = models.BinaryField(blank=True, help_text="zlib-compressed body, size-capped.")
    text = models.TextField(blank=True, help_text="Extracted main text.")
    title = models.TextField(blank=True)
    byline = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    links = models.JSONField(
        default=list,
        blank=True,
        help_text="Outbound links in the main text: [{url, text, start, end}] with offsets into text.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "sha256"], name="snapshot_unique_content_per_source"),
        ]
        indexes = [
            # Source.latest_snapshot and the snapshot list of a source
            models.Index(fields=["source", "-fetched_at"], name="snapshot_source_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} @ {self.fetched_at:%Y-%m-%d %H:%M}"
