"""Web documents as the service has seen them: a Source (one normalized URL) and its Snapshots.

This module never imports ``claims``; changes are announced with signals (see ``sources.signals``).
"""

from django.db import models
from django.utils import timezone


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
        RETRYING = "retrying", "Failed, retrying"
        FAILED = "failed", "Failed"
        GONE = "gone", "Gone (404/410)"
        BLOCKED = "blocked", "Blocked (forbidden address or robots.txt)"
        UNSUPPORTED = "unsupported", "Unsupported content"

    class Failure(models.TextChoices):
        """What the last failed pull ran into (``sources.failures`` words each for an editor)."""

        DNS = "dns", "Host name not found"
        REFUSED = "refused", "Connection refused"
        TIMEOUT = "timeout", "Timed out"
        CONNECTION = "connection", "Connection failed"
        TLS = "tls", "Secure connection failed"
        REDIRECTS = "redirects", "Too many redirects"
        GONE = "gone", "Page not found"
        HTTP_ERROR = "http_error", "Refused by the site"
        SERVER_ERROR = "server_error", "Server error"
        RATE_LIMITED = "rate_limited", "Rate limited"
        BLOCKED = "blocked", "Forbidden address"
        ROBOTS = "robots", "Disallowed by robots.txt"
        UNSUPPORTED = "unsupported", "Not HTML or text"
        TOO_LARGE = "too_large", "Too large"
        OTHER = "other", "Other"

    url = models.URLField(max_length=2000, unique=True, help_text="Normalized URL (the identity).")
    domain = models.CharField(max_length=255, db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_pull_at = models.DateTimeField(
        null=True, blank=True, default=timezone.now, help_text="Empty: never pulled automatically."
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, help_text="The last failure's technical detail (for staff).")
    failure = models.CharField(
        max_length=16, choices=Failure.choices, blank=True, help_text="Empty after a successful pull."
    )
    etag = models.CharField(max_length=512, blank=True)
    last_modified = models.CharField(max_length=128, blank=True)
    watch_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Until then the source is re-pulled at least every SOURCES_WATCH_INTERVAL "
        "(set by claims for sources cited by claims under review).",
    )
    unchanged_pulls = models.PositiveIntegerField(
        default=0, help_text="Pulls in a row without new content; the re-pull interval doubles with each."
    )
    current_snapshot = models.ForeignKey(
        "Snapshot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The content seen at the last successful pull.",
    )
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="A pull is running until then (a crashed pull's lease expires)."
    )
    queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a pull was last queued; refresh re-queues after a grace period.",
    )

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
        """The content seen last (an older snapshot again when the page reverted to it)."""
        if self.current_snapshot_id:
            return self.current_snapshot
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
    last_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="Last pull that returned this content."
    )
    links = models.JSONField(
        default=list,
        blank=True,
        help_text="Outbound links in the main text: [{url, text, start, end}] with offsets into text.",
    )
    canonical_url = models.URLField(
        max_length=2000, blank=True, help_text="The page's own http(s) URL (link rel=canonical, else og:url)."
    )
    site_name = models.CharField(
        max_length=255, blank=True, help_text="The publisher the page names (og:site_name, else JSON-LD)."
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
