"""The editorial domain: articles under check, claims, claimants, evidence, ratings and verdicts.

State changes (a claim's status, a verdict's state) are written only by ``claims.services``; the
constraints below hold whatever code path writes a row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from simple_history.models import HistoricalRecords

from sources.models import Snapshot, Source, TimestampedModel


class Article(TimestampedModel):
    """A news article submitted for checking: a Source and the Snapshot of it that was analysed."""

    class InputKind(models.TextChoices):
        URL = "url", "URL"
        HTML = "html", "HTML document"
        TEXT = "text", "Plain text"

    class AnalysisState(models.TextChoices):
        QUEUED = "queued", "Queued"
        FETCHING = "fetching", "Fetching"
        ANALYSING = "analysing", "Analysing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="analysed_in",
        help_text="The version of the article that its claims' spans refer to.",
    )
    input_kind = models.CharField(max_length=8, choices=InputKind.choices, default=InputKind.URL)
    content_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    title = models.TextField(blank=True)
    publisher = models.CharField(max_length=255, blank=True)
    canonical_url = models.URLField(
        max_length=2000,
        blank=True,
        help_text="The http(s) URL the analysed page declares as its own; public outputs name it for an "
        "upload, whose source has no URL.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Everyone who submitted it (the same URL or content); they may follow it in the API.",
    )
    analysis_state = models.CharField(
        max_length=12, choices=AnalysisState.choices, default=AnalysisState.QUEUED
    )
    analysis_error = models.TextField(blank=True)
    sentences = models.JSONField(
        default=list,
        blank=True,
        help_text="Every sentence of the analysed snapshot: [{start, end, role, kind, checkworthiness, "
        "is_candidate, claimant, cited_urls}]; only candidates become claims.",
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=Q(source__isnull=False), name="article_one_per_source"
            ),
        ]

    def __str__(self) -> str:
        return self.title or (self.source.url if self.source_id else f"Article #{self.pk}")

    @property
    def url(self) -> str:
        return self.source.url if self.source_id else ""

    @property
    def public_url(self) -> str:
        return public_article_url(self.url, self.canonical_url)


def public_article_url(source_url: str | None, canonical_url: str | None) -> str:
    """The article URL public outputs may show: its own if http(s), else the page's canonical one, else "".

    An upload's source is ``urn:sha256:...``, an identity and no address: it is never published.
    """
    for url in (source_url, canonical_url):
        if url and url.lower().startswith(("http://", "https://")):
            return url
    return ""


class Claimant(TimestampedModel):
    """A person or organisation that makes claims; shared across articles."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"

    name = models.CharField(max_length=255)
    normalized_name = models.CharField(
        max_length=255, db_index=True, help_text="Matching key: case, accents and titles removed."
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSON)
    description = models.TextField(
        blank=True, help_text="Role, e.g. 'director of ... at the Hudson Institute'."
    )
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings seen, e.g. 'Mr. Sussex'.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClaimStatus(models.TextChoices):
    """``Claim.Status``, in workflow order (module level so that ``Claim.Meta`` can index that order)."""

    CANDIDATE = "candidate", "Candidate"
    OPEN = "open", "Open"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    NEEDS_UPDATE = "needs_update", "Needs update"
    DISMISSED = "dismissed", "Dismissed"
    DUPLICATE = "duplicate", "Duplicate"


def claim_status_rank() -> Case:
    """A claim's status as its place in the workflow (candidate 0 ... duplicate 7), to order lists by."""
    ranks = [When(status=status, then=Value(rank)) for rank, status in enumerate(ClaimStatus.values)]
    return Case(*ranks, default=Value(len(ranks)), output_field=models.PositiveSmallIntegerField())


class Claim(TimestampedModel):
    """A check-worthy statement, tracked through the editorial workflow (see ``claims.workflow``)."""

    Status = ClaimStatus

    class Kind(models.TextChoices):
        NUMERIC = "numeric", "Numeric"
        EVENT = "event", "Event"
        ATTRIBUTED = "attributed", "Attributed statement"
        QUOTE = "quote", "Quote"
        PREDICTION = "prediction", "Prediction"
        OPINION = "opinion", "Opinion"
        OTHER = "other", "Other"

    class Priority(models.IntegerChoices):
        LOW = 0, "Low"
        NORMAL = 1, "Normal"
        HIGH = 2, "High"
        URGENT = 3, "Urgent"

    class RestatementSource(models.TextChoices):
        MACHINE = "machine", "Machine-proposed"
        EDITOR = "editor", "Editor"

    class InArticle(models.TextChoices):
        CURRENT = "current", "As in the current version"
        CHANGED = "changed", "Sentence changed in a later version"
        REMOVED = "removed", "Sentence removed in a later version"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="claims"
    )
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(help_text="The claim as written.")
    restatement = models.TextField(blank=True, help_text="The editor's neutral restatement, if any.")
    restatement_source = models.CharField(
        max_length=8,
        choices=RestatementSource.choices,
        default=RestatementSource.EDITOR,
        help_text="machine: proposed by detection (check and edit it); editor: written or edited by a person",
    )
    claimant = models.ForeignKey(
        Claimant, on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OTHER)
    checkworthiness = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    dismiss_reason = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    due_date = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    cited_sources = models.ManyToManyField(Source, blank=True, related_name="cited_by_claims")
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")
    in_article = models.CharField(max_length=8, choices=InArticle.choices, default=InArticle.CURRENT)
    version = models.PositiveIntegerField(
        default=1, help_text="Optimistic lock: bumped by every service write."
    )
    quote_check = models.JSONField(
        default=dict,
        blank=True,
        help_text="For quotes and attributed statements: whether the quoted words appear in each cited "
        "source, {source_id: {found: exact|near|no, score, url, excerpt_start, excerpt_end}}.",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(span_start__isnull=True) | Q(span_end__gt=F("span_start")),
                name="claim_span_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("id")),
                name="claim_not_duplicate_of_itself",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="claim_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=Q(checkworthiness__isnull=True)
                | (Q(checkworthiness__gte=0) & Q(checkworthiness__lte=1)),
                name="claim_checkworthiness_0_1",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
        ]
        indexes = [
            # Editors' changelist filtered by status, newest first
            models.Index(fields=["status", "-created_at"], name="claim_status_recent_idx"),
            # The claims changelist's default order, with or without a status filter (claims/admin/claims.py):
            # ORDER BY status rank, checkworthiness DESC NULLS LAST, created_at DESC, id DESC
            models.Index(
                claim_status_rank(),
                F("checkworthiness").desc(nulls_last=True),
                F("created_at").desc(),
                F("id").desc(),
                name="claim_worklist_idx",
            ),
            # Reviewer's "my queue": WHERE assignee = me AND status IN (...) ORDER BY due_date
            models.Index(fields=["assignee", "status", "due_date"], name="claim_queue_idx"),
            # Overdue filter and dashboard: WHERE due_date < today
            models.Index(fields=["due_date"], name="claim_due_idx"),
            # Matching index refresh (claims.similar): WHERE updated_at >= watermark
            models.Index(fields=["updated_at"], name="claim_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."


class Rating(models.Model):
    """One step of the rating scale; numeric values order the scale for ClaimReview best/worst."""

    label = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64, unique=True)
    value = models.FloatField(
        null=True, blank=True, help_text="Numeric value; empty for Misleading, Unproven."
    )
    colour = models.CharField(max_length=7, default="#777777", help_text="Hex colour, e.g. #2e7d32.")
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Verdict(TimestampedModel):
    """A rating with its explanation; published once approved by an editor other than its author."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        PUBLISHED = "published", "Published"
        CORRECTED = "corrected", "Corrected (superseded by a correction)"
        WITHDRAWN = "withdrawn", "Withdrawn"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="verdicts"
    )
    summary = models.CharField(
        max_length=280, blank=True, help_text="One line, shown in lists and ClaimReview."
    )
    explanation = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_authored"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verdicts_approved",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_note = models.TextField(blank=True, help_text="Public note explaining the correction.")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="published"), name="verdict_one_published_per_claim"
            ),
            # The editor adjudicates one proposal at a time (verdict_approve picks "the" proposed verdict).
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="proposed"), name="verdict_one_proposed_per_claim"
            ),
            # verdict_save_draft and verdict_propose work on "the actor's draft" of a claim.
            models.UniqueConstraint(
                fields=["claim", "author"], condition=Q(state="draft"), name="verdict_one_draft_per_author"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["proposed", "published"])
                | (Q(rating__isnull=False) & ~Q(summary="")),
                name="verdict_proposed_or_published_is_rated",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersedes=F("id")),
                name="verdict_not_superseding_itself",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["published", "corrected"]) | Q(published_at__isnull=False),
                name="verdict_published_has_date",
            ),
        ]
        indexes = [
            # Public verdict list: WHERE state IN (published, corrected) ORDER BY published_at DESC, id DESC
            models.Index(fields=["state", "-published_at", "-id"], name="verdict_public_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating or 'unrated'}: {self.claim}"


class Evidence(TimestampedModel):
    """A source cited for or against a claim, pinned to the exact snapshot that was read."""

    class Stance(models.TextChoices):
        UNKNOWN = "unknown", "Unknown (to review)"
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"
        UNRELATED = "unrelated", "Unrelated"

    class Origin(models.TextChoices):
        CITED = "cited", "Cited by the article"
        SUGGESTED = "suggested", "Suggested by the system"
        ADDED = "added", "Added by a person"

    class QuantityMatch(models.TextChoices):
        SAME = "same", "Same quantity"
        CONFLICTING = "conflicting", "Conflicting quantity"
        NONE = "none", "No comparable quantity"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The archived version read; empty until the source has been pulled.",
    )
    excerpt = models.TextField(blank=True)
    excerpt_start = models.PositiveIntegerField(null=True, blank=True)
    excerpt_end = models.PositiveIntegerField(null=True, blank=True)
    excerpt_typed = models.BooleanField(
        default=False,
        db_default=False,  # rows inserted by SQL (bench/, bulk loads) that do not name the column
        help_text="The excerpt was typed or pasted by the reviewer, not quoted from an archived copy.",
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.UNKNOWN)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ADDED)
    score = models.FloatField(null=True, blank=True, help_text="Match score of a suggested passage.")
    dismissed = models.BooleanField(default=False, help_text="A suggestion the reviewer discarded.")
    quantity_match = models.CharField(
        max_length=12,
        choices=QuantityMatch.choices,
        blank=True,
        help_text="Suggested passages of a numeric claim: same or conflicting quantity as the claim.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, help_text="Internal note; never public.")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(excerpt_start__isnull=True) | Q(excerpt_end__gt=F("excerpt_start")),
                name="evidence_excerpt_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class ClaimEvent(models.Model):
    """Audit trail of workflow operations: who did what to a claim, when, from which status to which."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A claim's history page, oldest first
            models.Index(fields=["claim", "created_at"], name="claimevent_claim_idx"),
        ]

    # What the history tables show for each action code (the codes stay stable for the API and webhooks).
    ACTION_LABELS = {
        "create": "Proposed by detection",
        "edit": "Edited",
        "set_claimant": "Claimant set",
        "accept": "Accepted",
        "assign": "Assigned",
        "dismiss": "Dismissed",
        "merge": "Merged into another claim",
        "merge_in": "Absorbed a duplicate",
        "reopen": "Reopened",
        "evidence_add": "Evidence added",
        "evidence_update": "Evidence updated",
        "evidence_suggest": "Evidence suggested",
        "save_draft": "Verdict draft saved",
        "propose": "Verdict proposed",
        "withdraw_proposal": "Proposal withdrawn",
        "send_back": "Sent back to the reviewer",
        "approve": "Approved and published",
        "correct": "Correction published",
        "request_rerating": "Re-rating proposed (awaits a second editor)",
        "approve_rerating": "Re-rating approved and published",
        "withdraw": "Verdict withdrawn",
        "flag_needs_update": "Flagged: needs update",
        "match_merged": "Possible duplicate merged",
        "match_linked": "Linked as a new appearance",
        "match_rejected": "Possible duplicate rejected",
    }

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}->{self.to_status}"

    @property
    def action_label(self) -> str:
        """The action in words; an unknown code is spelled out from its parts."""
        return self.ACTION_LABELS.get(self.action) or self.action.replace("_", " ").capitalize()


from claims.models_api import IdempotencyKey, WebhookDelivery, WebhookSubscription  # noqa: E402,F401
from claims.models_feeds import ClaimLead, ExternalReview, Feed, FeedItem  # noqa: E402,F401
from claims.models_matching import ClaimAppearance, ClaimMatch  # noqa: E402,F401
