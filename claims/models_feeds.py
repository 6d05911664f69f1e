"""Follow-up feeds: what other fact-checkers and the wires publish that bears on our claims.

A ``Feed`` is polled on its own interval; each new entry becomes one ``FeedItem`` (detected once: unique
per feed) whose page is pulled as a ``sources.Source``. ClaimReview markup found in a page (or in a
fact-checker's page polled as a feed) is stored as an ``ExternalReview`` (unique per review URL). A
``ClaimLead`` ties one of our claims to an external review ("checked elsewhere") or to a feed item
("follow-up report") for a reviewer to accept as evidence or dismiss. Written only by ``claims.feeds``
services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sources.models import Source, TimestampedModel


class Feed(TimestampedModel):
    """A feed or page watched for new items, polled with conditional GETs on its own interval."""

    class Kind(models.TextChoices):
        RSS = "rss", "RSS or Atom feed"
        CLAIMREVIEW_PAGE = "claimreview_page", "Page carrying ClaimReview markup"
        SITEMAP = "sitemap", "Sitemap of a fact-checker"

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RSS)
    poll_interval_minutes = models.PositiveIntegerField(default=60)
    enabled = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty means due now; set after every poll."
    )
    etag = models.CharField(max_length=512, blank=True)
    last_modified = models.CharField(max_length=128, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(poll_interval_minutes__gte=1), name="feed_interval_positive"),
        ]
        indexes = [
            # poll_due_feeds: WHERE enabled AND (next_poll_at IS NULL OR next_poll_at <= now)
            models.Index(fields=["enabled", "next_poll_at"], name="feed_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class FeedItem(TimestampedModel):
    """One entry of a feed (an article, a release, a fact-check page), detected once."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=2000, help_text="The entry's id, or its URL when it has none.")
    url = models.URLField(max_length=2000, blank=True)
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="Plain text; markup stripped.")
    published_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feed_items",
        help_text="The entry's page as pulled by the sources pipeline.",
    )
    processed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the pulled page was last searched for ClaimReview."
    )
    matched_at = models.DateTimeField(
        null=True, blank=True, help_text="When the item was matched against claims; empty: pending."
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feeditem_unique_guid_per_feed"),
        ]
        indexes = [
            # The feed's admin inline and "latest items": WHERE feed = X ORDER BY created_at DESC
            models.Index(fields=["feed", "-created_at"], name="feeditem_feed_recent_idx"),
            # The beat's sweep of lost matching tasks: WHERE matched_at IS NULL AND created_at < ...
            models.Index(
                fields=["created_at"], condition=Q(matched_at__isnull=True), name="feeditem_unmatched_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.guid


class ExternalReview(TimestampedModel):
    """A ClaimReview published by another fact-checker, normalised from its JSON-LD or microdata."""

    class Verdict(models.TextChoices):
        TRUE = "true", "True-ish"
        FALSE = "false", "False-ish"
        MIXED = "mixed", "Mixed or unrated"

    url = models.URLField(max_length=2000, unique=True, help_text="The review's URL (the identity).")
    publisher_name = models.CharField(max_length=255, blank=True)
    publisher_url = models.URLField(max_length=2000, blank=True)
    claim_reviewed = models.TextField(blank=True)
    claimant = models.CharField(max_length=255, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    title = models.TextField(blank=True)
    textual_rating = models.CharField(max_length=255, blank=True)
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    verdict = models.CharField(
        max_length=8,
        choices=Verdict.choices,
        default=Verdict.MIXED,
        help_text="The rating mapped to true/false (see docs/feeds.md).",
    )
    language = models.CharField(max_length=16, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The ClaimReview object as found.")
    origin = models.CharField(
        max_length=32, blank=True, help_text="feed, import, or factchecktools: where it was found."
    )
    feed_item = models.ForeignKey(
        FeedItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="external_reviews"
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="external_reviews"
    )
    matched_at = models.DateTimeField(
        null=True, blank=True, help_text="When this version was matched against claims; empty: pending."
    )

    class Meta:
        ordering = ["-review_date", "-id"]
        indexes = [
            # The beat's sweep of lost matching tasks: WHERE matched_at IS NULL AND updated_at < ...
            models.Index(
                fields=["updated_at"], condition=Q(matched_at__isnull=True), name="extreview_unmatched_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher_name or 'unknown publisher'}: {self.textual_rating or 'unrated'}"


class ClaimLead(TimestampedModel):
    """A match between one of our claims and an external review or a feed item, awaiting a reviewer."""

    class Kind(models.TextChoices):
        CHECKED_ELSEWHERE = "checked_elsewhere", "Checked elsewhere"
        FOLLOW_UP = "follow_up", "Follow-up report"

    class State(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted as evidence"
        DISMISSED = "dismissed", "Dismissed"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="leads")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    external_review = models.ForeignKey(
        ExternalReview, on_delete=models.CASCADE, null=True, blank=True, related_name="leads"
    )
    feed_item = models.ForeignKey(
        FeedItem, on_delete=models.CASCADE, null=True, blank=True, related_name="leads"
    )
    score = models.FloatField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    contradicts = models.BooleanField(
        default=False, help_text="The external rating contradicts our published rating."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ForeignKey(
        "claims.Evidence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [
            # Exactly one target, matching the kind.
            models.CheckConstraint(
                condition=(
                    Q(kind="checked_elsewhere", external_review__isnull=False, feed_item__isnull=True)
                    | Q(kind="follow_up", feed_item__isnull=False, external_review__isnull=True)
                ),
                name="claimlead_one_target",
            ),
            # A lead is found once: re-matching the same review or item is a no-op (and a dismissed
            # lead stays dismissed).
            models.UniqueConstraint(
                fields=["claim", "external_review"],
                condition=Q(external_review__isnull=False),
                name="claimlead_unique_review",
            ),
            models.UniqueConstraint(
                fields=["claim", "feed_item"],
                condition=Q(feed_item__isnull=False),
                name="claimlead_unique_item",
            ),
        ]
        indexes = [
            # The claim page's "leads" list: WHERE claim = X AND state = 'new' ORDER BY score DESC
            models.Index(fields=["claim", "state", "-score"], name="claimlead_claim_state_idx"),
        ]

    def __str__(self) -> str:
        return self.headline

    @property
    def headline(self) -> str:
        """The line shown on the claim: "checked elsewhere: X rated it Y" or "follow-up report: T"."""
        if self.kind == self.Kind.CHECKED_ELSEWHERE and self.external_review_id:
            review = self.external_review
            return (
                f"checked elsewhere: {review.publisher_name or 'another fact-checker'} "
                f"rated it {review.textual_rating or 'unrated'}"
            )
        item = self.feed_item
        return f"follow-up report: {item.title or item.url}" if item else "follow-up report"

    @property
    def url(self) -> str:
        if self.external_review_id:
            return self.external_review.url
        return self.feed_item.url if self.feed_item_id else ""
