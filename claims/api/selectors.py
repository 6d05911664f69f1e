"""Reads behind the public API, the export, the feed and the public pages: what anyone may see.

Public means: verdicts in state ``published`` or ``corrected`` (never draft, proposed or withdrawn), and of
their claim's evidence only what a reviewer kept with a stance (supports, refutes, context); never the
evidence's internal note, never who wrote or approved the verdict unless the organisation publishes names.
"""

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from claims.models import Evidence, Verdict

PUBLIC_STATES = (Verdict.State.PUBLISHED, Verdict.State.CORRECTED)
PUBLIC_STANCES = (Evidence.Stance.SUPPORTS, Evidence.Stance.REFUTES, Evidence.Stance.CONTEXT)


def public_evidence() -> QuerySet:
    """Evidence shown publicly, without the snapshot bodies (large) or the internal note."""
    return (
        Evidence.objects.filter(dismissed=False, stance__in=PUBLIC_STANCES)
        .select_related("source", "snapshot")
        .only(
            "id",
            "claim_id",
            "excerpt",
            "stance",
            "updated_at",
            "source__id",
            "source__url",
            "snapshot__id",
            "snapshot__fetched_at",
            "snapshot__sha256",
        )
        .order_by("id")
    )


def public_versions() -> QuerySet:
    """A claim's public verdicts, oldest first: its correction history."""
    return (
        Verdict.objects.filter(state__in=PUBLIC_STATES)
        .select_related("rating")
        .only("id", "claim_id", "state", "published_at", "updated_at", "correction_note", "rating__label")
        .order_by("published_at", "id")
    )


def public_verdicts() -> QuerySet:
    """Public verdicts newest first, with everything their JSON needs in a fixed number of queries (3)."""
    related = ["rating", "claim__claimant", "claim__article__source"]
    if settings.FACTCHECK_PUBLISH_REVIEWER_NAMES:
        related += ["author", "approver"]
    return (
        Verdict.objects.filter(state__in=PUBLIC_STATES)
        .select_related(*related)
        .prefetch_related(
            Prefetch("claim__evidence", queryset=public_evidence(), to_attr="public_evidence"),
            Prefetch("claim__verdicts", queryset=public_versions(), to_attr="public_versions"),
        )
        .order_by("-published_at", "-id")
    )
